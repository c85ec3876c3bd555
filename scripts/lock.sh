#!/usr/bin/env bash
# Regenerate requirements.lock (runtime) and requirements-dev.lock (runtime + test + lint), each
# from a clean virtualenv, so an install from them is reproducible. Run after changing a dependency
# in pyproject.toml: `make lock`, then commit both files.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

freeze() {  # freeze <venv> <extras> <outfile> <header>
  "$PYTHON" -m venv "$tmp/$1"
  "$tmp/$1/bin/pip" install --quiet --upgrade pip
  "$tmp/$1/bin/pip" install --quiet ".$2"
  { printf '%s\n' "$4"; "$tmp/$1/bin/pip" freeze --exclude-editable | grep -vi '^draagvlak'; } > "$3"
}

freeze main "" requirements.lock \
  "# Pinned runtime dependencies of draagvlak (pyproject.toml [project.dependencies]); \`make lock\` regenerates it
# from a clean virtualenv with Python 3.11. \`make install\` installs with these as constraints."
freeze dev "[test,lint]" requirements-dev.lock \
  "# Pinned runtime + test + lint dependencies (pyproject.toml extras test and lint); \`make lock\` regenerates
# it from a clean virtualenv with Python 3.11. \`make install-test\` installs with these as constraints."
echo "requirements.lock and requirements-dev.lock written"

"""docker-compose.yml validates against the compose-spec schema and runs every production part."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file_matches_the_compose_spec():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(ROOT / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_web_worker_beat_redis_and_postgres_with_healthchecks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "redis", "postgres"} <= set(services)
    images = {services[name].get("image") for name in ("web", "worker", "beat")}
    assert len(images) == 1  # one image for web, worker and beat
    for name in ("web", "redis", "postgres", "worker"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert set(compose["volumes"]) >= {"pgdata"}

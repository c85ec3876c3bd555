// Optional: move focus to the error summary (browsers without `autofocus` support on it).
// Everything works without this file.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("foutoverzicht");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
});

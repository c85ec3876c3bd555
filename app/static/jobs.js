// Jobs page: poll unfinished jobs and update their state and progress bar. The page works without it.
(function () {
  "use strict";
  var INTERVAL = 1500;
  var FINISHED = { done: true, failed: true };

  function poll(row) {
    var url = row.getAttribute("data-job-url");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        row.setAttribute("data-job-state", job.state);
        var bar = row.querySelector(".job-progress");
        if (bar) { bar.value = job.progress; bar.textContent = Math.round(job.progress * 100) + "%"; }
        var state = row.querySelector(".job-state");
        if (state) { state.textContent = job.state_label; }
        var message = row.querySelector(".job-message");
        if (message) { message.textContent = job.message; }
        if (!FINISHED[job.state]) { window.setTimeout(function () { poll(row); }, INTERVAL); }
      })
      .catch(function () { window.setTimeout(function () { poll(row); }, INTERVAL * 4); });
  }

  document.querySelectorAll("tr[data-job-url]").forEach(function (row) {
    if (!FINISHED[row.getAttribute("data-job-state")]) { poll(row); }
  });
})();

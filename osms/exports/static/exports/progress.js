/* Download centre: live progress of the user's running exports (no external scripts). */
(function () {
  "use strict";
  var ACTIVE = { queued: true, running: true };
  var POLL_MS = 2000;

  function activeJobs() {
    return Array.prototype.filter.call(
      document.querySelectorAll("[data-export-job]"),
      function (el) { return ACTIVE[el.getAttribute("data-status")]; }
    );
  }

  function grouped(n) {
    return n === null || n === undefined ? "?" : Number(n).toLocaleString();
  }

  function progressUrl(ids) {
    var base = window.location.pathname.replace(/\/?$/, "/");
    return base + "progress/?ids=" + encodeURIComponent(ids.join(","));
  }

  function update(el, job) {
    var bar = el.querySelector("[data-export-bar]");
    var rows = el.querySelector("[data-export-rows]");
    if (bar) { bar.style.width = job.percent + "%"; }
    if (rows) { rows.textContent = grouped(job.rows_done) + " / " + grouped(job.rows_total); }
    var status = document.querySelector('[data-export-status="' + job.id + '"]');
    if (status) { status.textContent = job.status_label; }
    el.setAttribute("data-status", job.status);
  }

  function poll() {
    var els = activeJobs();
    if (!els.length) { return; }
    var byId = {};
    els.forEach(function (el) { byId[el.getAttribute("data-export-job")] = el; });
    fetch(progressUrl(Object.keys(byId)), { credentials: "same-origin",
                                             headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { jobs: [] }; })
      .then(function (data) {
        var finished = false;
        data.jobs.forEach(function (job) {
          var el = byId[job.id];
          if (!el) { return; }
          update(el, job);
          if (!ACTIVE[job.status]) { finished = true; }
        });
        if (finished) {
          // Show the download link, size or failure reason rendered by the server.
          window.location.reload();
        } else {
          window.setTimeout(poll, POLL_MS);
        }
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 3); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.setTimeout(poll, POLL_MS);
  });
})();

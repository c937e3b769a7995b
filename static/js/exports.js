/* Exports: follow a bundle's progress, and copy the calendar address. No library, no network but our own. */
(function () {
  "use strict";

  // The export page: poll the status URL until the bundle is ready or failed, then reload for the result.
  var section = document.querySelector("[data-poll]");
  if (section) {
    var url = section.getAttribute("data-poll");
    var bar = section.querySelector("progress");
    var statusText = section.querySelector("[data-status]");
    var progressText = section.querySelector("[data-progress]");
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (job) {
          bar.max = job.total || 1;
          bar.value = job.done;
          bar.textContent = job.percent + "%";
          statusText.textContent = job.status_display.charAt(0).toUpperCase() + job.status_display.slice(1);
          progressText.textContent = job.progress_text;
          if (job.status === "ready" || job.status === "failed") {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1500);
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    };
    window.setTimeout(poll, 1000);
  }

  // Copy buttons: shown only where the clipboard can be written to (the field stays selectable anyway).
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.querySelector(button.getAttribute("data-copy"));
      navigator.clipboard.writeText(field.value).then(function () {
        var label = button.querySelector("[data-copy-label]");
        label.textContent = button.getAttribute("data-copied");
      });
    });
  });
})();

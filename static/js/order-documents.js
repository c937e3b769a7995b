// The order page's documents panel: while a PDF is rendering, ask its status every
// few seconds and reload the page once none is pending (no library, no CDN).
(function () {
  "use strict";
  var panel = document.getElementById("documents");
  if (!panel || !panel.dataset.pendingStatusUrls) {
    return;
  }
  var urls = panel.dataset.pendingStatusUrls.split(" ");
  var delay = 2000;
  function poll() {
    Promise.all(urls.map(function (url) {
      return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {status: "gone"}; });
    })).then(function (statuses) {
      if (statuses.some(function (s) { return s.status !== "pending"; })) {
        window.location.reload();
        return;
      }
      delay = Math.min(delay * 1.5, 15000);
      window.setTimeout(poll, delay);
    }).catch(function () {
      window.setTimeout(poll, 15000);
    });
  }
  window.setTimeout(poll, delay);
}());

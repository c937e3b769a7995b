// A detail page's history: fetched after the page (it is the costliest part to build) and put
// in place of its section. Without JavaScript, or if the request fails, the link stays.
(function () {
  "use strict";
  document.querySelectorAll("[data-history-src]").forEach(function (section) {
    var status = section.querySelector("[data-history-status]");
    section.setAttribute("aria-busy", "true");
    fetch(section.dataset.historySrc, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var loaded = holder.querySelector("section");
        if (!loaded) {
          throw new Error("no section");
        }
        section.replaceWith(loaded);
      })
      .catch(function () {
        section.removeAttribute("aria-busy");
        if (status) {
          status.insertAdjacentText("afterbegin", section.dataset.historyError + " ");
        }
      });
  });
}());

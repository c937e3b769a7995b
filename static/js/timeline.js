// The case timeline (templates/orders/_timeline.html): a click on a mark opens what it stands for.
// The picture is an image to assistive technologies (no links inside it); the list after it holds the same links.
(function () {
  "use strict";
  document.querySelectorAll("figure.case-timeline svg").forEach(function (svg) {
    svg.addEventListener("click", function (event) {
      var mark = event.target.closest("[data-href]");
      if (mark) {
        window.location.assign(mark.getAttribute("data-href"));
      }
    });
  });
})();

// The investigation page's sections fold and unfold: each section's heading becomes a button
// (aria-expanded) that hides or shows the rest of the section. All are open when the page opens;
// a link to a section (the table of contents, an address with #…) opens it; printing shows
// everything. Without JavaScript the sections are simply all shown.
(function () {
  "use strict";
  var container = document.querySelector("[data-collapsible-sections]");
  if (!container) {
    return;
  }
  var toggles = [];

  function setOpen(section, button, open) {
    section.classList.toggle("section-collapsed", !open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  container.querySelectorAll("section[aria-labelledby]").forEach(function (section) {
    var heading = document.getElementById(section.getAttribute("aria-labelledby"));
    if (!heading || !/^H[2-6]$/.test(heading.tagName) || !section.contains(heading)) {
      return;
    }
    if (!section.id) {
      section.id = heading.id + "-section";
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "section-toggle";
    button.setAttribute("aria-controls", section.id);
    while (heading.firstChild) {
      button.appendChild(heading.firstChild);
    }
    var mark = document.createElement("span");
    mark.className = "bi bi-chevron-down section-toggle-mark";
    mark.setAttribute("aria-hidden", "true");
    button.appendChild(mark);
    heading.appendChild(button);
    section.classList.add("section-collapsible");
    // The part that stays in view when folded: the heading, or the row that holds it and its buttons.
    var head = heading;
    while (head.parentElement !== section) {
      head = head.parentElement;
    }
    head.classList.add("section-head");
    setOpen(section, button, true);
    button.addEventListener("click", function () {
      setOpen(section, button, button.getAttribute("aria-expanded") !== "true");
    });
    toggles.push({section: section, button: button, heading: heading});
  });

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) {
      return;
    }
    toggles.forEach(function (toggle) {
      if (toggle.section.contains(target) || toggle.section === target) {
        setOpen(toggle.section, toggle.button, true);
      }
    });
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  // Printing shows every section, then the page is put back as it was.
  var folded = [];
  window.addEventListener("beforeprint", function () {
    folded = toggles.filter(function (toggle) {
      return toggle.section.classList.contains("section-collapsed");
    });
    folded.forEach(function (toggle) {
      setOpen(toggle.section, toggle.button, true);
    });
  });
  window.addEventListener("afterprint", function () {
    folded.forEach(function (toggle) {
      setOpen(toggle.section, toggle.button, false);
    });
    folded = [];
  });
})();

// Statute choices that follow the authority chosen in the same form: each statute option (or
// checkbox) lists in data-authorities the authorities it may be chosen for, and the element names
// the authority field in data-authority-field. Only those of the chosen authority are offered;
// with no authority chosen, all are. The server checks the same rule: this only spares a refusal.
(function () {
  "use strict";

  function choicesOf(element) {
    // A select's options, or a checkbox with the element that wraps it (hidden with it).
    if (element.tagName === "SELECT") {
      return Array.prototype.filter.call(element.options, function (option) {
        return option.hasAttribute("data-authorities");
      }).map(function (option) {
        return {input: option, box: option};
      });
    }
    return [{input: element, box: element.closest(".form-check") || element.parentElement}];
  }

  function filter(authority, choices) {
    var chosen = authority.value;
    choices.forEach(function (choice) {
      var fits = !chosen || choice.input.dataset.authorities.split(" ").indexOf(chosen) !== -1;
      choice.box.hidden = !fits;
      choice.input.disabled = !fits;
      if (!fits) {
        if (choice.input.tagName === "OPTION") {
          choice.input.selected = false;
        } else {
          choice.input.checked = false;
        }
      }
    });
  }

  var groups = new Map();
  document.querySelectorAll("[data-authority-field]").forEach(function (element) {
    var form = element.form;
    var authority = form && form.elements.namedItem(element.dataset.authorityField);
    if (!authority || authority.tagName !== "SELECT") {
      return;
    }
    if (!groups.has(authority)) {
      groups.set(authority, []);
    }
    Array.prototype.push.apply(groups.get(authority), choicesOf(element));
  });
  groups.forEach(function (choices, authority) {
    filter(authority, choices);
    authority.addEventListener("change", function () {
      filter(authority, choices);
    });
  });
})();

// Multi-selects marked data-searchable become Tom Select boxes: type to find, Enter or a click to
// choose, Backspace or the × button to remove. Without JavaScript they stay plain multi-selects.
// The words Tom Select shows come from the page (data-no-results, data-remove-title,
// data-placeholder), in the reader's language.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") {
    return;
  }

  function escapeHtml(text) {
    var holder = document.createElement("div");
    holder.textContent = text;
    return holder.innerHTML;
  }

  document.querySelectorAll("select[multiple][data-searchable]").forEach(function (select) {
    var words = select.dataset;
    var control = new TomSelect(select, {
      plugins: {
        remove_button: {title: words.removeTitle || "Remove"},
      },
      create: false,
      maxOptions: null,
      hideSelected: true,
      closeAfterSelect: false,
      placeholder: words.placeholder || "",
      render: {
        no_results: function () {
          return '<div class="no-results">' + escapeHtml(words.noResults || "") + "</div>";
        },
      },
    });
    // The help text stays tied to the typing field, which is what the keyboard reaches.
    // Tom Select points the label at its typing field (giving the label an id). The select it
    // replaces keeps the form's value, out of the keyboard's way (tabindex -1) and out of assistive
    // technology's, which would otherwise meet the same choice twice; it keeps its name all the same.
    var label = document.querySelector('label[for="' + control.control_input.id + '"]');
    if (label && label.id) {
      select.setAttribute("aria-labelledby", label.id);
    }
    select.setAttribute("aria-hidden", "true");
    var described = select.getAttribute("aria-describedby");
    if (described) {
      control.control_input.setAttribute("aria-describedby", described);
    }
  });
})();

// The procedure builder, progressive enhancement only: every page works without this file.
// - forms with data-confirm ask before deleting;
// - on a field's settings, choosing the field a condition depends on lists that field's choices.
(function () {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  document.querySelectorAll("form[data-condition-choices]").forEach(function (form) {
    var select = form.querySelector("select[name='condition_field']");
    var values = form.querySelector("[name='condition_values']");
    if (!select || !values) {
      return;
    }
    var choices = {};
    try {
      choices = JSON.parse(form.getAttribute("data-condition-choices") || "{}");
    } catch (error) {
      return;
    }
    var hint = document.createElement("p");
    hint.className = "help builder-condition-hint";
    hint.id = "condition-choices-hint";
    hint.setAttribute("aria-live", "polite");
    values.parentNode.appendChild(hint);
    var described = values.getAttribute("aria-describedby");
    values.setAttribute("aria-describedby", (described ? described + " " : "") + hint.id);

    function update() {
      var list = choices[select.value];
      hint.textContent = list && list.length ? "Choix possibles : " + list.join(" · ") : "";
    }
    select.addEventListener("change", update);
    update();
  });
})();

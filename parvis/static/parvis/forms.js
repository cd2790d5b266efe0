// Progressive enhancement of procedure forms: every form works without this file.
// - shows a conditional field only when the earlier answer matches (data-show-if / data-show-values);
// - moves the focus to the error summary; prevents a second click on « Envoyer ma demande »;
// - offers « Utiliser ma position » for map points and a print button on the confirmation.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function currentValues(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    var values = [];
    if (inputs.length === 1 && inputs[0].type === "checkbox" && !inputs[0].hasAttribute("value")) {
      return [inputs[0].checked ? "true" : "false"];
    }
    inputs.forEach(function (input) {
      if ((input.type === "checkbox" || input.type === "radio")) {
        if (input.checked) { values.push(input.value); }
      } else if (input.value !== "") {
        values.push(input.value);
      }
    });
    return values;
  }

  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (item) {
      var expected = [];
      try { expected = JSON.parse(item.getAttribute("data-show-values") || "[]"); } catch (e) { expected = []; }
      var values = currentValues(form, item.getAttribute("data-show-if"));
      var shown = values.some(function (v) { return expected.indexOf(v) !== -1; });
      item.hidden = !shown;
    });
  }

  document.querySelectorAll("form.procedure-form").forEach(function (form) {
    if (form.querySelector("[data-show-if]")) {
      update(form);
      form.addEventListener("change", function () { update(form); });
    }
    form.querySelectorAll(".map-point").forEach(function (group) {
      if (!navigator.geolocation) { return; }
      var inputs = group.querySelectorAll("input");
      if (inputs.length < 2) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button-secondary";
      button.textContent = "Utiliser ma position";
      var status = document.createElement("p");
      status.className = "help";
      status.setAttribute("role", "status");
      button.addEventListener("click", function () {
        status.textContent = "Recherche de votre position…";
        navigator.geolocation.getCurrentPosition(function (position) {
          inputs[0].value = position.coords.latitude.toFixed(6).replace(".", ",");
          inputs[1].value = position.coords.longitude.toFixed(6).replace(".", ",");
          status.textContent = "Position indiquée. Vous pouvez la corriger.";
        }, function () {
          status.textContent = "Position indisponible : indiquez l'adresse, elle suffit.";
        }, { timeout: 10000 });
      });
      group.appendChild(button);
      group.appendChild(status);
    });
  });

  document.querySelectorAll("form").forEach(function (form) {
    var once = form.querySelector("button.js-once");
    if (!once) { return; }
    form.addEventListener("submit", function () {
      window.setTimeout(function () { once.disabled = true; once.textContent = "Envoi en cours…"; }, 0);
    });
  });

  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }

  document.querySelectorAll("[data-print]").forEach(function (button) {
    var wrapper = button.closest("[hidden]");
    if (wrapper) { wrapper.hidden = false; }
    button.addEventListener("click", function () { window.print(); });
  });
}());

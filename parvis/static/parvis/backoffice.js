/* Agents' case pages: progressive enhancement only. Everything works without this file. */
(function () {
  "use strict";

  // Work queue: a "select all" box (hidden without JavaScript) for the bulk actions.
  var selectAll = document.querySelector("[data-select-all]");
  if (selectAll) {
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-select-item]"));
    var sync = function () {
      var checked = items.filter(function (item) { return item.checked; }).length;
      selectAll.checked = items.length > 0 && checked === items.length;
      selectAll.indeterminate = checked > 0 && checked < items.length;
    };
    selectAll.hidden = false;
    selectAll.addEventListener("change", function () {
      items.forEach(function (item) { item.checked = selectAll.checked; });
    });
    items.forEach(function (item) { item.addEventListener("change", sync); });
    sync();
  }

  // Case page: "Insérer la réponse type" puts the chosen text into the message box without
  // reloading the page (without JavaScript, the same button does it with a round trip).
  // Inserting on the button rather than on the select's change keeps keyboard users in control.
  var data = document.getElementById("canned-responses");
  var select = document.querySelector("select[data-canned-target]");
  var insertButton = document.querySelector("[data-canned-insert]");
  if (data && select && insertButton) {
    var texts = JSON.parse(data.textContent);
    var target = document.getElementById("id_" + select.getAttribute("data-canned-target"));
    insertButton.addEventListener("click", function (event) {
      var text = texts[select.value];
      if (!text || !target) { return; } // nothing chosen: let the server say so
      event.preventDefault();
      var current = target.value.replace(/\s+$/, "");
      target.value = current ? current + "\n\n" + text : text;
      target.focus();
      target.setSelectionRange(target.value.length, target.value.length);
    });
  }
})();

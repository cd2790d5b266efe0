/* Call log: a start/stop timer that fills « Durée (minutes) ». Progressive enhancement: without
   JavaScript the agent types the duration. */
(function () {
  "use strict";
  var box = document.querySelector("[data-call-timer]");
  var field = document.getElementById("id_duration_minutes");
  if (!box || !field) { return; }
  var button = box.querySelector("[data-timer-toggle]");
  var display = box.querySelector("[data-timer-display]");
  var started = null;
  var tick = null;
  box.hidden = false;
  function show(ms) {
    var seconds = Math.floor(ms / 1000);
    var rest = seconds % 60;
    display.textContent = Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }
  button.addEventListener("click", function () {
    if (started === null) {
      started = Date.now();
      button.textContent = "Arrêter le chronomètre";
      tick = window.setInterval(function () { show(Date.now() - started); }, 1000);
    } else {
      var elapsed = Date.now() - started;
      window.clearInterval(tick);
      started = null;
      show(elapsed);
      field.value = Math.max(1, Math.ceil(elapsed / 60000));
      button.textContent = "Démarrer le chronomètre";
      field.focus();
    }
  });
})();

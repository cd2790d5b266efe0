// Alerts: "Utiliser ma position" fills the latitude and longitude fields (progressive enhancement:
// without JavaScript or geolocation, the address alone is enough).
(function () {
  "use strict";
  var button = document.getElementById("alert-locate");
  var status = document.getElementById("alert-locate-status");
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  if (!button || !lat || !lon || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        var address = document.querySelector('input[name="scope"][value="address"]');
        if (address) address.checked = true;
        status.textContent = "Position enregistrée dans les champs latitude et longitude.";
      },
      function () {
        status.textContent = "Position indisponible : indiquez votre adresse.";
      },
      { enableHighAccuracy: true, timeout: 10000 }
    );
  });
})();

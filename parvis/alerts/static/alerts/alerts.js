// Alerts (progressive enhancement: without JavaScript the address alone is enough, the server
// locates it):
// - address suggestions from the reports app's street list (a native <datalist>); choosing one
//   fills the latitude and longitude fields;
// - "Utiliser ma position actuelle" fills them from the device's GPS.
(function () {
  "use strict";
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var address = document.getElementById("id_address");
  if (!lat || !lon) return;

  var url = address && address.getAttribute("data-suggest");
  if (address && url && window.fetch) {
    var list = document.createElement("datalist");
    list.id = "alert-address-list";
    address.parentNode.appendChild(list);
    address.setAttribute("list", list.id);
    var places = {};
    var filled = false;
    var timer = null;
    address.addEventListener("input", function () {
      var query = address.value.trim();
      var chosen = places[query];
      if (chosen) {
        lat.value = Number(chosen.lat).toFixed(6);
        lon.value = Number(chosen.lon).toFixed(6);
        filled = true;
        return;
      }
      if (filled) {
        lat.value = "";
        lon.value = "";
        filled = false;
      }
      window.clearTimeout(timer);
      if (query.length < 3) return;
      timer = window.setTimeout(function () {
        window
          .fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            list.textContent = "";
            places = {};
            (data.results || []).forEach(function (place) {
              var option = document.createElement("option");
              option.value = place.label;
              list.appendChild(option);
              places[place.label] = place;
            });
          })
          .catch(function () {});
      }, 250);
    });
  }

  var button = document.getElementById("alert-locate");
  var status = document.getElementById("alert-locate-status");
  if (!button || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        var scope = document.querySelector('input[name="scope"][value="address"]');
        if (scope) scope.checked = true;
        status.textContent = "Position enregistrée dans les champs latitude et longitude.";
      },
      function () {
        status.textContent = "Position indisponible : indiquez votre adresse.";
      },
      { enableHighAccuracy: true, timeout: 10000 }
    );
  });
})();

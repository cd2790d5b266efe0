// Report form, step 1 (progressive enhancement: the form works without any of this).
// - Address autocompletion: an ARIA 1.2 combobox (arrow keys, Enter, Escape) over /signalements/adresses/.
// - « Utiliser ma position »: the device's GPS fills the coordinates.
// - The map (Leaflet, optional): click, or with the keyboard move with the arrows and press Enter to place
//   the marker at the centre cross. Every way fills the same latitude/longitude fields (the text alternative).
(function () {
  "use strict";
  var form = document.querySelector("[data-report-form]");
  if (!form) { return; }
  var lat = form.querySelector("input[name=latitude]");
  var lon = form.querySelector("input[name=longitude]");
  var details = form.querySelector(".report-coordinates");
  var map = null;
  var marker = null;
  var pointFromAddress = false;  // the coordinates come from a chosen address (cleared when it is retyped)

  function fr(n) { return Number(n).toFixed(6).replace(".", ","); }
  function setPoint(la, lo, moveMap) {
    lat.value = fr(la);
    lon.value = fr(lo);
    if (map) {
      if (!marker) { marker = window.L.marker([la, lo], { keyboard: false, alt: "Repère du problème" }).addTo(map); }
      else { marker.setLatLng([la, lo]); }
      if (moveMap) { map.setView([la, lo], Math.max(map.getZoom(), 17)); }
    }
  }
  function readPoint() {
    var la = parseFloat((lat.value || "").replace(",", "."));
    var lo = parseFloat((lon.value || "").replace(",", "."));
    return isNaN(la) || isNaN(lo) ? null : [la, lo];
  }

  // --- Address combobox ---
  var box = form.querySelector("[data-combobox]");
  if (box && window.fetch) {
    var input = box.querySelector("input[name=address]");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector("[data-combobox-status]");
    var results = [];
    var active = -1;
    var timer = null;
    var lastQuery = "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function choose(index) {
      var place = results[index];
      if (!place) { return; }
      input.value = place.label;
      setPoint(place.lat, place.lon, true);
      pointFromAddress = true;
      close();
      status.textContent = "Adresse choisie : " + place.label + ".";
    }
    function render() {
      list.innerHTML = "";
      results.forEach(function (place, i) {
        var li = document.createElement("li");
        li.id = "address-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = place.label;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = results.length + (results.length > 1 ? " adresses proposées" : " adresse proposée") +
          " : flèche du bas pour les parcourir, Entrée pour choisir.";
      } else {
        close();
        status.textContent = lastQuery.length >= 3 ? "Aucune adresse connue : votre saisie sera transmise telle quelle." : "";
      }
      active = -1;
    }
    function search() {
      var q = input.value.trim();
      if (q === lastQuery) { return; }
      lastQuery = q;
      if (q.length < 3) { results = []; render(); return; }
      fetch(box.getAttribute("data-url") + "?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === q) { results = data.results || []; render(); } })
        .catch(function () { results = []; render(); });
    }
    input.addEventListener("input", function () {
      if (pointFromAddress) { lat.value = ""; lon.value = ""; pointFromAddress = false; }  // retyped: that point no longer applies
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (e) {
      var open = !list.hidden && results.length > 0;
      if (e.key === "ArrowDown") {
        if (!open && results.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (results.length) { e.preventDefault(); highlight(Math.min(active + 1, results.length - 1)); }
      } else if (e.key === "ArrowUp") {
        if (open) { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      } else if (e.key === "Enter") {
        if (open && active >= 0) { e.preventDefault(); choose(active); }
      } else if (e.key === "Escape") {
        if (open) { e.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  // --- Device GPS ---
  var gps = form.querySelector("[data-gps]");
  var gpsStatus = form.querySelector("[data-gps-status]");
  if (gps && navigator.geolocation) {
    gps.hidden = false;
    gps.querySelector("button").addEventListener("click", function () {
      gpsStatus.textContent = "Recherche de votre position…";
      navigator.geolocation.getCurrentPosition(function (position) {
        setPoint(position.coords.latitude, position.coords.longitude, true);
        pointFromAddress = false;
        if (details) { details.open = true; }
        gpsStatus.textContent = "Position indiquée (précision " + Math.round(position.coords.accuracy) +
          " m). Vous pouvez la corriger, et ajouter l'adresse ou un repère.";
      }, function () {
        gpsStatus.textContent = "Position indisponible : indiquez l'adresse, elle suffit.";
      }, { timeout: 10000, enableHighAccuracy: true });
    });
  }

  // --- Map (optional) ---
  var block = form.querySelector("[data-map-block]");
  var el = document.getElementById("report-map");
  if (block && el && window.L) {
    block.hidden = false;
    var mapStatus = form.querySelector("[data-map-status]");
    map = window.L.map(el, { keyboard: true, keyboardPanDelta: 60 }).setView(
      [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], parseInt(el.dataset.zoom, 10) || 14);
    window.L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
    el.setAttribute("tabindex", "0");
    var start = readPoint();
    if (start) { setPoint(start[0], start[1], true); }
    function announce() {
      var p = readPoint();
      mapStatus.textContent = p ? "Repère placé : latitude " + fr(p[0]) + ", longitude " + fr(p[1]) + "." : "";
    }
    map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng, false); pointFromAddress = false; announce(); });
    el.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        var c = map.getCenter();
        setPoint(c.lat, c.lng, false);
        pointFromAddress = false;
        announce();
      }
    });
    [lat, lon].forEach(function (field) {
      field.addEventListener("change", function () {
        var p = readPoint();
        if (p) { setPoint(p[0], p[1], true); }
      });
    });
  }
})();

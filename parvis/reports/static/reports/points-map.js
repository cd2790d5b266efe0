// Reports on a map (back-office list, public map): the same reports as the list below it, which
// stays the reference (the map is an addition, never the only way to see them).
(function () {
  "use strict";
  var el = document.getElementById("reports-map");
  var data = document.getElementById("report-points");
  if (!el || !data || !window.L) { return; }
  var points = JSON.parse(data.textContent);
  if (!points.length) { return; }
  el.closest("[data-points-map]").hidden = false;
  var map = window.L.map(el, { keyboard: true }).setView(
    [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], parseInt(el.dataset.zoom, 10) || 14);
  window.L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  var base = el.dataset.detailUrl;
  var bounds = [];
  points.forEach(function (p) {
    var url = p.url || (base ? base + p.id + "/" : null);
    var marker = window.L.marker([p.lat, p.lon], { title: p.label + " — " + p.state, alt: p.label + " — " + p.state }).addTo(map);
    var popup = document.createElement("div");
    var strong = document.createElement(url ? "a" : "strong");
    if (url) { strong.href = url; }
    strong.textContent = p.label;
    popup.appendChild(strong);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(p.state));
    marker.bindPopup(popup);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length > 1) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 }); }
  else { map.setView(bounds[0], 16); }
})();

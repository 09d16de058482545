/* The search page's enhancements. The page works without this file: the place text
   box, the checkboxes and the results list are plain HTML. With it: "Use my location",
   small form conveniences, and a map of the in-person results (Leaflet, vendored under
   static/vendor/leaflet; only the map tiles come from elsewhere, and the page does not
   need them). */
(function () {
  "use strict";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  // --- "Use my location": fill the hidden lat/lon; a typed place clears them. ----------
  function initLocate() {
    var button = $("[data-use-location]");
    var lat = $("[data-geo-lat]");
    var lon = $("[data-geo-lon]");
    var near = $("#near");
    var status = $("[data-locate-status]");
    if (!button || !lat || !lon || !near) return;

    function say(text) { if (status) status.textContent = text; }

    near.addEventListener("input", function () {
      if (lat.value || lon.value) {
        lat.value = "";
        lon.value = "";
        say("");
      }
    });

    if (!("geolocation" in navigator) || !window.isSecureContext) return;  // the place box still works
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      say("Finding your location…");
      navigator.geolocation.getCurrentPosition(function (position) {
        // Three decimals (about 100 m) is plenty to find practitioners nearby.
        lat.value = position.coords.latitude.toFixed(3);
        lon.value = position.coords.longitude.toFixed(3);
        near.value = "";
        button.disabled = false;
        say("Using your location. Press Search to see practitioners near you.");
      }, function (error) {
        button.disabled = false;
        say(error && error.code === 1
          ? "Location permission was not given. Type a place instead."
          : "We could not find your location. Type a place instead.");
        near.focus();
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
    });
  }

  // --- "None of these" and the red flags exclude each other. ---------------------------
  function initRedFlags() {
    var group = $("[data-red-flags]");
    var none = $("#no_red_flags");
    if (!group || !none) return;
    var flags = $all("input[name=red_flags]", group);
    none.addEventListener("change", function () {
      if (none.checked) flags.forEach(function (box) { box.checked = false; });
    });
    flags.forEach(function (box) {
      box.addEventListener("change", function () { if (box.checked) none.checked = false; });
    });
  }

  // --- Links that point at a field ("change" the place, "pick one" concern) focus it. --
  function initFieldLinks() {
    $all("[data-focus-field]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("data-focus-field"));
        if (!target) return;
        event.preventDefault();
        var details = target.closest("details");
        if (details) details.open = true;
        target.focus();
        if (typeof target.select === "function" && target.tagName === "INPUT") target.select();
      });
    });
    $all("[data-open-details]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var details = document.getElementById(link.getAttribute("data-open-details"));
        if (!details) return;
        event.preventDefault();
        details.open = true;
        var summary = details.querySelector("summary");
        if (summary) summary.focus();
      });
    });
  }

  // --- After a search, start keyboard and screen-reader users at the answer. -----------
  function focusOutcome() {
    if (document.querySelector("[aria-invalid='true']")) return;  // site.js focuses the error
    var heading = $("[data-search-outcome] h2[tabindex]");
    if (heading) heading.focus();
  }

  // --- The map ---------------------------------------------------------------------------
  function initMap() {
    var el = $("#results-map");
    var dataEl = $("#results-map-data");
    var wrap = $("[data-map-wrap]");
    if (!el || !dataEl || !wrap || !window.L) return;  // no Leaflet: the list is enough
    var data;
    try {
      data = JSON.parse(dataEl.textContent);
    } catch (e) {
      return;
    }
    if (!data || !data.markers || !data.markers.length) return;

    wrap.hidden = false;  // Leaflet needs a sized container
    try {
      drawMap(el, data, $("[data-map-note]"));
      el.setAttribute("data-map-ready", "true");
    } catch (e) {
      // The map is a nicety: never let it break the page.
      wrap.hidden = true;
      if (window.console) console.warn("Map not shown:", e);
    }
  }

  function drawMap(el, data, note) {
    var L = window.L;
    var images = el.getAttribute("data-leaflet-images");
    if (images) L.Icon.Default.imagePath = images;
    var map = L.map(el, { scrollWheelZoom: false });

    var tiles = L.tileLayer(el.getAttribute("data-tile-url"), {
      maxZoom: 19,
      attribution: el.getAttribute("data-tile-attribution") || ""
    });
    var failed = false;
    tiles.on("tileerror", function () {
      if (failed) return;
      failed = true;
      el.classList.add("tiles-failed");
      if (note) note.hidden = false;
    });
    tiles.addTo(map);

    var points = [];
    var centre = data.centre;
    if (centre) {
      L.circleMarker([centre.lat, centre.lon], {
        radius: 8, color: "#b4541e", weight: 3, fillColor: "#ffffff", fillOpacity: 1
      }).bindTooltip("Search centre: " + centre.label).addTo(map);
      points.push([centre.lat, centre.lon]);
    }

    data.markers.forEach(function (m) {
      var label = m.name + (m.distance_km !== null && m.distance_km !== undefined ? ", " + m.distance_km + " km away" : "");
      var marker = L.marker([m.lat, m.lon], { title: label, alt: label, riseOnHover: true });
      marker.bindPopup(popup(m));
      marker.addTo(map);
      points.push([m.lat, m.lon]);
    });

    if (points.length === 1) {
      map.setView(points[0], 13);
    } else {
      map.fitBounds(L.latLngBounds(points).pad(0.15), { maxZoom: 15 });
    }
  }

  // Built with DOM calls, not HTML strings: names are user-supplied text.
  function popup(m) {
    var box = document.createElement("div");
    var title = document.createElement("a");
    title.href = m.url;
    title.textContent = m.name;
    var strong = document.createElement("strong");
    strong.appendChild(title);
    box.appendChild(strong);
    var where = document.createElement("div");
    where.textContent = (m.distance_km !== null && m.distance_km !== undefined ? m.distance_km + " km · " : "") + (m.place || "");
    box.appendChild(where);
    var inList = document.createElement("a");
    inList.href = "#result-" + m.id;
    inList.textContent = "See in the list";
    box.appendChild(inList);
    return box;
  }

  // --- Times the page could only give in UTC (no place searched: online care) are shown
  // on the seeker's own clock. ---------------------------------------------------------
  function initLocalTimes() {
    var format;
    try {
      format = new Intl.DateTimeFormat("en-GB", {weekday: "short", day: "numeric", month: "short",
                                                hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
    } catch (e) { return; }
    $all("time[data-local-time]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) return;
      var parts = {};
      format.formatToParts(when).forEach(function (p) { parts[p.type] = p.value; });
      el.textContent = parts.weekday + " " + parts.day + " " + parts.month + ", " + parts.hour + ":" +
        parts.minute + " your time";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initLocalTimes();
    initLocate();
    initRedFlags();
    initFieldLinks();
    initMap();
    focusOutcome();
  });
})();

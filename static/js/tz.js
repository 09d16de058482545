/* The seeker's time zone from the browser (included by templates/booking/_tz.html):
 * fills every empty hidden "tz" field and, when the page was opened with GET (the script
 * tag carries data-reload-with-tz), reloads it once with ?tz=… so times show in the
 * seeker's own clock. Without JavaScript the page shows the practitioner's local time. */
(function () {
  "use strict";
  var script = document.currentScript;
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  document.querySelectorAll("input[name=tz]").forEach(function (el) { if (!el.value) el.value = zone; });
  if (!script || !script.hasAttribute("data-reload-with-tz")) return;
  var params = new URLSearchParams(window.location.search);
  if (!params.has("tz")) {
    params.set("tz", zone);
    window.location.replace(window.location.pathname + "?" + params.toString() + window.location.hash);
  }
})();

/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  // "Add another fee": copy the last fee row, renumber fees-N-* to the next index, clear it.
  function initFeeRows() {
    var container = document.querySelector("[data-fee-rows]");
    var button = document.querySelector("[data-add-fee]");
    if (!container || !button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = container.querySelectorAll("[data-fee-row]");
      if (rows.length >= 20) return;
      var last = rows[rows.length - 1];
      var next = rows.length;
      var copy = last.cloneNode(true);
      var pattern = /^fees-\d+-/;
      copy.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value && pattern.test(value)) el.setAttribute(attr, value.replace(pattern, "fees-" + next + "-"));
        });
        el.removeAttribute("aria-describedby");
        el.removeAttribute("aria-invalid");
        if (el.tagName === "INPUT") el.value = "";
      });
      copy.querySelectorAll(".field-errors").forEach(function (el) { el.remove(); });
      copy.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
      var legend = copy.querySelector("legend");
      if (legend) legend.textContent = "Fee " + (next + 1);
      var currency = last.querySelector("select");
      var copied = copy.querySelector("select");
      if (currency && copied) copied.value = currency.value;  // most practitioners use one currency
      container.appendChild(copy);
      var first = copy.querySelector("input");
      if (first) first.focus();
    });
  }

  // Send keyboard focus to the first field with an error after a failed submit.
  function focusFirstError() {
    var invalid = document.querySelector("[aria-invalid='true']");
    if (invalid) invalid.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    initFeeRows();
    focusFirstError();
  });
})();

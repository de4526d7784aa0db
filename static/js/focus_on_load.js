// Where keyboard and screen reader users land when a page loads after they acted:
// - after a form comes back with errors, on the error summary at the top (the GOV.UK pattern), so the
//   first thing read is what went wrong, with a link to each field;
// - after applying filters, on the results the address points at (e.g. /dashboard/?lever=x#showing);
// - after adding a row to a form (data-focus-on-load), on the new row's first field.
// Only elements made for it (tabindex="-1") take focus; the page works the same without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("error-summary");
  var added = document.querySelector("[data-focus-on-load]");
  if (!target && added) {
    target = added.querySelector("input:not([type=hidden]), select, textarea");
    if (target) {
      target.focus();
      return;
    }
  }
  if (!target && window.location.hash.length > 1) {
    target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  }
  if (target && target.getAttribute("tabindex") === "-1") {
    target.focus();
  }
});

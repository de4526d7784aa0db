// Follows a spend file's import on its page: polls the status address every 1.5 s, shows the stage and
// rows read in the live region, and reloads the page to show the result once the import has finished.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (data.finished) { window.location.reload(); return; }
        document.getElementById("import-stage").textContent = data.stage_label || "Waiting for the import to start";
        document.getElementById("import-rows").textContent = data.rows_read.toLocaleString("en-GB");
        document.getElementById("import-status").textContent = data.status_label;
      })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 1500); });
  }
  window.setTimeout(poll, 1500);
})();

// The export page's "Select all" box (templates/admin/import_export/export.html): django-import-export
// wires it with an onchange attribute, which the Content-Security-Policy refuses; this binds the same
// handler (onSelectToggleChange, from import_export/export_selectable_fields.js) as a listener.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-toggle").forEach(function (box) {
    box.addEventListener("change", function (event) {
      window.onSelectToggleChange(event);
    });
  });
});

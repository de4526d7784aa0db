// Recount the quorum on the admin's meeting page as attendance is changed, before saving.
// Counts distinct organisations marked present, as Meeting.is_quorate does on the server.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const output = document.querySelector("[data-svlc-quorum]");
  if (!output) return;
  const quorum = parseInt(output.dataset.quorum, 10);

  function update() {
    const present = new Set();
    let recorded = false;
    document.querySelectorAll("#attendances-group tr.form-row:not(.empty-form)").forEach(function (row) {
      const deleted = row.querySelector("input[name$='-DELETE']");
      const status = row.querySelector("select[name$='-status']");
      const organisation = row.querySelector("select[name$='-organisation']");
      if ((deleted && deleted.checked) || !status || !organisation) return;
      if (status.value === "present" || status.value === "absent") recorded = true;
      if (status.value === "present" && organisation.value) present.add(organisation.value);
    });
    if (!recorded || Number.isNaN(quorum)) {
      output.textContent = "Attendance not recorded yet";
    } else {
      const label = present.size >= quorum ? "Quorate" : "Not quorate";
      output.textContent = label + ": " + present.size + " of " + quorum + " needed";
    }
  }

  document.addEventListener("change", update);
  update();
});

// Recount the quorum on the admin's meeting page as attendance radios change, before saving.
// The count is the server's (MeetingAdmin.quorum_view asks Meeting.quorum_summary, the one rule):
// this only sends each row's organisation and chosen status, and shows the answer.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const output = document.querySelector("[data-svlc-quorum]");
  const table = document.getElementById("attendances-group");
  if (!output || !table) return;
  let asked = 0;

  function update() {
    const url = new URL(output.dataset.url, window.location.href);
    table.querySelectorAll("tr[data-organisation]").forEach(function (row) {
      const checked = row.querySelector("input[type=radio]:checked");
      if (checked) url.searchParams.append("attendance", row.dataset.organisation + ":" + checked.value);
    });
    const question = ++asked;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        // Only the latest question's answer is shown, whatever order the answers come back in.
        if (answer && question === asked) output.textContent = answer.summary;
      });
  }

  table.addEventListener("change", update);
});

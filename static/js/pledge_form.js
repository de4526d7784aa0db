// Progressive enhancement for the pledge form (/pledges/new/, /pledges/<id>/edit/).
// Without JavaScript the Approach select lists every lever's approaches in groups, and the
// server refuses an approach of another lever. With it, only the chosen lever's group is offered.
(function () {
  "use strict";
  var lever = document.getElementById("id_lever");
  var approach = document.getElementById("id_approach");
  if (!lever || !approach) {
    return;
  }

  function showApproachesOfLever() {
    var leverName = lever.selectedIndex > 0 ? lever.options[lever.selectedIndex].text : "";
    var groups = approach.querySelectorAll("optgroup");
    groups.forEach(function (group) {
      var matches = !leverName || group.label === leverName;
      group.hidden = !matches;
      group.disabled = !matches;
    });
    var chosen = approach.options[approach.selectedIndex];
    if (chosen && chosen.parentElement.tagName === "OPTGROUP" && chosen.parentElement.disabled) {
      approach.value = "";
    }
  }

  lever.addEventListener("change", showApproachesOfLever);
  showApproachesOfLever();
})();

// The home page's region and year filter: without JavaScript the same choices are the lists of
// links above it (pages of reviews by region and by year); with it, the list narrows in place.
(function () {
  "use strict";
  var form = document.getElementById("review-filter");
  if (!form) return;
  var cards = Array.prototype.slice.call(document.querySelectorAll(".review-card"));
  var status = document.getElementById("review-filter-status");
  function apply() {
    var region = form.elements.region.value, year = form.elements.year.value, shown = 0;
    cards.forEach(function (card) {
      var keep = (!region || card.dataset.region === region) && (!year || card.dataset.year === year);
      card.hidden = !keep;
      if (keep) shown += 1;
    });
    status.textContent = (region || year)
      ? "Showing " + shown + " of " + cards.length + " reviews."
      : "";
  }
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.hidden = false;
})();

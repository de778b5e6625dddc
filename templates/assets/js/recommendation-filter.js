// The all-recommendations page's filter: theme, type of organisation, region and year at once.
// Without JavaScript the page lists the same groups as links (one page per theme, type, region
// and year). With it, the filter index in recommendations/filter/ (made by
// reviewpress/recommendation_index.py) answers from static files: one list of numbers per chosen
// value, and one small file per recommendation shown, PER_PAGE at a time.
(function () {
  "use strict";
  var section = document.querySelector("[data-filter-index]");
  if (!section || !("fetch" in window)) return;
  var PER_PAGE = 20;
  var base = new URL(section.getAttribute("data-filter-index"), window.location.href);
  var siteRoot = new URL("../../", base);  // the index sits in <site>/recommendations/filter/
  var form = document.getElementById("filter-form");
  var status = document.getElementById("filter-status");
  var list = document.getElementById("filter-results");
  var more = document.getElementById("filter-more");
  var index = null;
  var results = [];
  var shown = 0;
  var current = 0;

  function getJson(name) {
    return fetch(new URL(name, base)).then(function (response) {
      if (!response.ok) throw new Error(name + ": " + response.status);
      return response.json();
    });
  }

  function loadIndex() {
    return index ? Promise.resolve(index) : getJson("index.json").then(function (loaded) { index = loaded; return loaded; });
  }

  function chosen() {
    var filters = [];
    Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
      if (select.value) filters.push([select.name, select.value]);
    });
    return filters;
  }

  // The numbers every list holds (each list is sorted).
  function intersect(lists) {
    lists.sort(function (a, b) { return a.length - b.length; });
    return lists[0].filter(function (n) {
      return lists.every(function (other) { return binarySearch(other, n); });
    });
  }

  function binarySearch(sorted, n) {
    var low = 0, high = sorted.length - 1;
    while (low <= high) {
      var mid = (low + high) >> 1;
      if (sorted[mid] === n) return true;
      if (sorted[mid] < n) low = mid + 1; else high = mid - 1;
    }
    return false;
  }

  function paragraph(text, className) {
    var p = document.createElement("p");
    if (className) p.className = className;
    p.textContent = text;
    return p;
  }

  function item(rec) {
    var li = document.createElement("li");
    li.className = "catalogue-item";
    var heading = document.createElement("h3");
    var link = document.createElement("a");
    link.href = new URL(rec.link, siteRoot).href;
    link.textContent = "Recommendation " + rec.number;
    var where = document.createElement("span");
    where.className = "visually-hidden";
    where.textContent = " of " + rec.where;
    link.append(where);
    heading.append(link);
    if (rec.title) heading.append(": " + rec.title);
    li.append(heading);
    li.append(paragraph(rec.review + (rec.published ? ", published " + rec.published : ""), "catalogue-facts"));
    if (rec.lead_in) li.append(paragraph(rec.lead_in, "catalogue-lead-in"));
    li.append(paragraph(rec.text));
    return li;
  }

  function describe() {
    return results.length + (results.length === 1 ? " recommendation matches." : " recommendations match.") +
      (results.length > shown ? " Showing " + shown + "." : "");
  }

  function showMore() {
    var run = current;
    var batch = results.slice(shown, shown + PER_PAGE);
    return Promise.all(batch.map(function (n) { return getJson("r/" + n + ".json"); })).then(function (recs) {
      if (run !== current) return;
      var first = shown === 0;
      recs.forEach(function (rec) { list.append(item(rec)); });
      shown += batch.length;
      more.hidden = shown >= results.length;
      status.textContent = describe();
      if (!first) list.children[shown - batch.length].querySelector("a").focus();
    });
  }

  function run(event) {
    if (event) event.preventDefault();
    var filters = chosen();
    var mine = ++current;
    list.replaceChildren();
    more.hidden = true;
    results = [];
    shown = 0;
    if (!filters.length) {
      status.textContent = "Choose a theme, type of organisation, region or year.";
      return;
    }
    status.textContent = "Finding recommendations…";
    loadIndex().then(function (loaded) {
      return Promise.all(filters.map(function (f) {
        var name = (loaded.lists[f[0]] || {})[f[1]];
        return name ? getJson(name) : Promise.resolve([]);
      }));
    }).then(function (lists) {
      if (mine !== current) return;
      results = intersect(lists);
      if (!results.length) {
        status.textContent = "No recommendation matches all of these. Choose fewer.";
        return;
      }
      return showMore();
    }).catch(function () {
      status.textContent = "The filter could not load. The lists below work without it.";
    });
  }

  form.addEventListener("submit", run);
  more.addEventListener("click", function () { showMore(); });
  section.hidden = false;
})();

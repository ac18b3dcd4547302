// Full-text search of the web edition, in the browser, from an index built at
// build time (assets/search-index.js). The pages work without it: this only
// fills in search.html. Accents and case do not matter ("peru" finds "Perú").
(function () {
  "use strict";
  var box = document.getElementById("search-results");
  if (!box || !window.SEARCH_INDEX) { return; }
  function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  var params = new URLSearchParams(window.location.search);
  var query = (params.get("q") || "").trim();
  var input = document.getElementById("q");
  if (input) { input.value = query; }
  if (!query) { return; }
  var words = fold(query).split(/\s+/).filter(Boolean);
  var hits = window.SEARCH_INDEX.filter(function (r) {
    var text = fold(r.x);
    return words.every(function (w) { return text.indexOf(w) !== -1; });
  });
  var heading = document.createElement("h2");
  heading.textContent = box.dataset.heading + " (" + hits.length + ")";
  box.appendChild(heading);
  if (!hits.length) {
    var none = document.createElement("p");
    none.textContent = box.dataset.none;
    box.appendChild(none);
    return;
  }
  var list = document.createElement("ol");
  hits.forEach(function (r) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = r.u;
    link.textContent = r.t;
    item.appendChild(link);
    var snippet = document.createElement("p");
    var folded = fold(r.x);
    var at = Math.max(0, folded.indexOf(words[0]) - 80);
    var text = (at > 0 ? "\u2026" : "") + r.x.slice(at, at + 240) + (r.x.length > at + 240 ? "\u2026" : "");
    snippet.textContent = text;
    item.appendChild(snippet);
    list.appendChild(item);
  });
  box.appendChild(list);
})();

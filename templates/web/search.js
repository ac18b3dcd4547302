// Full-text search of the web edition, in the browser, from an index built at
// build time (assets/search-index.js: one record per paragraph, {u: its link,
// t: its title, x: its text}). The pages work without it: this only fills in
// search.html. Accents and case do not matter ("peru" finds "Perú").
// The book's text is data: every piece of it goes in as a text node, never
// as markup (no innerHTML), so a passage cannot inject anything.
(function () {
  "use strict";
  var box = document.getElementById("search-results");
  if (!box || !window.SEARCH_INDEX) { return; }
  var SNIPPET = 220, BEFORE = 70;  // characters shown, and before the first match

  // Case and accents folded away, for matching.
  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

  // The same, character by character, keeping for each folded character the
  // [start, end) of the original one it came from: a match found in the
  // folded text is marked in the original, whatever folding did to lengths.
  function foldMapped(text) {
    var out = "", start = [], end = [];
    for (var i = 0; i < text.length;) {
      var ch = String.fromCodePoint(text.codePointAt(i)), folded = fold(ch);
      for (var k = 0; k < folded.length; k++) { start.push(i); end.push(i + ch.length); }
      out += folded;
      i += ch.length;
    }
    return { text: out, start: start, end: end };
  }

  // Where the words occur in the text: {at: [start, end, word] of each
  // occurrence in the original, ranges: the same merged, in order}.
  function matches(text, words) {
    var folded = foldMapped(text), at = [];
    words.forEach(function (w, n) {
      for (var i = folded.text.indexOf(w); i !== -1; i = folded.text.indexOf(w, i + w.length)) {
        at.push([folded.start[i], folded.end[i + w.length - 1], n]);
      }
    });
    at.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var ranges = [];
    at.forEach(function (r) {
      var last = ranges[ranges.length - 1];
      if (last && r[0] <= last[1]) { last[1] = Math.max(last[1], r[1]); } else { ranges.push([r[0], r[1]]); }
    });
    return { at: at, ranges: ranges };
  }

  // The occurrence to show the text around: the first whose window holds the
  // most of the query's different words.
  function focus(found) {
    var best = found.at[0] || [0, 0, 0], most = 0;
    found.at.forEach(function (r) {
      var from = r[0] - BEFORE, to = from + SNIPPET, seen = {};
      found.at.forEach(function (o) { if (o[0] >= from && o[1] <= to) { seen[o[2]] = true; } });
      var count = Object.keys(seen).length;
      if (count > most) { most = count; best = r; }
    });
    return best;
  }

  // A window of the text around that occurrence, cut at spaces, with every
  // match in it as <mark>: text nodes and elements, built one by one.
  function snippet(text, found) {
    var first = focus(found), ranges = found.ranges;
    // A short paragraph whole; near its end, a window that ends with it.
    var start = Math.max(0, Math.min(first[0] - BEFORE, text.length - SNIPPET));
    var end = Math.max(Math.min(text.length, start + SNIPPET), first[1]);
    if (start > 0) {
      var space = text.indexOf(" ", start);
      if (space !== -1 && space < first[0]) { start = space + 1; }
    }
    if (end < text.length) {
      var back = text.lastIndexOf(" ", end);
      if (back >= first[1]) { end = back; }
    }
    var p = document.createElement("p");
    p.className = "search-snippet";
    var at = start;
    if (start > 0) { p.appendChild(document.createTextNode("\u2026")); }
    ranges.forEach(function (r) {
      if (r[1] <= start || r[0] >= end) { return; }
      var from = Math.max(r[0], start), to = Math.min(r[1], end);
      p.appendChild(document.createTextNode(text.slice(at, from)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(from, to);
      p.appendChild(mark);
      at = to;
    });
    p.appendChild(document.createTextNode(text.slice(at, end) + (end < text.length ? "\u2026" : "")));
    return p;
  }

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
    item.appendChild(snippet(r.x, matches(r.x, words)));
    list.appendChild(item);
  });
  box.appendChild(list);
})();

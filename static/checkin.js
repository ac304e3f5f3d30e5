// Check-in screen, progressive enhancement only: the page works fully without this.
// 1. The list narrows while you type in the search field (the form still searches
//    on the server when submitted).
// 2. Every few seconds the counts and the list are fetched again, so two people at
//    two doors see each other's check-ins. The list is left alone while someone is
//    using it (focus inside it, or an "Absence or note" panel open).
(function () {
  "use strict";
  var list = document.getElementById("checkin-list");
  var counts = document.getElementById("door-counts");
  var search = document.getElementById("q");
  if (!list || !counts) return;

  function fold(text) {
    return (text || "").toLocaleLowerCase("da").trim();
  }

  function narrow() {
    if (!search) return;
    var words = fold(search.value).split(/\s+/).filter(Boolean);
    Array.prototype.forEach.call(list.children, function (item) {
      var haystack = item.getAttribute("data-search") || "";
      item.hidden = !words.every(function (word) { return haystack.indexOf(word) !== -1; });
    });
  }

  if (search) {
    search.addEventListener("input", narrow);
    // Letters typed before this script ran (a slow phone), or restored by the
    // browser on "back", narrow the list too.
    narrow();
  }

  if (!window.fetch || !window.DOMParser) return;
  var seconds = parseInt(list.getAttribute("data-refresh-seconds"), 10) || 15;

  function busy() {
    return list.contains(document.activeElement) || list.querySelector("details[open]") !== null;
  }

  function refresh() {
    if (document.hidden) return;
    fetch(window.location.pathname + window.location.search, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("stale");
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshCounts = fresh.getElementById("door-counts");
        var freshList = fresh.getElementById("checkin-list");
        if (freshCounts) counts.innerHTML = freshCounts.innerHTML;
        if (freshList && !busy()) {
          list.innerHTML = freshList.innerHTML;
          narrow();
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) refresh();
  });
})();

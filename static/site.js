// Every page: starts Det Fælles Designsystem's components (DKFDS.init: among them the
// error summary, which takes the focus after a failed submit so the page lands on it and
// a screen reader reads it; its links move to the fields) and asks before a destructive
// action (a button with data-confirm). Progressive enhancement only: without script the
// pages work the same, the error summary is simply at the top of the form.
(function () {
  "use strict";
  function start() {
    if (window.DKFDS && typeof window.DKFDS.init === "function") {
      try { window.DKFDS.init(); } catch (error) { /* a component's markup we do not use */ }
    }
    var summary = document.querySelector("[data-module='error-summary']");
    if (summary && document.activeElement !== summary) summary.focus();
    document.addEventListener("submit", function (event) {
      var button = event.submitter;
      var text = button && button.getAttribute("data-confirm");
      if (text && !window.confirm(text)) event.preventDefault();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// The round page while invitations go out: poll the progress figures and update the
// progress bar and its status line in place (no page reload, so nothing moves under
// a screen reader or a keyboard user). Without JavaScript the page shows the figures
// of the moment and an "update now" link.
(function () {
  "use strict";
  var section = document.getElementById("delivery");
  if (!section || !section.dataset.progressUrl) {
    return;
  }
  var bar = document.getElementById("delivery-progress");
  var status = document.getElementById("delivery-status");
  var url = section.dataset.progressUrl;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (figures) {
        if (!figures) {
          return;
        }
        bar.max = figures.invited || 1;
        bar.value = figures.handled;
        bar.textContent = figures.handled + " / " + figures.invited;
        if (status.textContent !== figures.text) {
          status.textContent = figures.text;
        }
        if (!figures.done) {
          window.setTimeout(poll, 3000);
        }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }

  window.setTimeout(poll, 3000);
})();

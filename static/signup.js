// Sign-up form, progressive enhancement only: the button names what will happen
// for the session chosen ("Tilmeld" or "Skriv mig på venteliste"). Without script
// the server chooses the label from the pre-selected or only session.
(function () {
  "use strict";
  var button = document.querySelector("input[data-waitlist-label]");
  if (!button) return;
  var form = button.form;
  function update() {
    var chosen = form.querySelector("input[name=session_id]:checked");
    var radios = form.querySelectorAll("input[name=session_id]");
    var full = chosen ? chosen.hasAttribute("data-waitlist")
      : radios.length > 0 && form.querySelectorAll("input[name=session_id][data-waitlist]").length === radios.length;
    button.value = full ? button.getAttribute("data-waitlist-label") : button.getAttribute("data-signup-label");
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "session_id") update();
  });
  update();
})();

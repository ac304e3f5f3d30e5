// Sign-up form, progressive enhancement only (without script the form works the same):
// - the button names what will happen for the session chosen ("Tilmeld" or "Skriv mig
//   på venteliste"); without script the server chooses from the pre-selected session;
// - the total price follows the choices (mirrors eventsite.payments.pricing.quote); once
//   it is shown, a hidden "reviewed" flag lets the form skip the review page that shows
//   the total without script (eventsite.registration.review);
// - the invoicing details show only when an employer pays by EAN invoice (without
//   script they stay visible, with a hint saying when to fill them in).
(function () {
  "use strict";
  var button = document.querySelector("input[data-waitlist-label]");
  if (!button) return;
  var form = button.form;
  function updateButton() {
    var chosen = form.querySelector("input[name=session_id]:checked");
    var radios = form.querySelectorAll("input[name=session_id]");
    var full = chosen ? chosen.hasAttribute("data-waitlist")
      : radios.length > 0 && form.querySelectorAll("input[name=session_id][data-waitlist]").length === radios.length;
    button.value = full ? button.getAttribute("data-waitlist-label") : button.getAttribute("data-signup-label");
  }

  var total = document.getElementById("total-price");
  var prices = total ? JSON.parse(total.getAttribute("data-prices")) : null;
  var money = window.Intl ? new Intl.NumberFormat("da-DK", {style: "currency", currency: "DKK"}) : null;
  function checkedValues(name) {
    return Array.prototype.map.call(form.querySelectorAll("input[name=" + name + "]:checked"), function (input) {
      return input.value;
    });
  }
  function updateTotal() {
    if (!prices || !money) return;
    var member = checkedValues("is_member")[0] === "yes";
    var amount = 0;
    if (prices.has_days) {
      var days = checkedValues("day_ids").length;
      prices.day_prices.forEach(function (row) {
        if (row[0] === days) amount += member ? row[1] : row[2];
      });
    } else {
      amount += member ? prices.member_fee : prices.non_member_fee;
    }
    var addons = checkedValues("addon_ids");
    prices.addons.forEach(function (row) {
      if (addons.indexOf(String(row[0])) !== -1) amount += row[1];
    });
    total.querySelector(".total-amount").textContent = money.format(amount / 100);
    total.hidden = false;
    if (!form.querySelector("input[name=reviewed]")) {
      var seen = document.createElement("input");
      seen.type = "hidden";
      seen.name = "reviewed";
      seen.value = "1";
      form.appendChild(seen);
    }
  }

  var invoice = form.querySelector(".invoice-details");
  function updateInvoice() {
    if (!invoice) return;
    invoice.hidden = checkedValues("payer")[0] !== "ean";
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "session_id") updateButton();
    if (event.target.name === "payer") updateInvoice();
    updateTotal();
  });
  updateButton();
  updateTotal();
  updateInvoice();
})();

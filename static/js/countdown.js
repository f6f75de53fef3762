// Ticks the "valid until" countdown of a points-exchange code. Without JavaScript the page
// still shows the expiry time; this only adds the seconds left.
(function () {
  "use strict";
  function tick(el) {
    var left = Math.floor((Date.parse(el.dataset.expires) - Date.now()) / 1000);
    if (left <= 0) {
      el.textContent = "(" + el.dataset.expiredText + ")";
      return false;
    }
    var m = Math.floor(left / 60), s = left % 60;
    el.textContent = "(" + m + ":" + (s < 10 ? "0" : "") + s + ")";
    return true;
  }
  function start() {
    document.querySelectorAll(".countdown[data-expires]").forEach(function (el) {
      if (!tick(el)) return;
      var timer = setInterval(function () { if (!tick(el)) clearInterval(timer); }, 1000);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

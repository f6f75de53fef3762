// Registers the service worker that shows an offline page when the network drops
// (static/js/sw.js). Without it, or without JavaScript, the site works as before.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  });
})();

// The code page is held up at the till, often after a wait in the queue: keep the phone's
// screen on while it is shown (Screen Wake Lock API, where the browser has it). The lock
// is dropped by the browser when the page is hidden, so it is asked for again on return.
(function () {
  "use strict";
  if (!("wakeLock" in navigator)) return;
  function keepOn() {
    if (document.visibilityState === "visible") {
      navigator.wakeLock.request("screen").catch(function () {});
    }
  }
  document.addEventListener("visibilitychange", keepOn);
  keepOn();
})();

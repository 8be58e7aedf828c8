// Porte completion page: hands the login result to the page that opened the sign-in window,
// then closes this window. Loaded as a file (not inline) so the page's CSP can forbid inline
// script. The result travels as the JSON string in data-completion; the opener checks `state`.
(function () {
  "use strict";
  var el = document.getElementById("porte-completion");
  if (!el) return;
  var message = el.getAttribute("data-completion");
  var channel = el.getAttribute("data-channel");
  // Same-origin channel: works even when Cross-Origin-Opener-Policy cut window.opener.
  try {
    var bc = new BroadcastChannel(channel);
    bc.postMessage(message);
    bc.close();
  } catch (e) {}
  // The opener accepts this only from our exact origin, and we address only our origin.
  try {
    if (window.opener && window.opener !== window) {
      window.opener.postMessage(message, window.location.origin);
    }
  } catch (e) {}
  if (window.opener || window.name === "porte-login") {
    window.close();
  }
})();

// Porte completion page: hands the login result to the page that started the sign-in.
// Loaded as a file (not inline) so the page's CSP can forbid inline script. The result travels
// as the text of the data block #porte-completion-data (text, which no CSS selector can read,
// unlike an attribute); the receiving page checks its `state`.
// - Same-tab logins (data-return set): keep the result in this tab's sessionStorage for the app
//   and go back to the app, replacing this URL (it holds the code) in the history.
// - Popup / new tab: post on a same-origin BroadcastChannel (works even when
//   Cross-Origin-Opener-Policy cut window.opener) and to the opener, then close.
(function () {
  "use strict";
  var el = document.getElementById("porte-completion");
  var data = document.getElementById("porte-completion-data");
  if (!el || !data) return;
  var message = data.textContent;
  var channel = el.getAttribute("data-channel");
  var back = el.getAttribute("data-return");
  if (back !== null) {
    try {
      sessionStorage.setItem("porte-completion", message);
    } catch (e) {}
    window.location.replace(back);
    return;
  }
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

//! Sign-in through the system browser, for desktop apps (RFC 8252): the app's own process runs
//! Porte's server half on loopback and its webview loads the app from there. A login opens the
//! user's browser (not a popup, not the webview: Google refuses embedded webviews) at the
//! provider, with a redirect to a listener on `http://127.0.0.1:<port>/callback` that lives
//! only as long as the login.
//!
//! The system browser is another cookie jar, so the flow's secrets (`state`, PKCE verifier,
//! `nonce`) cannot ride in a cookie as on the web: this process holds them, and the callback is
//! matched by `state`. The session is sealed for the webview's binding cookie (read when the
//! login started) and handed to the webview, which waits for it (`await_login`); the browser
//! tab only ever sees a page saying to go back to the app.

pub(crate) mod browser;
pub(crate) mod flow;
mod listener;

#[cfg(test)]
mod tests;

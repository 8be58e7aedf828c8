//! Server-side stand-in for `browser_session`: the same API, never called during SSR.

use crate::{ProviderId, SealedToken};

/// Nothing is stored on the server.
pub fn stored_sessions() -> Vec<(ProviderId, SealedToken, bool)> {
    Vec::new()
}

/// Does nothing outside the browser.
pub fn store_session(_provider: &ProviderId, _sealed: &SealedToken, _remember: bool) {}

/// Does nothing outside the browser.
pub fn forget_session(_provider: &ProviderId) {}

/// Nothing is stored on the server.
pub fn pending_logouts() -> Vec<SealedToken> {
    Vec::new()
}

/// Does nothing outside the browser.
pub fn note_logout(_receipt: &SealedToken, _keep: bool) {}

/// Does nothing outside the browser.
pub fn open_channel(_on_message: impl Fn(String) + 'static) {}

/// Does nothing outside the browser.
pub fn post(_message: &str) {}

/// Never leads outside the browser.
pub fn become_leader(_on_leader: impl FnOnce() + 'static) {}

/// A timer's handle (there are none outside the browser).
pub type TimerHandle = f64;

/// No timers outside the browser.
pub fn set_timer(_ms: u32, _f: impl FnOnce() + 'static) -> Option<TimerHandle> {
    None
}

/// Does nothing outside the browser.
pub fn clear_timer(_handle: TimerHandle) {}

/// The server's clock, in milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}

/// Server-function calls are not sent from the server.
pub fn detach(_raw: web_sys::Request) -> Result<(web_sys::Request, web_sys::Request), String> {
    Err("server-function calls are sent from the browser".into())
}

/// Server-function calls are not sent from the server.
pub async fn fetch(
    _request: &web_sys::Request,
    _sessions: Option<&str>,
) -> Result<web_sys::Response, String> {
    Err("server-function calls are sent from the browser".into())
}

//! Server-side stand-in for the browser half: the same API, never called during SSR (event
//! handlers only run in the browser), so the components compile unchanged for both targets.

use crate::auth::Completion;

/// The sign-in window (never opened on the server).
pub struct LoginWindow;

impl LoginWindow {
    /// Always `None` outside the browser.
    pub fn open() -> Option<Self> {
        None
    }

    /// Does nothing outside the browser.
    pub fn navigate(&self, _url: &str) {}

    /// Does nothing outside the browser.
    pub fn close(&self) {}
}

/// Does nothing outside the browser.
pub fn await_completion(
    _window: LoginWindow,
    _state: String,
    _on_done: impl FnOnce(Completion) + 'static,
) {
}

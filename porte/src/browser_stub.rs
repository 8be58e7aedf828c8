//! Server-side stand-in for the browser half: the same API, never called during SSR (event
//! handlers and effects only run in the browser), so the components compile unchanged for both
//! targets.

use crate::Completion;

/// The sign-in window (never opened on the server).
pub struct LoginWindow;

impl LoginWindow {
    /// Always `None` outside the browser.
    pub fn open() -> Option<Self> {
        None
    }

    /// Always `None` outside the browser.
    pub fn open_tab() -> Option<Self> {
        None
    }

    /// Does nothing outside the browser.
    pub fn navigate(&self, _url: &str) {}

    /// Does nothing outside the browser.
    pub fn close(&self) {}
}

/// Does nothing outside the browser.
pub fn await_completion(
    _window: Option<LoginWindow>,
    _state: String,
    _on_done: impl FnOnce(Completion) + 'static,
) {
}

/// Does nothing outside the browser.
pub fn navigate_here(_url: &str, _remember: bool) {}

/// Always `None` outside the browser.
pub fn take_returned_completion() -> Option<(Completion, bool)> {
    None
}

/// Always `None` outside the browser.
pub fn current_path() -> Option<String> {
    None
}

/// Always `false` outside the browser.
pub fn focus_pending() -> bool {
    false
}

/// Does nothing outside the browser.
pub fn cancel_pending() {}

/// Does nothing outside the browser.
pub fn leave_notice(_text: &str) {}

/// Always `None` outside the browser.
pub fn take_notice() -> Option<String> {
    None
}

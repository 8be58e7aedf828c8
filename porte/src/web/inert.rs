//! The same functions as the browser's, for builds without `hydrate` (the server): never called
//! during SSR (event handlers and effects only run in the browser), so the client compiles
//! unchanged for both targets. Each does nothing, or answers "none".

pub(crate) mod channel {
    //! No tabs outside the browser.

    /// Does nothing outside the browser.
    pub(crate) fn open_channel(_on_message: impl Fn(Vec<u8>) + 'static) {}

    /// Does nothing outside the browser.
    pub(crate) fn post(_message: &[u8]) {}
}

pub(crate) mod fetch {
    //! Server-function calls are not sent from the server.

    /// Server-function calls are not sent from the server.
    pub(crate) fn detach(
        _raw: web_sys::Request,
    ) -> Result<(web_sys::Request, web_sys::Request), String> {
        Err("server-function calls are sent from the browser".into())
    }

    /// Server-function calls are not sent from the server.
    pub(crate) fn json_request(_path: &str, _body: &str) -> Result<web_sys::Request, String> {
        Err("server-function calls are sent from the browser".into())
    }

    /// Server-function calls are not sent from the server.
    pub(crate) async fn bytes(_response: &web_sys::Response) -> Result<Vec<u8>, String> {
        Err("server-function calls are sent from the browser".into())
    }

    /// Server-function calls are not sent from the server.
    pub(crate) async fn fetch(
        _request: &web_sys::Request,
        _sessions: Option<&str>,
    ) -> Result<web_sys::Response, String> {
        Err("server-function calls are sent from the browser".into())
    }
}

pub(crate) mod leader {
    //! No refresh leader outside the browser.

    /// Never leads outside the browser.
    pub(crate) fn become_leader(_on_leader: impl FnOnce() + 'static) {}
}

pub(crate) mod login_window {
    //! No sign-in window outside the browser.

    /// The sign-in window (never opened on the server).
    pub(crate) struct LoginWindow;

    impl LoginWindow {
        /// Always `None` outside the browser.
        pub(crate) fn open() -> Option<Self> {
            None
        }

        /// Always `None` outside the browser.
        pub(crate) fn open_tab() -> Option<Self> {
            None
        }

        /// Does nothing outside the browser.
        pub(crate) fn navigate(&self, _url: &str) {}

        /// Does nothing outside the browser.
        pub(crate) fn close(&self) {}
    }

    /// Always `false` outside the browser.
    pub(crate) fn focus_pending() -> bool {
        false
    }
}

pub(crate) mod page {
    //! No page outside the browser.

    use crate::Completion;

    /// Does nothing outside the browser.
    pub(crate) fn leave_notice(_text: &str) {}

    /// Always `None` outside the browser.
    pub(crate) fn take_notice() -> Option<String> {
        None
    }

    /// Does nothing outside the browser.
    pub(crate) fn navigate_here(_url: &str, _remember: bool) {}

    /// Always `None` outside the browser.
    pub(crate) fn take_returned_completion() -> Option<(Completion, bool)> {
        None
    }

    /// Always `None` outside the browser.
    pub(crate) fn current_path() -> Option<String> {
        None
    }
}

pub(crate) mod popup_watch {
    //! No login to wait for outside the browser.

    use super::login_window::LoginWindow;
    use crate::Completion;

    /// Does nothing outside the browser.
    pub(crate) fn cancel_pending() {}

    /// Does nothing outside the browser.
    pub(crate) fn await_completion(
        _window: Option<LoginWindow>,
        _state: String,
        _on_done: impl FnOnce(Completion) + 'static,
    ) {
    }
}

pub(crate) mod storage {
    //! Nothing is stored on the server.

    use crate::{ProviderId, SealedToken};

    /// Nothing is stored on the server.
    pub(crate) fn stored_sessions() -> Vec<(ProviderId, SealedToken, bool)> {
        Vec::new()
    }

    /// Does nothing outside the browser.
    pub(crate) fn store_session(_provider: &ProviderId, _sealed: &SealedToken, _remember: bool) {}

    /// Does nothing outside the browser.
    pub(crate) fn forget_session(_provider: &ProviderId) {}

    /// Nothing is stored on the server.
    pub(crate) fn pending_logouts() -> Vec<SealedToken> {
        Vec::new()
    }

    /// Does nothing outside the browser.
    pub(crate) fn note_logout(_receipt: &SealedToken, _keep: bool) {}
}

pub(crate) mod timers {
    //! No timers outside the browser; the server's clock.

    /// A timer's handle (there are none outside the browser).
    pub(crate) type TimerHandle = f64;

    /// No timers outside the browser.
    pub(crate) fn set_timer(_ms: u32, _f: impl FnOnce() + 'static) -> Option<TimerHandle> {
        None
    }

    /// Does nothing outside the browser.
    pub(crate) fn clear_timer(_handle: TimerHandle) {}

    /// The server's clock, in milliseconds since the Unix epoch.
    pub(crate) fn now_ms() -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_millis() as f64)
    }
}

//! The sign-in window: a centred popup or a new tab, opened inside the click, and the one of the
//! login in progress (brought forward by a second click).

use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::Window;

/// The popup's window name: a second click reuses the same window instead of opening another.
const POPUP_NAME: &str = "porte-login";
const POPUP_SIZE: (i32, i32) = (520, 680);

/// The sign-in window.
pub(crate) struct LoginWindow {
    popup: Window,
}

impl LoginWindow {
    /// Opens an empty popup centred over the page. Call it synchronously inside the click
    /// handler (before any `.await`), or popup blockers stop it. `None` when blocked.
    pub(crate) fn open() -> Option<Self> {
        let window = web_sys::window()?;
        let (w, h) = POPUP_SIZE;
        let px =
            |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as i32;
        let left = px(window.screen_x()) + (px(window.outer_width()) - w).max(0) / 2;
        let top = px(window.screen_y()) + (px(window.outer_height()) - h).max(0) / 2;
        let features = format!("popup=yes,width={w},height={h},left={left},top={top}");
        let popup = window
            .open_with_url_and_target_and_features("about:blank", POPUP_NAME, &features)
            .ok()
            .flatten()?;
        remember_window(&popup);
        Some(Self { popup })
    }

    /// Opens an empty new tab (in the click, like [`LoginWindow::open`]). `None` when blocked.
    pub(crate) fn open_tab() -> Option<Self> {
        let popup = web_sys::window()?
            .open_with_url_and_target("about:blank", "_blank")
            .ok()
            .flatten()?;
        remember_window(&popup);
        Some(Self { popup })
    }

    /// Sends the popup to the provider's authorization URL.
    pub(crate) fn navigate(&self, url: &str) {
        let _ = self.popup.location().set_href(url);
    }

    /// Closes the popup (e.g. when the login could not start).
    pub(crate) fn close(&self) {
        let _ = self.popup.close();
    }

    /// Whether the window reads as closed (see the popup watch for when that is not so).
    pub(crate) fn is_closed(&self) -> bool {
        self.popup.closed().unwrap_or(true)
    }
}

thread_local! {
    /// The sign-in window of the login in progress (one login at a time).
    static PENDING: RefCell<Option<Window>> = const { RefCell::new(None) };
}

fn remember_window(popup: &Window) {
    PENDING.with(|c| *c.borrow_mut() = Some(popup.clone()));
}

/// Takes the sign-in window of the login in progress out of its slot (the login is over).
pub(crate) fn take_pending_window() -> Option<Window> {
    PENDING.with(|c| c.borrow_mut().take())
}

/// Brings the sign-in window of the login in progress to the front; `false` when there is none
/// (closed, or opened by the app's own opener).
pub(crate) fn focus_pending() -> bool {
    PENDING.with(|c| match &*c.borrow() {
        Some(w) if !w.closed().unwrap_or(true) => w.focus().is_ok(),
        _ => false,
    })
}

//! The browser half of the auth library (feature `hydrate`): the login popup, and the channel on
//! which the completion page reports back (BroadcastChannel, plus `postMessage` from the opener
//! side with an exact origin check).

use crate::types::parse_json;
use crate::{Completion, LOGIN_CHANNEL};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent, Window};

/// The popup's window name: a second click reuses the same window instead of opening another.
const POPUP_NAME: &str = "porte-login";
const POPUP_SIZE: (i32, i32) = (520, 680);
/// How often the opener checks whether the user closed the popup.
const CLOSED_POLL_MS: u32 = 500;

/// The sign-in window.
pub struct LoginWindow {
    popup: Window,
}

impl LoginWindow {
    /// Opens an empty popup centred over the page. Call it synchronously inside the click
    /// handler (before any `.await`), or popup blockers stop it. `None` when blocked.
    pub fn open() -> Option<Self> {
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
    pub fn open_tab() -> Option<Self> {
        let popup = web_sys::window()?
            .open_with_url_and_target("about:blank", "_blank")
            .ok()
            .flatten()?;
        remember_window(&popup);
        Some(Self { popup })
    }

    /// Sends the popup to the provider's authorization URL.
    pub fn navigate(&self, url: &str) {
        let _ = self.popup.location().set_href(url);
    }

    /// Closes the popup (e.g. when the login could not start).
    pub fn close(&self) {
        let _ = self.popup.close();
    }

    fn is_closed(&self) -> bool {
        self.popup.closed().unwrap_or(true)
    }
}

/// The sign-in window of the login in progress, and its listeners (one login at a time).
type Current = (Option<Window>, Option<Rc<RefCell<Watch>>>);

thread_local! {
    static CURRENT: RefCell<Current> = const { RefCell::new((None, None)) };
}

fn remember_window(popup: &Window) {
    CURRENT.with(|c| c.borrow_mut().0 = Some(popup.clone()));
}

/// Brings the sign-in window of the login in progress to the front; `false` when there is none
/// (closed, or opened by the app's own opener).
pub fn focus_pending() -> bool {
    CURRENT.with(|c| match &c.borrow().0 {
        Some(w) if !w.closed().unwrap_or(true) => w.focus().is_ok(),
        _ => false,
    })
}

/// Stops waiting for the login in progress and closes its window; its `on_done` gets
/// `cancelled`.
pub fn cancel_pending() {
    let (window, watch) = CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        (c.0.take(), c.1.take())
    });
    if let Some(w) = window {
        let _ = w.close();
    }
    if let Some(watch) = watch {
        let error = crate::Error::new("cancelled", Some("The sign-in was cancelled.".into()));
        finish(
            &watch,
            Completion {
                state: None,
                outcome: Err(error),
            },
        );
    }
}

type OnDone = Box<dyn FnOnce(Completion)>;

/// Listeners of one flow; dropped (which unregisters nothing by itself) after being detached.
struct Watch {
    on_done: Option<OnDone>,
    channel: Option<BroadcastChannel>,
    on_channel: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_window: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_tick: Option<Closure<dyn FnMut()>>,
    interval: Option<crate::browser_session::TimerHandle>,
    closed_ticks: u8,
    /// When the window was sent to the provider (ms since the epoch).
    navigated_at: f64,
    /// Lost sight of the window: `closed` is no longer trusted (see [`SEVERED_WITHIN_MS`]).
    blind: bool,
}

/// A `Cross-Origin-Opener-Policy: same-origin` page (Microsoft's sign-in pages send it) cuts
/// the window off from this page as soon as it loads: `closed` then reads true although the
/// window is open. A window that "closes" this soon after being sent to the provider was cut
/// off, not closed by its user; from then on only its result (or Cancel) ends the wait.
const SEVERED_WITHIN_MS: f64 = 4_000.0;
/// How long a cut-off window is waited for (the flow cookie's lifetime).
const BLIND_WAIT_MS: f64 = 600_000.0;

/// Waits for the completion message of the flow with this `state`, then calls `on_done` once.
/// If the user closes the popup first, `on_done` gets the error `popup_closed`.
pub fn await_completion(
    window: Option<LoginWindow>,
    state: String,
    on_done: impl FnOnce(Completion) + 'static,
) {
    let watch = Rc::new(RefCell::new(Watch {
        on_done: Some(Box::new(on_done)),
        channel: BroadcastChannel::new(LOGIN_CHANNEL).ok(),
        on_channel: None,
        on_window: None,
        on_tick: None,
        interval: None,
        closed_ticks: 0,
        navigated_at: js_sys::Date::now(),
        blind: false,
    }));
    CURRENT.with(|c| c.borrow_mut().1 = Some(watch.clone()));
    let accept = {
        let watch = watch.clone();
        move |data: JsValue| {
            let Some(completion) = data
                .as_string()
                .and_then(|text| parse_json::<Completion>(&text))
            else {
                return;
            };
            if completion.state.as_deref() == Some(state.as_str()) {
                finish(&watch, completion);
            }
        }
    };
    let on_channel = Closure::<dyn FnMut(MessageEvent)>::new({
        let accept = accept.clone();
        move |e: MessageEvent| accept(e.data())
    });
    let on_window = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        // Only our own origin's completion page may report a result.
        let own = web_sys::window().and_then(|w| w.location().origin().ok());
        if own.as_deref() == Some(e.origin().as_str()) {
            accept(e.data());
        }
    });
    let on_tick = Closure::<dyn FnMut()>::new({
        let watch = watch.clone();
        move || {
            // Without a window of ours (custom opener) there is nothing to watch.
            let closed = window.as_ref().is_some_and(LoginWindow::is_closed);
            let now = js_sys::Date::now();
            let (ticks, blind, since) = {
                let mut w = watch.borrow_mut();
                if closed && !w.blind && now - w.navigated_at < SEVERED_WITHIN_MS {
                    w.blind = true;
                    leptos::logging::log!(
                        "porte: the sign-in window is cut off (COOP); waiting for its result"
                    );
                }
                w.closed_ticks = if closed && !w.blind {
                    w.closed_ticks + 1
                } else {
                    0
                };
                (w.closed_ticks, w.blind, now - w.navigated_at)
            };
            // Two ticks in a row: a result posted just before the popup closed arrives first.
            if ticks >= 2 || (blind && since > BLIND_WAIT_MS) {
                let error = crate::Error::new(
                    "popup_closed",
                    Some("The sign-in window was closed before the sign-in finished.".into()),
                );
                finish(
                    &watch,
                    Completion {
                        state: None,
                        outcome: Err(error),
                    },
                );
            }
        }
    });
    let Some(win) = web_sys::window() else { return };
    let mut w = watch.borrow_mut();
    if let Some(channel) = &w.channel {
        channel.set_onmessage(Some(on_channel.as_ref().unchecked_ref()));
    }
    let _ = win.add_event_listener_with_callback("message", on_window.as_ref().unchecked_ref());
    w.interval = Some(crate::browser_session::repeat(CLOSED_POLL_MS, &on_tick));
    w.on_channel = Some(on_channel);
    w.on_window = Some(on_window);
    w.on_tick = Some(on_tick);
}

/// Key under which the completion page leaves a same-tab result in `sessionStorage`.
const RETURNED_KEY: &str = "porte-completion";

/// Key of a notice to show when the tab comes back (e.g. why the login used this tab).
const NOTICE_KEY: &str = "porte-notice";

/// Keeps `text` for the page this tab returns to.
pub fn leave_notice(text: &str) {
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.session_storage()) {
        let _ = storage.set_item(NOTICE_KEY, text);
    }
}

/// The notice left before this tab went away, removed as it is read.
pub fn take_notice() -> Option<String> {
    let storage = web_sys::window()?.session_storage().ok().flatten()?;
    let text = storage.get_item(NOTICE_KEY).ok().flatten()?;
    let _ = storage.remove_item(NOTICE_KEY);
    Some(text)
}

/// Key under which a same-tab login keeps its "remember me" choice while the tab is away.
const REMEMBER_KEY: &str = "porte-remember";

/// Sends this tab to `url` (same-tab login, provider logout), keeping `remember` for the return.
pub fn navigate_here(url: &str, remember: bool) {
    let Some(w) = web_sys::window() else { return };
    if let Ok(Some(storage)) = w.session_storage() {
        let _ = storage.set_item(REMEMBER_KEY, if remember { "1" } else { "0" });
    }
    let _ = w.location().assign(url);
}

/// The result a same-tab login left for this tab (and its "remember me"), removed as read.
pub fn take_returned_completion() -> Option<(Completion, bool)> {
    let storage = web_sys::window()?.session_storage().ok().flatten()?;
    let text = storage.get_item(RETURNED_KEY).ok().flatten()?;
    let remember = storage.get_item(REMEMBER_KEY).ok().flatten().as_deref() == Some("1");
    let _ = storage.remove_item(RETURNED_KEY);
    let _ = storage.remove_item(REMEMBER_KEY);
    Some((parse_json(&text)?, remember))
}

/// This page's path, query and fragment.
pub fn current_path() -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!(
        "{}{}{}",
        location.pathname().ok()?,
        location.search().ok()?,
        location.hash().ok()?
    ))
}

/// Detaches every listener, then reports. The closures are dropped on a later task, never from
/// inside themselves.
fn finish(watch: &Rc<RefCell<Watch>>, completion: Completion) {
    let Some(on_done) = watch.borrow_mut().on_done.take() else {
        return;
    };
    CURRENT.with(|c| *c.borrow_mut() = (None, None));
    if let Some(win) = web_sys::window() {
        let w = watch.borrow();
        if let Some(id) = w.interval {
            crate::browser_session::clear_repeat(id);
        }
        if let Some(cb) = &w.on_window {
            let _ = win.remove_event_listener_with_callback("message", cb.as_ref().unchecked_ref());
        }
        if let Some(channel) = &w.channel {
            channel.set_onmessage(None);
            channel.close();
        }
    }
    let watch = watch.clone();
    leptos::task::spawn_local(async move {
        let mut w = watch.borrow_mut();
        drop((w.on_channel.take(), w.on_window.take(), w.on_tick.take()));
    });
    // Back to the page the user started from.
    if let Some(w) = web_sys::window() {
        let _ = w.focus();
    }
    on_done(completion);
}

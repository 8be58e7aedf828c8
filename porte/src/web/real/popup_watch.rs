//! Waiting for a login's result: the completion page reports on the login channel
//! (BroadcastChannel, plus `postMessage` from the opener side with an exact origin check), and
//! the sign-in window is watched for its user closing it.

use super::login_window::{take_pending_window, LoginWindow};
use super::timers::{clear_repeat, repeat, TimerHandle};
use crate::shared::compact;
use crate::{Completion, Error, LOGIN_CHANNEL};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

/// How often the opener checks whether the user closed the popup.
const CLOSED_POLL_MS: u32 = 500;
/// A `Cross-Origin-Opener-Policy: same-origin` page (Microsoft's sign-in pages send it) cuts
/// the window off from this page as soon as it loads: `closed` then reads true although the
/// window is open. A window that "closes" this soon after being sent to the provider was cut
/// off, not closed by its user; from then on only its result (or Cancel) ends the wait.
const SEVERED_WITHIN_MS: f64 = 4_000.0;
/// How long a cut-off window is waited for (the flow cookie's lifetime).
const BLIND_WAIT_MS: f64 = 600_000.0;

type OnDone = Box<dyn FnOnce(Completion)>;

/// Listeners of one flow; dropped (which unregisters nothing by itself) after being detached.
struct Watch {
    on_done: Option<OnDone>,
    channel: Option<BroadcastChannel>,
    on_channel: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_window: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_tick: Option<Closure<dyn FnMut()>>,
    interval: Option<TimerHandle>,
    closed_ticks: u8,
    /// When the window was sent to the provider (ms since the epoch).
    navigated_at: f64,
    /// Lost sight of the window: `closed` is no longer trusted (see [`SEVERED_WITHIN_MS`]).
    blind: bool,
}

thread_local! {
    /// The listeners of the login in progress (one login at a time).
    static CURRENT: RefCell<Option<Rc<RefCell<Watch>>>> = const { RefCell::new(None) };
}

/// Stops waiting for the login in progress and closes its window; its `on_done` gets
/// `cancelled`.
pub(crate) fn cancel_pending() {
    let window = take_pending_window();
    let watch = CURRENT.with(|c| c.borrow_mut().take());
    if let Some(w) = window {
        let _ = w.close();
    }
    if let Some(watch) = watch {
        let error = Error::new("cancelled", Some("The sign-in was cancelled.".into()));
        finish(
            &watch,
            Completion {
                state: None,
                outcome: Err(error),
            },
        );
    }
}

/// Waits for the completion message of the flow with this `state`, then calls `on_done` once.
/// If the user closes the popup first, `on_done` gets the error `popup_closed`.
pub(crate) fn await_completion(
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
    CURRENT.with(|c| *c.borrow_mut() = Some(watch.clone()));
    let accept = {
        let watch = watch.clone();
        move |data: JsValue| {
            let Some(completion) = data
                .as_string()
                .and_then(|text| compact::from_text::<Completion>(&text))
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
                let error = Error::new(
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
    w.interval = Some(repeat(CLOSED_POLL_MS, &on_tick));
    w.on_channel = Some(on_channel);
    w.on_window = Some(on_window);
    w.on_tick = Some(on_tick);
}

/// Detaches every listener, then reports. The closures are dropped on a later task, never from
/// inside themselves.
fn finish(watch: &Rc<RefCell<Watch>>, completion: Completion) {
    let Some(on_done) = watch.borrow_mut().on_done.take() else {
        return;
    };
    take_pending_window();
    CURRENT.with(|c| *c.borrow_mut() = None);
    if let Some(win) = web_sys::window() {
        let w = watch.borrow();
        if let Some(id) = w.interval {
            clear_repeat(id);
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

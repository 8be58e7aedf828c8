//! Browser primitives for sessions that last (feature `hydrate`): session tokens in storage
//! (gloo-storage: local storage for "remember me", the tab's session storage otherwise, so a
//! reload keeps the sign-in), the channel that keeps tabs in agreement, the refresh leader (Web
//! Locks; a BroadcastChannel heartbeat where the browser has none), timers, and the `fetch` of
//! server-function calls that carry the sessions.

use crate::{ProviderId, SealedToken};
use gloo_storage::{LocalStorage, SessionStorage, Storage};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

/// Local-storage key of the remembered session tokens (provider id → sealed token).
const STORE_KEY: &str = "porte.sessions";
/// Local-storage key of the receipts of logouts the server could not record yet.
const LOGOUTS_KEY: &str = "porte.logouts";
/// The channel on which tabs of this origin tell each other about sessions.
const SYNC_CHANNEL: &str = "porte-session";
/// The Web Lock held by the tab that refreshes tokens for all tabs.
const LEADER_LOCK: &str = "porte-refresh-leader";

type Stored = BTreeMap<String, String>;

/// The stored session tokens, and whether each is remembered (local storage) rather than kept
/// for this tab only (session storage).
pub fn stored_sessions() -> Vec<(ProviderId, SealedToken, bool)> {
    let remembered = LocalStorage::get::<Stored>(STORE_KEY).unwrap_or_default();
    let this_tab = SessionStorage::get::<Stored>(STORE_KEY).unwrap_or_default();
    let mut all: BTreeMap<String, (String, bool)> =
        this_tab.into_iter().map(|(p, t)| (p, (t, false))).collect();
    all.extend(remembered.into_iter().map(|(p, t)| (p, (t, true))));
    all.into_iter()
        .filter_map(|(id, (t, remember))| {
            Some((ProviderId::parse(&id).ok()?, SealedToken::new(t), remember))
        })
        .collect()
}

/// Keeps (or replaces) a provider's session token: in local storage when `remember`, else in
/// this tab's session storage.
pub fn store_session(provider: &ProviderId, sealed: &SealedToken, remember: bool) {
    if remember {
        put::<LocalStorage>(provider, sealed);
        take::<SessionStorage>(provider);
    } else {
        put::<SessionStorage>(provider, sealed);
        take::<LocalStorage>(provider);
    }
}

/// Forgets a provider's session token, wherever it was kept.
pub fn forget_session(provider: &ProviderId) {
    take::<LocalStorage>(provider);
    take::<SessionStorage>(provider);
}

fn put<S: Storage>(provider: &ProviderId, sealed: &SealedToken) {
    let mut all = S::get::<Stored>(STORE_KEY).unwrap_or_default();
    all.insert(provider.to_string(), sealed.as_str().to_owned());
    let _ = S::set(STORE_KEY, all);
}

fn take<S: Storage>(provider: &ProviderId) {
    let mut all = S::get::<Stored>(STORE_KEY).unwrap_or_default();
    if all.remove(provider.as_str()).is_some() {
        let _ = S::set(STORE_KEY, all);
    }
}

/// The receipts of logouts whose end the server could not record yet (kept across reloads, so
/// the next visit tries again).
pub fn pending_logouts() -> Vec<SealedToken> {
    let all = LocalStorage::get::<Vec<String>>(LOGOUTS_KEY).unwrap_or_default();
    all.into_iter().map(SealedToken::new).collect()
}

/// Keeps a receipt (`keep`) or drops it once the logout is recorded.
pub fn note_logout(receipt: &SealedToken, keep: bool) {
    let mut all = LocalStorage::get::<Vec<String>>(LOGOUTS_KEY).unwrap_or_default();
    all.retain(|r| r != receipt.as_str());
    if keep {
        all.push(receipt.as_str().to_owned());
    }
    let _ = LocalStorage::set(LOGOUTS_KEY, all);
}

/// A server-function request taken out of leptos' hands: a copy without its abort signal (which
/// fires when leptos' wrapper is dropped), and a spare copy to send again once.
pub fn detach(raw: web_sys::Request) -> Result<(web_sys::Request, web_sys::Request), String> {
    // `signal: null` explicitly (an absent or undefined member would keep the aborted one).
    let init = web_sys::RequestInit::new();
    js_sys::Reflect::set(&init, &JsValue::from_str("signal"), &JsValue::NULL).map_err(js_error)?;
    let first = web_sys::Request::new_with_request_and_init(&raw, &init).map_err(js_error)?;
    let spare = first.clone().map_err(js_error)?;
    Ok((first, spare))
}

/// Sends `request` with `sessions` (the `x-porte-session` value) when there are any.
pub async fn fetch(
    request: &web_sys::Request,
    sessions: Option<&str>,
) -> Result<web_sys::Response, String> {
    if let Some(value) = sessions {
        request
            .headers()
            .set(crate::session_header::SESSION_HEADER, value)
            .map_err(js_error)?;
    }
    let window = web_sys::window().ok_or("no window")?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_request(request))
        .await
        .map_err(js_error)?;
    response.dyn_into().map_err(js_error)
}

fn js_error(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            js_sys::Reflect::get(&e, &"message".into())
                .ok()?
                .as_string()
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

thread_local! {
    /// This page's end of the tabs' channel (browser objects stay on the page's thread).
    static CHANNEL: std::cell::RefCell<Option<BroadcastChannel>> = const { std::cell::RefCell::new(None) };
}

/// Joins the tabs' channel; `on_message` gets every message another tab posts (JSON text).
pub fn open_channel(on_message: impl Fn(String) + 'static) {
    let Ok(channel) = BroadcastChannel::new(SYNC_CHANNEL) else {
        return;
    };
    let cb = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(text) = e.data().as_string() {
            on_message(text);
        }
    });
    channel.set_onmessage(Some(cb.as_ref().unchecked_ref()));
    // Lives as long as the page.
    cb.forget();
    CHANNEL.with(|c| *c.borrow_mut() = Some(channel));
}

/// Posts to every other tab.
pub fn post(message: &str) {
    CHANNEL.with(|c| {
        if let Some(channel) = c.borrow().as_ref() {
            let _ = channel.post_message(&JsValue::from_str(message));
        }
    });
}

/// Calls `on_leader` once this tab holds the refresh lead: at once when no other tab has it,
/// else when the leading tab closes. With Web Locks the lock is simply never released; without
/// them, a tab leads when it hears no leader heartbeat for 3 s.
pub fn become_leader(on_leader: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let locks = js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("locks"))
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks.as_ref().and_then(|l| {
        js_sys::Reflect::get(l, &JsValue::from_str("request"))
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    match (locks, request) {
        (Some(locks), Some(request)) => {
            let granted = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
                on_leader();
                // Never settles: the lock is held until this tab goes away.
                js_sys::Promise::new(&mut |_, _| {})
            });
            let _ = request.call2(&locks, &JsValue::from_str(LEADER_LOCK), &granted);
        }
        _ => heartbeat_leader(on_leader),
    }
}

/// The fallback: the leader says so every second on its own channel. A tab that hears no leader
/// for three seconds claims the lead and takes it one second later unless it heard a leader or
/// another claim meanwhile (two claims at once: the lower random number wins). Two tabs opened
/// together never both lead: both would refresh with the same rotating refresh token, and the
/// provider would end the grant.
fn heartbeat_leader(on_leader: impl FnOnce() + 'static) {
    let me = js_sys::Math::random();
    let heard = Rc::new(Cell::new(now_ms()));
    let claimed = Rc::new(Cell::new(None::<f64>));
    let leading = Rc::new(Cell::new(false));
    let channel = BroadcastChannel::new(&format!("{SYNC_CHANNEL}-leader")).ok();
    if let Some(c) = &channel {
        let (heard, claimed, leading, reply) =
            (heard.clone(), claimed.clone(), leading.clone(), c.clone());
        let cb = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let text = e.data().as_string().unwrap_or_default();
            let rival = text
                .strip_prefix("claim:")
                .and_then(|n| n.parse::<f64>().ok());
            match rival {
                // A claim while this tab leads: say so at once, the claimer backs off.
                Some(_) if leading.get() => {
                    let _ = reply.post_message(&JsValue::from_str("leader"));
                }
                // Two claims at once: the lower number leads.
                Some(theirs) if claimed.get().is_some() && theirs > me => {}
                // A leader, another tab's claim, or a lower rival claim: not this tab's turn.
                _ => {
                    heard.set(now_ms());
                    claimed.set(None);
                }
            }
        });
        c.set_onmessage(Some(cb.as_ref().unchecked_ref()));
        cb.forget();
    }
    let post = move |text: &str| {
        if let Some(c) = &channel {
            let _ = c.post_message(&JsValue::from_str(text));
        }
    };
    let mut on_leader = Some(on_leader);
    let tick = Closure::<dyn FnMut()>::new(move || {
        let now = now_ms();
        if leading.get() {
            post("leader");
        } else if let Some(at) = claimed.get() {
            if now - at >= 1000.0 {
                leading.set(true);
                post("leader");
                if let Some(f) = on_leader.take() {
                    f();
                }
            }
        } else if now - heard.get() > 3000.0 {
            claimed.set(Some(now));
            post(&format!("claim:{me}"));
        }
    });
    repeat(1000, &tick);
    tick.forget();
}

#[wasm_bindgen]
extern "C" {
    // The page's timer functions with their handles kept as JS numbers: web-sys types them `i32`,
    // but a page may hand out larger ones (Playwright's test clock starts at 10^12), and a
    // truncated handle clears nothing: the timer would go on firing after its closure was freed.
    #[wasm_bindgen(js_name = setTimeout)]
    fn js_set_timeout(handler: &JsValue, ms: u32) -> f64;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn js_clear_timeout(handle: f64);
    #[wasm_bindgen(js_name = setInterval)]
    fn js_set_interval(handler: &JsValue, ms: u32) -> f64;
    #[wasm_bindgen(js_name = clearInterval)]
    fn js_clear_interval(handle: f64);
}

/// A timer's handle, as the page gave it.
pub type TimerHandle = f64;

/// Runs `f` after `ms` milliseconds; returns a handle for [`clear_timer`].
pub fn set_timer(ms: u32, f: impl FnOnce() + 'static) -> Option<TimerHandle> {
    Some(js_set_timeout(&Closure::once_into_js(f), ms))
}

/// Cancels a timer.
pub fn clear_timer(handle: TimerHandle) {
    js_clear_timeout(handle);
}

/// Calls `tick` every `ms` milliseconds until [`clear_repeat`]; the closure must outlive that.
pub fn repeat(ms: u32, tick: &Closure<dyn FnMut()>) -> TimerHandle {
    js_set_interval(tick.as_ref(), ms)
}

/// Stops a [`repeat`].
pub fn clear_repeat(handle: TimerHandle) {
    js_clear_interval(handle);
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

//! The refresh leader: the one tab that refreshes tokens for all (Web Locks; a
//! `BroadcastChannel` heartbeat where the browser has none).

use super::timers::{now_ms, repeat};
use crate::shared::wire::LEADER_CHANNEL;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

/// The Web Lock held by the tab that refreshes tokens for all tabs.
const LEADER_LOCK: &str = "porte-refresh-leader";

/// Calls `on_leader` once this tab holds the refresh lead: at once when no other tab has it,
/// else when the leading tab closes. With Web Locks the lock is simply never released; without
/// them, a tab leads when it hears no leader heartbeat for 3 s.
pub(crate) fn become_leader(on_leader: impl FnOnce() + 'static) {
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
    let channel = BroadcastChannel::new(LEADER_CHANNEL).ok();
    if let Some(c) = &channel {
        let (heard, claimed, leading, reply) =
            (heard.clone(), claimed.clone(), leading.clone(), c.clone());
        let cb = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            // A claim is the claimer's random number, sent as a JS number: parsing it from text
            // would compile Rust's float parser and its table of powers of five into every app's
            // wasm (13 KB brotli).
            let rival = e.data().as_f64();
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
    let post = move |message: &JsValue| {
        if let Some(c) = &channel {
            let _ = c.post_message(message);
        }
    };
    let mut on_leader = Some(on_leader);
    let tick = Closure::<dyn FnMut()>::new(move || {
        let now = now_ms();
        if leading.get() {
            post(&JsValue::from_str("leader"));
        } else if let Some(at) = claimed.get() {
            if now - at >= 1000.0 {
                leading.set(true);
                post(&JsValue::from_str("leader"));
                if let Some(f) = on_leader.take() {
                    f();
                }
            }
        } else if now - heard.get() > 3000.0 {
            claimed.set(Some(now));
            post(&JsValue::from_f64(me));
        }
    });
    repeat(1000, &tick);
    tick.forget();
}

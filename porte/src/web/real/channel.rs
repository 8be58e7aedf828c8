//! The channel that keeps this origin's tabs in agreement about sessions (a `BroadcastChannel`
//! carrying bytes: messages in the compact wire).

use crate::shared::wire::SYNC_CHANNEL;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

thread_local! {
    /// This page's end of the tabs' channel (browser objects stay on the page's thread).
    static CHANNEL: RefCell<Option<BroadcastChannel>> = const { RefCell::new(None) };
}

/// Joins the tabs' channel; `on_message` gets every message another tab posts (its bytes).
pub(crate) fn open_channel(on_message: impl Fn(Vec<u8>) + 'static) {
    let Ok(channel) = BroadcastChannel::new(SYNC_CHANNEL) else {
        return;
    };
    let cb = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(bytes) = e.data().dyn_ref::<js_sys::Uint8Array>() {
            on_message(bytes.to_vec());
        }
    });
    channel.set_onmessage(Some(cb.as_ref().unchecked_ref()));
    // Lives as long as the page.
    cb.forget();
    CHANNEL.with(|c| *c.borrow_mut() = Some(channel));
}

/// Posts to every other tab.
pub(crate) fn post(message: &[u8]) {
    CHANNEL.with(|c| {
        if let Some(channel) = c.borrow().as_ref() {
            let _ = channel.post_message(&js_sys::Uint8Array::from(message));
        }
    });
}

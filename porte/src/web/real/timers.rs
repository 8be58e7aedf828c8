//! The page's timers and clock: `setTimeout` / `setInterval` with their handles kept as JS
//! numbers, and the time in milliseconds.

use wasm_bindgen::prelude::*;

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
pub(crate) type TimerHandle = f64;

/// Runs `f` after `ms` milliseconds; returns a handle for [`clear_timer`].
pub(crate) fn set_timer(ms: u32, f: impl FnOnce() + 'static) -> Option<TimerHandle> {
    set_boxed_timer(ms, Box::new(f))
}

/// One `Closure` type for every timer (boxed), instead of wasm-bindgen's glue per call site.
fn set_boxed_timer(ms: u32, f: Box<dyn FnOnce()>) -> Option<TimerHandle> {
    Some(js_set_timeout(&Closure::once_into_js(f), ms))
}

/// Cancels a timer.
pub(crate) fn clear_timer(handle: TimerHandle) {
    js_clear_timeout(handle);
}

/// Calls `tick` every `ms` milliseconds until [`clear_repeat`]; the closure must outlive that.
pub(crate) fn repeat(ms: u32, tick: &Closure<dyn FnMut()>) -> TimerHandle {
    js_set_interval(tick.as_ref(), ms)
}

/// Stops a [`repeat`].
pub(crate) fn clear_repeat(handle: TimerHandle) {
    js_clear_interval(handle);
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> f64 {
    js_sys::Date::now()
}

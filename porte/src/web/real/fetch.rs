//! The `fetch` of server-function calls: Porte's own (a JSON request, its answer's bytes), and
//! those that carry the sessions (the request taken out of leptos' hands, and sent with the
//! `x-porte-session` header).

use crate::shared::wire::SESSION_HEADER;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A server-function request taken out of leptos' hands: a copy without its abort signal (which
/// fires when leptos' wrapper is dropped), and a spare copy to send again once.
pub(crate) fn detach(
    raw: web_sys::Request,
) -> Result<(web_sys::Request, web_sys::Request), String> {
    // `signal: null` explicitly (an absent or undefined member would keep the aborted one).
    let init = web_sys::RequestInit::new();
    js_sys::Reflect::set(&init, &JsValue::from_str("signal"), &JsValue::NULL).map_err(js_error)?;
    let first = web_sys::Request::new_with_request_and_init(&raw, &init).map_err(js_error)?;
    let spare = first.clone().map_err(js_error)?;
    Ok((first, spare))
}

/// A POST of `body` (JSON) to `path`, as leptos sends a server function with JSON input.
pub(crate) fn json_request(path: &str, body: &str) -> Result<web_sys::Request, String> {
    let headers = web_sys::Headers::new().map_err(js_error)?;
    headers
        .set("content-type", "application/json")
        .map_err(js_error)?;
    headers
        .set("accept", "application/json")
        .map_err(js_error)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    web_sys::Request::new_with_str_and_init(path, &init).map_err(js_error)
}

/// The body of `response`, as bytes.
pub(crate) async fn bytes(response: &web_sys::Response) -> Result<Vec<u8>, String> {
    let promise = response.array_buffer().map_err(js_error)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(js_error)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Sends `request` with `sessions` (the `x-porte-session` value) when there are any.
pub(crate) async fn fetch(
    request: &web_sys::Request,
    sessions: Option<&str>,
) -> Result<web_sys::Response, String> {
    if let Some(value) = sessions {
        request
            .headers()
            .set(SESSION_HEADER, value)
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

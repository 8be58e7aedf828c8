//! The demo's response headers — the worked example of what an app using Porte sets itself:
//!
//! - a Content-Security-Policy with a per-request nonce for the hydration script (no inline
//!   script runs without it), `'wasm-unsafe-eval'` for the wasm, `frame-ancestors 'none'`,
//!   `connect-src 'self'` (Porte's server functions), `form-action 'self'` (the no-JS sign-in
//!   form; Porte's completion page brings its own stricter policy);
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy`, HSTS when the app is on https.
//!
//! Cross-site requests to server functions are refused by Porte's own middleware.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;

/// What the middleware needs: whether the app is served over https.
#[derive(Clone)]
pub struct Security {
    https: bool,
}

impl Security {
    /// For an app served at `origin` (scheme://host[:port]).
    pub fn new(origin: &str) -> Self {
        Self {
            https: origin.starts_with("https://"),
        }
    }
}

/// The page's nonce, handed from the middleware to the Leptos render.
#[derive(Clone)]
pub struct CspNonce(pub Nonce);

/// The middleware: a nonce for the page, then the headers.
pub async fn protect(State(sec): State<Security>, mut request: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let subresource = is_subresource(&response);
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Scripts, styles, wasm and icons are never documents: the policies below would only add
    // some 600 bytes of headers to each of them.
    if !subresource {
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            let csp = format!(
                "default-src 'self'; script-src 'self' 'nonce-{}' 'wasm-unsafe-eval'; \
                 style-src 'self'; img-src 'self' data: https: http://127.0.0.1:* http://localhost:*; \
                 connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                 frame-ancestors 'none'",
                &*nonce
            );
            if let Ok(v) = HeaderValue::from_str(&csp) {
                headers.insert(header::CONTENT_SECURITY_POLICY, v);
            }
        }
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        if !headers.contains_key(header::REFERRER_POLICY) {
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            );
        }
    }
    if sec.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Whether the response is a static script, stylesheet, wasm module or raster icon, which a
/// browser never renders as a document (anything else, text and SVG included, gets the
/// document policies).
fn is_subresource(response: &Response) -> bool {
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = kind.split(';').next().unwrap_or_default().trim();
    matches!(
        essence,
        "application/wasm"
            | "text/css"
            | "text/javascript"
            | "application/javascript"
            | "image/x-icon"
            | "image/vnd.microsoft.icon"
            | "image/png"
    )
}

//! Response headers and request checks that protect every page and server function:
//!
//! - a Content-Security-Policy with a per-request nonce for the hydration script (no inline
//!   script runs without it), `'wasm-unsafe-eval'` for the wasm, `frame-ancestors 'none'`;
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy`, HSTS when the app is on https;
//! - cross-site requests to server functions are refused (login CSRF, session CSRF): a browser
//!   says where a request comes from (`Sec-Fetch-Site`, `Origin`), and only this origin passes.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::nonce::Nonce;

/// What the middleware needs: the app's origin.
#[derive(Clone)]
pub struct Security {
    origin: String,
    https: bool,
}

impl Security {
    /// For an app served at `origin` (scheme://host[:port]).
    pub fn new(origin: &str) -> Self {
        Self {
            origin: origin.trim_end_matches('/').to_owned(),
            https: origin.starts_with("https://"),
        }
    }

    /// Whether a state-changing request may come from where the browser says it comes from.
    fn allows(&self, request: &Request) -> bool {
        let h = request.headers();
        let text = |name| h.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
        match (text("sec-fetch-site"), text(header::ORIGIN.as_str())) {
            (Some(site), _) if site != "same-origin" && site != "none" => false,
            (_, Some(origin)) => origin == self.origin,
            // Not a browser (no cookies of a victim ride along): let it through.
            (None, None) => true,
            (Some(_), None) => true,
        }
    }
}

/// The page's nonce, handed from the middleware to the Leptos render.
#[derive(Clone)]
pub struct CspNonce(pub Nonce);

/// The middleware: refuses cross-site server-function calls, then adds the headers.
pub async fn protect(State(sec): State<Security>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // Server functions, and the sign-in form that works before hydration.
    let is_server_fn = path.starts_with("/api/")
        && (!path.starts_with("/api/oauth/") || path == app::auth::server::START_PATH);
    if is_server_fn && request.method() != Method::GET && !sec.allows(&request) {
        tracing::warn!(path = %request.uri().path(), "cross-site server-function call refused");
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
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

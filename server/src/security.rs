//! The demo's response headers — the worked example of what an app using Porte sets itself:
//!
//! - a Content-Security-Policy with a per-request nonce for the hydration script (no inline
//!   script runs without it), `'wasm-unsafe-eval'` for the wasm, `frame-ancestors 'none'`,
//!   `connect-src 'self'` (Porte's server functions), `form-action 'self'` (the no-JS sign-in
//!   form; Porte's completion page brings its own stricter policy). Only requests that may
//!   render a page draw a nonce; server-function answers get `script-src 'none'`;
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy`, HSTS when the app is on https.
//!
//! Cross-site requests to server functions are refused by Porte's own middleware.

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method};
use axum::response::Response;
use leptos::nonce::Nonce;

/// What the headers depend on: whether the app is served over https.
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

/// The policy with `$scripts` as its `script-src`, as a literal (for `format!` and
/// `from_static`).
macro_rules! page_policy {
    ($scripts:literal) => {
        concat!(
            "default-src 'self'; script-src ",
            $scripts,
            "; style-src 'self'; img-src 'self' data: https: http://127.0.0.1:* http://localhost:*; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'"
        )
    };
}

/// A nonce for `request` when it may render a page, also put in its extensions (as
/// [`CspNonce`]) for the Leptos render; `None` for anything else.
pub fn page_nonce(request: &mut Request) -> Option<Nonce> {
    let nonce = may_render_page(request).then(Nonce::new)?;
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    Some(nonce)
}

/// The response headers, with the policy allowing the page's `nonce` (from [`page_nonce`]).
pub fn add_headers(sec: &Security, nonce: Option<&Nonce>, response: &mut Response) {
    let subresource = is_subresource(response);
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Scripts, styles, wasm and icons are never documents: the policies below would only add
    // some 600 bytes of headers to each of them.
    if !subresource {
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            let csp = match nonce {
                Some(nonce) => HeaderValue::from_str(&format!(
                    page_policy!("'self' 'nonce-{}' 'wasm-unsafe-eval'"),
                    &**nonce
                )),
                // Not a page: nothing may run.
                None => Ok(HeaderValue::from_static(page_policy!("'none'"))),
            };
            if let Ok(v) = csp {
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
}

/// Whether answering `request` may render a page, which needs a nonce for its hydration
/// script: a GET or HEAD outside the server functions (`/api/`, Porte's endpoints included,
/// whose completion page brings its own policy) and the build's files (`/pkg/`). Drawing a
/// nonce for the rest (two of the three requests of a login) was CPU for nothing.
fn may_render_page(request: &Request) -> bool {
    let path = request.uri().path();
    matches!(*request.method(), Method::GET | Method::HEAD)
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(method: Method, path: &str) -> Request {
        Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap()
    }

    #[test]
    fn only_requests_that_may_render_a_page_get_a_nonce() {
        for page in ["/", "/welcome", "/admin", "/no-such-page"] {
            assert!(may_render_page(&request(Method::GET, page)), "{page}");
        }
        assert!(may_render_page(&request(Method::HEAD, "/")));
        for other in [
            (Method::POST, "/api/porte/start_login"),
            (Method::GET, "/api/oauth/redirect"),
            (Method::GET, "/pkg/porte.abc.wasm"),
            (Method::POST, "/"),
        ] {
            assert!(
                !may_render_page(&request(other.0.clone(), other.1)),
                "{other:?}"
            );
        }
    }
}

//! [`PorteRouter`]: one call mounts Porte on an Axum router.

use super::plain_start::{start_in_this_tab, StartForm};
use super::protect::protect;
use super::redirect::{logged_out, oauth_redirect};
use super::Porte;
use axum::extract::{Form, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Mounts Porte on an Axum router.
///
/// `.porte(&porte)` adds, under the base path (default `/api/oauth`): the OAuth redirect
/// endpoint `redirect`, the post-logout return `logged-out`, the no-JS sign-in form's `start`,
/// and the completion page's script and stylesheet; and wraps the router in Porte's
/// middleware: the [`Porte`] in every request (for Porte's server functions and
/// [`require_session`](crate::require_session)), cross-site requests to server functions
/// refused (403), and server-function errors given their HTTP status.
///
/// Call it **after** `leptos_routes(…)`, so the middleware also wraps the server functions:
///
/// ```no_run
/// use axum::Router;
/// use leptos::prelude::*;
/// use leptos_axum::{generate_route_list, LeptosRoutes};
/// use porte::PorteRouter;
///
/// # #[component] fn App() -> impl IntoView { () }
/// # fn shell(_: LeptosOptions) -> impl IntoView { () }
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let options = get_configuration(None)?.leptos_options;
/// let porte = porte::Porte::from_env()?;
/// porte.log_summary();
/// let app: Router = Router::new()
///     .leptos_routes(&options, generate_route_list(App), {
///         let options = options.clone();
///         move || shell(options.clone())
///     })
///     .porte(&porte)
///     .with_state(options);
/// # Ok(()) }
/// ```
pub trait PorteRouter {
    /// Adds Porte's endpoints and wraps the router in its middleware.
    #[must_use]
    fn porte(self, porte: &Porte) -> Self;
}

impl<S: Clone + Send + Sync + 'static> PorteRouter for Router<S> {
    fn porte(self, porte: &Porte) -> Self {
        let config = &porte.0.config;
        let endpoints = Router::new()
            .route(&config.path("redirect"), get(redirect))
            .route(&config.path("logged-out"), get(after_logout))
            .route(&config.path("start"), post(start))
            .route(
                &config.path(&COMPLETE_JS.file_name()),
                get(|| async { COMPLETE_JS.response() }),
            )
            .route(
                &config.path(&COMPLETE_CSS.file_name()),
                get(|| async { COMPLETE_CSS.response() }),
            )
            .with_state(porte.clone());
        self.merge(endpoints)
            .layer(axum::middleware::from_fn_with_state(porte.clone(), protect))
    }
}

async fn redirect(
    State(porte): State<Porte>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    oauth_redirect(&porte, &headers, raw.as_deref()).await
}

async fn after_logout(
    State(porte): State<Porte>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    logged_out(&porte.0.config, &headers, raw.as_deref())
}

async fn start(
    State(porte): State<Porte>,
    headers: HeaderMap,
    Form(form): Form<StartForm>,
) -> Response {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    start_in_this_tab(&porte, text(header::REFERER), text(header::COOKIE), form).await
}

/// A file Porte serves from the crate itself, under a name that carries its content's hash, so
/// browsers may keep it for good.
pub(crate) struct Asset {
    stem: &'static str,
    extension: &'static str,
    content_type: &'static str,
    body: &'static str,
    name: OnceLock<String>,
}

/// The completion page's script.
pub(crate) static COMPLETE_JS: Asset = Asset {
    stem: "complete",
    extension: "js",
    content_type: "text/javascript; charset=utf-8",
    body: include_str!("complete.js"),
    name: OnceLock::new(),
};

/// The completion page's stylesheet.
pub(crate) static COMPLETE_CSS: Asset = Asset {
    stem: "complete",
    extension: "css",
    content_type: "text/css; charset=utf-8",
    body: include_str!("complete.css"),
    name: OnceLock::new(),
};

impl Asset {
    /// `complete.<first 8 hex digits of SHA-256>.js`.
    pub(crate) fn file_name(&self) -> String {
        self.name
            .get_or_init(|| {
                let digest = Sha256::digest(self.body.as_bytes());
                let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
                format!("{}.{hash}.{}", self.stem, self.extension)
            })
            .clone()
    }

    fn response(&self) -> Response {
        let mut response = self.body.into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        response
    }
}

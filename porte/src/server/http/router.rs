//! [`PorteRouter`]: one call mounts Porte on an Axum router.

use crate::server::http::callback::{logged_out, oauth_redirect};
use crate::server::http::completion::{COMPLETE_CSS, COMPLETE_JS};
use crate::server::http::middleware::protect;
use crate::server::http::start_form::{start_in_this_tab, StartForm};
use crate::server::Porte;
use axum::extract::{Form, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

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
        let config = &porte.config();
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
    logged_out(&porte, &headers, raw.as_deref())
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

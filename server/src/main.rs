//! Porte's server: the Leptos app (SSR + server functions) and the OAuth redirect endpoint.
//!
//! Configuration comes from the environment and `.env` (see the README).

// Leptos view types nest deeply; release builds compute their layouts here.
#![recursion_limit = "256"]

use app::auth::server::{
    logged_out, oauth_redirect, start_in_this_tab, AuthConfig, AuthState, LOGGED_OUT_PATH,
    START_PATH,
};
use app::auth::REDIRECT_PATH;
use app::{shell, App};
use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::process::ExitCode;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;

mod caching;
mod fn_errors;
mod limits;
mod memory;
mod security;

/// Router state: each handler extracts the part it needs.
#[derive(Clone, FromRef)]
struct AppState {
    leptos_options: LeptosOptions,
    auth: AuthState,
}

fn main() -> ExitCode {
    memory::limit_malloc_arenas();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(serve()),
        Err(e) => {
            eprintln!("porte: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> ExitCode {
    let dotenv = dotenvy::dotenv();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        // Colour codes only on a terminal: log files and collectors get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    if let Ok(path) = dotenv {
        tracing::info!(path = %path.display(), "read .env");
    }
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("porte: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let config = AuthConfig::from_env().map_err(|e| format!("configuration error: {e}"))?;
    let origin = config.origin.origin().ascii_serialization();
    let auth = AuthState::new(config).map_err(|e| format!("HTTP client: {e}"))?;
    if !auth.has_configured_secret() {
        tracing::warn!(
            "DEVELOPMENT KEY: APP_SECRET_KEY is not set, so a random key was generated for this \
             process; sign-ins and remembered sessions end when it restarts. Set APP_SECRET_KEY \
             (32+ random bytes) in .env to keep them; it is required with APP_ENV=production"
        );
    }
    for p in auth.providers() {
        tracing::info!(provider = %p.id, label = %p.label, "provider configured");
    }
    let conf = get_configuration(None).map_err(|e| format!("leptos configuration: {e}"))?;
    let leptos_options = conf.leptos_options;
    let addr = leptos_options.site_addr;
    let routes = generate_route_list(App);
    let state = AppState {
        leptos_options: leptos_options.clone(),
        auth: auth.clone(),
    };
    let app = Router::new()
        .route(REDIRECT_PATH, get(oauth_redirect))
        .route(LOGGED_OUT_PATH, get(logged_out))
        .route(START_PATH, axum::routing::post(start_in_this_tab))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(auth.clone());
                // The nonce the security middleware put in the CSP header, for the hydration script.
                let nonce = use_context::<axum::http::request::Parts>()
                    .and_then(|p| p.extensions.get::<security::CspNonce>().cloned());
                if let Some(security::CspNonce(n)) = nonce {
                    provide_context(n);
                }
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(fn_errors::map_status))
        .layer(axum::middleware::from_fn(caching::static_files))
        // Pages and server-function answers; the precompressed static files already carry a
        // Content-Encoding and pass through untouched.
        .layer(
            CompressionLayer::new()
                .compress_when(DefaultPredicate::new().and(SizeAbove::new(1024))),
        )
        .layer(axum::middleware::from_fn(limits::enforce))
        .layer(axum::middleware::from_fn_with_state(
            security::Security::new(&origin),
            security::protect,
        ))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, app.into_make_service())
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| format!("server: {e}"))
}

/// Stops on Ctrl-C or SIGTERM (what cargo-leptos, Playwright and CI send).
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

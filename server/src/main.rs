//! The demo's server: the Leptos app (SSR + server functions) with Porte mounted on it.
//!
//! Configuration comes from the environment and `.env` (see the README).

// Leptos view types nest deeply; release builds compute their layouts here.
#![recursion_limit = "256"]

use app::{shell, App};
use axum::http::{header, Extensions, HeaderMap, StatusCode, Version};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use porte::{Porte, PorteRouter};
use std::process::ExitCode;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;

mod caching;
mod edge;
mod limits;
mod memory;
mod security;

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
    let porte = Porte::from_env().map_err(|e| format!("configuration error: {e}"))?;
    porte.log_summary();
    let origin = porte.origin();
    let conf = get_configuration(None).map_err(|e| format!("leptos configuration: {e}"))?;
    let leptos_options = conf.leptos_options;
    let addr = leptos_options.site_addr;
    let routes = generate_route_list(App);
    let app = Router::new()
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            || {
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
        .fallback(leptos_axum::file_and_error_handler(shell))
        // Pages, server-function answers and files. The precompressed static files already carry
        // a Content-Encoding and pass through untouched, and answers that may not be stored are
        // left alone (see `storable`; Porte's server functions mark theirs as they run). Porte's
        // endpoints, mounted after it, are outside the layer: the completion page is `no-store`,
        // and the layer cost it some 15 k instructions for nothing.
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(SizeAbove::new(1024))
                    .and(storable),
            ),
        )
        .porte(&porte)
        .layer(axum::middleware::from_fn_with_state(
            security::Security::new(&origin),
            edge::edge,
        ))
        .with_state(leptos_options);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, app.into_make_service())
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| format!("server: {e}"))
}

/// Whether an answer may be compressed by what it says of caching: not a `no-store` one. Those are
/// Porte's (its server functions' answers and the completion page, which carry tokens): compressing
/// a secret beside text a page can influence lets the compressed length leak it (BREACH), and each
/// is read once, so the bytes saved are few. Compressing them also cost more than everything else
/// a login does on the server (`scripts/instructions`: 1.2 M instructions for one
/// `restore_session` answer, against 0.24 M without compression).
fn storable(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    !headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|directive| directive.trim().eq_ignore_ascii_case("no-store"))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn with_cache_control(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::CACHE_CONTROL, v.parse().unwrap());
        }
        headers
    }

    #[test]
    fn answers_that_may_not_be_stored_are_not_compressed() {
        let compressed = |values: &[&str]| {
            storable(
                StatusCode::OK,
                Version::HTTP_11,
                &with_cache_control(values),
                &Extensions::new(),
            )
        };
        assert!(compressed(&[]));
        assert!(compressed(&["public, max-age=60"]));
        assert!(!compressed(&["no-store"]));
        assert!(!compressed(&["private, No-Store"]));
        assert!(!compressed(&["no-cache", "no-store"]));
    }
}

//! The server: the app, its server functions, and Porte mounted on the router.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use axum::Router;
    use leptos::prelude::*;
    use leptos_axum::{generate_route_list, LeptosRoutes};
    use minimal::{shell, App};
    use porte::{Porte, PorteRouter};

    tracing_subscriber::fmt::init();
    let options = get_configuration(None)?.leptos_options;
    // Providers, origin and secret from PORTE_* and e.g. OIDC_LOCAL_* variables (see the README).
    let porte = Porte::from_env()?;
    porte.log_summary();
    let app = Router::new()
        .leptos_routes(&options, generate_route_list(App), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .porte(&porte)
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options.clone());
    let listener = tokio::net::TcpListener::bind(options.site_addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

#[cfg(not(feature = "ssr"))]
fn main() {}

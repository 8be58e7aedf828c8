//! The minimal example as a Tauri 2 desktop app. Porte's server half runs in this process on a
//! fixed loopback address, the window loads the app from it (the same origin at every launch,
//! so remembered sessions survive a restart), and a sign-in opens the user's browser, which
//! comes back to a listener of its own on `http://127.0.0.1:<any port>/callback`.
//!
//! Run it with `scripts/desktop` (the local provider, registered as a public client), or see
//! the README's "Desktop" section for a provider of your own.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod opener;

use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use minimal::{shell, App};
use porte::{Porte, PorteRouter, SystemBrowser};
use std::error::Error;
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};

/// Where the window loads the app from. Fixed: local storage and cookies belong to an origin,
/// so a new port at each launch would forget every session. Only the sign-in's redirect
/// listener takes any free port.
const ADDR: &str = "127.0.0.1:3020";

fn main() {
    tracing_subscriber::fmt::init();
    if let Err(e) = run() {
        // A sentence, not a panic: Tauri turns an error in its setup hook into one, hence no hook.
        eprintln!("desktop: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let mut app = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .build(tauri::generate_context!())?;
    start(&mut app)?;
    app.run(|_, _| {});
    Ok(())
}

/// Serves the app on [`ADDR`] and opens its window.
fn start(app: &mut tauri::App) -> Result<(), Box<dyn Error>> {
    // Per installation, never in the binary: made at the first launch, readable by this user only.
    let data = app.path().app_data_dir()?;
    std::fs::create_dir_all(&data)?;
    let key = porte::secret_key_file(data.join("porte.key"))?;
    // Providers from OIDC_<NAME>_* variables, as on the web; no client secret here: each one is
    // registered as a public client (OIDC_<NAME>_CLIENT_AUTH=none, see the README).
    let porte = Porte::builder()
        .from_env()
        .origin(format!("http://{ADDR}"))
        .secret_key(key)
        .system_browser(SystemBrowser::new(opener::system_browser(app.handle())))
        .build()?;
    porte.log_summary();
    // Bound before the window opens, so its first request finds the server.
    let listener = std::net::TcpListener::bind(ADDR)
        .map_err(|e| format!("cannot listen on {ADDR} ({e}): is the app already running?"))?;
    listener.set_nonblocking(true)?;
    let site = site();
    check_site(&site)?;
    let router = router(&porte, site);
    tauri::async_runtime::spawn(async move {
        let served = match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => axum::serve(listener, router).await,
            Err(e) => Err(e),
        };
        if let Err(e) = served {
            eprintln!("desktop: the app's server stopped: {e}");
        }
    });
    WebviewWindowBuilder::new(
        app,
        "main",
        WebviewUrl::External(format!("http://{ADDR}/").parse()?),
    )
    .title("Porte desktop")
    .inner_size(720.0, 560.0)
    .build()?;
    Ok(())
}

/// The minimal example's routes and Porte, as its own server mounts them.
fn router(porte: &Porte, options: LeptosOptions) -> Router {
    Router::new()
        .leptos_routes(&options, generate_route_list(App), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .porte(porte)
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options)
}

/// The minimal example's built site (`cargo leptos build --project minimal`): its wasm, JS and
/// CSS, read from the workspace's `target/site-minimal` and the hash file cargo-leptos leaves
/// next to this binary. `LEPTOS_SITE_ROOT` and `LEPTOS_HASH_FILE_NAME` point elsewhere; a
/// shipped app would embed them instead.
fn site() -> LeptosOptions {
    let var =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    LeptosOptions::builder()
        .output_name("minimal")
        .site_root(var(
            "LEPTOS_SITE_ROOT",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/site-minimal"),
        ))
        .site_pkg_dir("pkg")
        .hash_files(true)
        .hash_file(var("LEPTOS_HASH_FILE_NAME", "minimal-hash.txt").into())
        .site_addr(
            ADDR.parse::<std::net::SocketAddr>()
                .expect("a socket address"),
        )
        .build()
}

/// The UI's wasm named by the hash file must be there: without it the window would show a page
/// that never comes alive. Says what to build instead.
fn check_site(options: &LeptosOptions) -> Result<(), String> {
    let build =
        "build the UI with `cargo leptos build --project minimal` (same profile as this app)";
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let hash_file = exe.with_file_name(&*options.hash_file);
    let hashes = std::fs::read_to_string(&hash_file)
        .map_err(|e| format!("{}: {e}: {build}", hash_file.display()))?;
    let wasm = hashes
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(kind, _)| kind.trim() == "wasm")
        .map(|(_, hash)| format!("{}.{}.wasm", options.output_name, hash.trim()))
        .ok_or_else(|| format!("{} names no wasm: {build}", hash_file.display()))?;
    let path = std::path::Path::new(&*options.site_root)
        .join(&*options.site_pkg_dir)
        .join(wasm);
    if !path.is_file() {
        return Err(format!("{} is missing: {build}", path.display()));
    }
    Ok(())
}

//! Porte's demo: every option of the `porte` crate on one page, a consumer of its public API only.
//!
//! The crate is built twice: with `ssr` for the Axum server and with `hydrate` for the browser
//! (wasm); each forwards the same feature of `porte`.

#![recursion_limit = "256"]

pub mod assets;
pub mod components;
pub mod eager;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, ProtectedRoute, Route, Router};
use leptos_router::path;

/// `public/favicon.ico` as a data URL.
const FAVICON: &str = "data:image/x-icon;base64,AAABAAEAEBAAAAEAIABXAAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAQAAAAEAgGAAAAH/P/YQAAAB5JREFUeNpjYBhUwDr69n9i8KgBQ9YAEBgNxMFqAABoJFbcxcKYrQAAAABJRU5ErkJggg==";

/// The HTML document around the app (server side).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // One title for every page: set here, not by leptos_meta's `<Title>`, whose
                // code would weigh on the first page's wasm for nothing.
                <title>"Porte — Login with X"</title>
                <link rel="stylesheet" id="porte" href=assets::stylesheet_href(&options) />
                // The 109-byte icon inline: one request (and its headers) less on first load.
                <link rel="icon" href=FAVICON />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The app: its routes.
#[component]
pub fn App() -> impl IntoView {
    porte::Auth::provide();
    view! {
        <Router>
            // Flat: no route nests here, and the nested router's outlets and loaders weigh
            // 15 KB (brotli) more in the first page's wasm. With the `split` feature, the admin
            // page, the welcome page's claims, the signed-in cards and the "Ask the server"
            // calls are `#[lazy]`: their code leaves the first page's wasm. None runs while
            // hydrating (the server renders no sign-in, and a call waits for a click), so
            // hydration never waits for them and `hydrate_body` stays synchronous.
            // Every page is `Eager` (see `eager.rs`): 22 KB less. Not the fallbacks: wrapped, they
            // make wasm-split move 1.7 KB of the chunks' code into the first page's wasm.
            <FlatRoutes fallback=|| view! { <main class="page"><p>"Page not found."</p></main> }>
                <Route path=path!("/") view=pages::HomePage />
                <Route path=path!("/welcome") view=pages::WelcomePage />
                <ProtectedRoute path=path!("/admin") view=pages::AdminPage
                    condition=porte::in_group("local", "admins") redirect_path=|| "/"
                    fallback=|| view! { <main class="page"><p class="muted">"Checking your sign-in…"</p></main> } />
            </FlatRoutes>
        </Router>
    }
}

//! The home page: what Porte is, and the sign-in panel.

use crate::components::LoginPanel;
use leptos::prelude::*;

/// `/`
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <main class="page">
            <header class="hero">
                <h1>"Porte"</h1>
                <p class="muted">"Login with X for Rust web apps."</p>
            </header>
            <LoginPanel />
        </main>
    }
}

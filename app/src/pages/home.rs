//! The home page: what Porte is, the current sign-ins, and the sign-in card.

use crate::components::{LoginPanel, ServerSays, SignedInList};
use crate::eager::Eager;
use leptos::prelude::*;

/// `/`
#[component]
pub fn HomePage() -> impl IntoView {
    Eager(view! {
        <main class="page">
            <header class="hero">
                <h1>"Porte"</h1>
                <p class="muted">"Login with X for Rust web apps."</p>
                <nav><a href="/welcome">"Welcome page"</a>" · "<a href="/admin">"Admin"</a></nav>
            </header>
            <SignedInList />
            <LoginPanel />
            <ServerSays />
        </main>
    })
}

//! The smallest app with Porte: sign in, see who you are, ask the server for your own data.

use leptos::prelude::*;
use porte::{Auth, LoginButtons, LoginError, LoginOptions, LogoutButton, SignedIn, SignedOut};

/// The signed-in user's own data; only their browser, with their session, gets it.
#[server(client = porte::SessionClient)]
pub async fn my_profile() -> Result<String, ServerFnError> {
    let session = porte::require_session().await?;
    let email = session
        .user()
        .and_then(|u| u.email.clone())
        .unwrap_or_default();
    let groups: Vec<&str> = session.groups().iter().map(|g| g.name()).collect();
    Ok(format!(
        "{} <{email}>, groups: {}",
        session.user_id(),
        groups.join(", ")
    ))
}

#[component]
pub fn App() -> impl IntoView {
    let auth = Auth::provide();
    let profile = Action::new(|_: &()| my_profile());
    let name = move || auth.user().map(|u| u.display_name().to_owned());
    view! {
        <main>
            <h1>"Porte, minimal"</h1>
            <SignedIn fallback=|| view! { <p>"Checking your sign-in…"</p> }>
                <p>"Signed in as " {name}</p>
                <LogoutButton />
            </SignedIn>
            <LoginError />
            <SignedOut>
                // Remembered: a reload, a new tab or a restart of the desktop app keeps the sign-in.
                <LoginButtons options=|_| LoginOptions::new().remember(true) />
            </SignedOut>
            <button on:click=move |_| { profile.dispatch(()); }>"My profile"</button>
            <p role="status">
                {move || profile.value().get().map(|r| r.unwrap_or_else(|e| e.to_string()))}
            </p>
        </main>
    }
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <HydrationScripts options />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}

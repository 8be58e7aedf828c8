//! examples/minimal's page without Porte: the same shape (a signed-in and a signed-out view, a
//! button list, a logout button, a server function and its answer), so the difference in wasm
//! size between the two is what Porte adds.

use leptos::prelude::*;

/// The example's server function, with leptos' default client.
#[server]
pub async fn my_profile() -> Result<String, ServerFnError> {
    Ok("nobody".into())
}

#[component]
pub fn App() -> impl IntoView {
    let signed_in = RwSignal::new(false);
    let profile = Action::new(|_: &()| my_profile());
    view! {
        <main>
            <h1>"Porte, minimal"</h1>
            <Show when=move || signed_in.get() fallback=move || view! {
                <form method="post">
                    <button type="submit" on:click=move |_| signed_in.set(true)>"Continue with Local"</button>
                </form>
            }>
                <p>"Signed in as someone"</p>
                <button on:click=move |_| signed_in.set(false)>"Sign out"</button>
            </Show>
            <button on:click=move |_| { profile.dispatch(()); }>"My profile"</button>
            <p role="status">
                {move || profile.value().get().map(|r| r.unwrap_or_else(|e| e.to_string()))}
            </p>
        </main>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}

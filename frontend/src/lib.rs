//! The wasm entry point: hydrates the server-rendered page.

// Leptos view types nest deeply; release builds compute their layouts here.
#![recursion_limit = "256"]

/// Called by the generated JS once the wasm is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Tests wait for this marker before clicking: handlers exist only after hydration.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

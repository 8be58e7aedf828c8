//! `/admin`: only for the local provider's group `admins` — the route is guarded in the browser
//! by `porte::in_group("local", "admins")` (a `ProtectedRoute`), and its data by `require_group`
//! on the server.

use crate::components::admin_report;
use crate::eager::{Eager, IntoEagerAny};
use leptos::prelude::*;

/// `/admin`. In a split build (feature `split`) its code arrives on the first visit: a
/// `ProtectedRoute` takes a view function, not a `LazyRoute`, so the page is lazy instead.
#[component]
pub fn AdminPage() -> impl IntoView {
    Eager(view! { <Suspense>{Suspend::new(admin_page())}</Suspense> })
}

#[cfg_attr(feature = "split", lazy)]
async fn admin_page() -> AnyView {
    let report = LocalResource::new(admin_report);
    view! {
        <main class="page">
            <h1>"Admin"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Loading the report…"</p> }>
                {move || report.get().map(|r| match r {
                    Ok(text) => view! { <p data-field="admin-report">{text}</p> }.into_eager_any(),
                    Err(e) => view! { <p class="error-description" role="alert">{e.to_string()}</p> }.into_eager_any(),
                })}
            </Suspense>
            <p><a href="/">"Back"</a></p>
        </main>
    }
    .into_eager_any()
}

//! The Authgear guide's welcome page: "Welcome <name>!" with the user's and token's claims
//! pretty-printed (no access token, no session token), or "Welcome Guest" and a login link.

use crate::eager::{Eager, IntoEagerAny};
use leptos::prelude::*;
use porte::{Auth, Authorization};

/// What the page may print of a sign-in: claims and facts, never a token. In a split build
/// (feature `split`) its code, a JSON pretty-printer, arrives when first shown; the server never
/// renders it, as it renders no sign-in.
#[cfg_attr(feature = "split", lazy)]
async fn printable(a: Authorization) -> String {
    let claims = serde_json::json!({
        "provider": a.provider.id,
        "user": a.user,
        "token": {
            "token_type": a.token.token_type,
            "scope": a.token.scope,
            "expires_in": a.token.expires_in,
            "expires_at": a.token.expires_at,
            "has_refresh_token": a.token.has_refresh_token,
            "id_token_claims": a.token.id_token_claims,
        },
    });
    serde_json::to_string_pretty(&claims).unwrap_or_default()
}

/// `/welcome`
#[component]
pub fn WelcomePage() -> impl IntoView {
    let auth = Auth::expect();
    let first = move || auth.authorizations().with(|all| all.first().cloned());
    Eager(view! {
        <main class="page">
            {move || match first() {
                Some(a) => {
                    let name = a.user.as_ref().map_or_else(|| a.provider.label.clone(), |u| u.display_name().to_owned());
                    view! {
                        <h1>{format!("Welcome {name}!")}</h1>
                        <pre class="claims" data-field="claims">
                            <Suspense>{Suspend::new(printable(a))}</Suspense>
                        </pre>
                        <p><a href="/">"Back"</a></p>
                    }.into_eager_any()
                }
                None => view! {
                    <h1>"Welcome Guest"</h1>
                    <p><a href="/">"Login"</a></p>
                }.into_eager_any(),
            }}
        </main>
    })
}

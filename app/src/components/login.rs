//! The sign-in card: one button per configured provider that is not signed in yet, with the
//! demo's options (groups, how the sign-in opens), and the error banner.

use crate::auth::client::list_providers;
use crate::auth::{Auth, LoginError, LoginOptions, OpenMode, ProviderId, ProviderInfo};
use leptos::prelude::*;

/// The demo's per-provider choices: GitHub asks for `public_repo` to list repositories.
fn demo_options(provider: &ProviderId, groups: bool, open: &str, remember: bool) -> LoginOptions {
    LoginOptions {
        scope: match provider.as_str() {
            "github" => vec!["public_repo".into()],
            _ => Vec::new(),
        },
        fetch_groups: groups,
        remember_me: remember,
        open: match open {
            "same-tab" => OpenMode::SameTab,
            "new-tab" => OpenMode::NewTab,
            _ => OpenMode::Popup,
        },
        ..LoginOptions::default()
    }
}

/// The sign-in card.
#[component]
pub fn LoginPanel() -> impl IntoView {
    let auth = Auth::expect();
    let providers = Resource::new(|| (), |_| list_providers());
    let groups = RwSignal::new(true);
    let remember = RwSignal::new(false);
    let open = RwSignal::new("popup".to_owned());
    // A session that ends by itself (revoked grant, expired refresh) says why.
    auth.on_logout(move |e| {
        if let Some(reason) = e.reason {
            auth.error()
                .set(Some(LoginError::new("session_ended", Some(reason))));
        }
    });
    let signed_in = move |id: &ProviderId| {
        auth.authorizations()
            .with(|all| all.iter().any(|a| &a.provider.id == id))
    };
    view! {
        <section class="card" aria-labelledby="login-title">
            <ErrorBanner error=auth.error() />
            <h2 id="login-title">"Sign in"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading providers…"</p> }>
                {move || providers.get().map(|list| match list {
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted">"No sign-in provider is configured. Set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, or OIDC_<NAME>_ISSUER, OIDC_<NAME>_CLIENT_ID and OIDC_<NAME>_CLIENT_SECRET (see the README)."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="providers">
                            {list.into_iter().map(|p| {
                                let id = p.id.clone();
                                view! {
                                    <Show when=move || !signed_in(&id)>
                                        <LoginButton provider=p.clone() groups open remember />
                                    </Show>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="muted">{format!("Providers unavailable: {e}")}</p> }.into_any(),
                })}
            </Suspense>
            <fieldset class="options">
                <legend>"Options"</legend>
                <label><input type="checkbox" name="remember" bind:checked=remember />" Remember me"</label>
                <label><input type="checkbox" name="groups" bind:checked=groups />" Include groups"</label>
                <label><input type="radio" name="open" value="popup" bind:group=open />" Popup"</label>
                <label><input type="radio" name="open" value="same-tab" bind:group=open />" Same tab"</label>
                <label><input type="radio" name="open" value="new-tab" bind:group=open />" New tab"</label>
            </fieldset>
        </section>
    }
}

#[component]
fn LoginButton(
    provider: ProviderInfo,
    groups: RwSignal<bool>,
    open: RwSignal<String>,
    remember: RwSignal<bool>,
) -> impl IntoView {
    let auth = Auth::expect();
    let text = provider.button_text();
    let ProviderInfo { id, label } = provider;
    let waiting = format!("Waiting for {label}…");
    let this = id.clone();
    let busy = Memo::new(move |_| auth.pending().with(|p| p.as_ref() == Some(&this)));
    view! {
        <button
            type="button"
            class="login"
            data-provider=id.to_string()
            disabled=move || auth.pending().with(Option::is_some)
            aria-busy=move || busy.get().to_string()
            on:click=move |_| auth.login(id.clone(), demo_options(&id, groups.get_untracked(), &open.get_untracked(), remember.get_untracked()))
        >
            {move || if busy.get() { waiting.clone() } else { text.clone() }}
        </button>
    }
}

/// A dismissible, announced error.
#[component]
pub fn ErrorBanner(error: RwSignal<Option<LoginError>>) -> impl IntoView {
    move || {
        error.get().map(|e| view! {
            <div class="error-banner" role="alert">
                <p><strong class="error-code">{e.error.clone()}</strong></p>
                {e.description.clone().map(|d| view! { <p class="error-description">{d}</p> })}
                <button type="button" class="dismiss" on:click=move |_| error.set(None)>"Dismiss"</button>
            </div>
        })
    }
}

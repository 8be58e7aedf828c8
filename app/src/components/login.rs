//! The sign-in card: one button per configured provider that is not signed in yet, with the
//! demo's options (remember me, how the sign-in opens), and the error banner.

use leptos::prelude::*;
use porte::{use_providers, Auth, Error, LoginButton, LoginOptions, OpenMode, ProviderId};

/// The demo's per-provider choices: GitHub asks for `public_repo` to list repositories.
fn demo_options(provider: &ProviderId, choices: Choices) -> LoginOptions {
    let scope = match provider.as_str() {
        "github" => vec!["public_repo"],
        _ => Vec::new(),
    };
    let open = match choices.open.get_untracked().as_str() {
        "same-tab" => OpenMode::SameTab,
        "new-tab" => OpenMode::NewTab,
        // Flet's on_open_authorization_url: the app decides; here it shows a link.
        "link" => OpenMode::Custom(Callback::new(move |url: String| {
            choices.link.set(Some(url))
        })),
        _ => OpenMode::Popup,
    };
    LoginOptions::new()
        .scope(scope)
        .remember(choices.remember.get_untracked())
        .fall_back_to_same_tab(choices.fall_back.get_untracked())
        .open_mode(open)
}

/// The demo's login choices.
#[derive(Clone, Copy)]
struct Choices {
    remember: RwSignal<bool>,
    fall_back: RwSignal<bool>,
    open: RwSignal<String>,
    /// The authorization URL handed to the custom opener.
    link: RwSignal<Option<String>>,
}

/// The sign-in card.
#[component]
pub fn LoginPanel() -> impl IntoView {
    let auth = Auth::expect();
    let providers = use_providers();
    let choices = Choices {
        remember: RwSignal::new(false),
        fall_back: RwSignal::new(true),
        open: RwSignal::new("popup".to_owned()),
        link: RwSignal::new(None),
    };
    let Choices {
        remember,
        fall_back,
        open,
        link,
    } = choices;
    // A session that ends by itself (revoked grant, expired refresh) says why.
    auth.on_logout(move |e| {
        if let Some(reason) = e.reason {
            let code = e.code.unwrap_or(porte::ErrorCode::SessionEnded);
            auth.error().set(Some(Error::new(code, Some(reason))));
        }
    });
    let signed_in = move |id: &ProviderId| {
        auth.authorizations()
            .with(|all| all.iter().any(|a| &a.provider.id == id))
    };
    view! {
        <section class="card" aria-labelledby="login-title">
            <ErrorBanner error=auth.error() />
            {move || auth.notice().get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <h2 id="login-title">"Sign in"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading providers…"</p> }>
                {move || providers.get().map(|found| match found {
                    Ok(p) if p.list.is_empty() => view! {
                        <p class="muted">"No sign-in provider is configured. Set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, or OIDC_<NAME>_ISSUER, OIDC_<NAME>_CLIENT_ID and OIDC_<NAME>_CLIENT_SECRET (see the README)."</p>
                    }.into_any(),
                    // A plain form until the wasm takes over: each button then still starts a
                    // same-tab login through the server (progressive enhancement).
                    Ok(p) => view! {
                        <form class="providers" method="post" action=p.start_path>
                            {p.list.into_iter().map(|info| {
                                let id = info.id.clone();
                                view! {
                                    <Show when=move || !signed_in(&id)>
                                        <LoginButton provider=info.clone()
                                            options=move |id: ProviderId| demo_options(&id, choices) />
                                    </Show>
                                }
                            }).collect_view()}
                        </form>
                    }.into_any(),
                    Err(e) => view! { <p class="muted">{format!("Providers unavailable: {e}")}</p> }.into_any(),
                })}
            </Suspense>
            <fieldset class="options">
                <legend>"Options"</legend>
                <label><input type="checkbox" name="remember" bind:checked=remember />" Remember me"</label>
                <label><input type="checkbox" name="fall-back" bind:checked=fall_back />" Use this tab if pop-ups are blocked"</label>
                <label><input type="radio" name="open" value="popup" bind:group=open />" Popup"</label>
                <label><input type="radio" name="open" value="same-tab" bind:group=open />" Same tab"</label>
                <label><input type="radio" name="open" value="new-tab" bind:group=open />" New tab"</label>
                <label><input type="radio" name="open" value="link" bind:group=open />" Link (custom opener)"</label>
            </fieldset>
            {move || (auth.pending().with(Option::is_some)).then(|| link.get()).flatten().map(|url| view! {
                <p class="notice"><a href=url target="_blank" rel="opener">"Open the sign-in page"</a></p>
            })}
            <Show when=move || auth.pending().with(Option::is_some)>
                <button type="button" class="cancel" on:click=move |_| auth.cancel()>"Cancel"</button>
            </Show>
        </section>
    }
}

/// A dismissible, announced error.
#[component]
pub fn ErrorBanner(error: RwSignal<Option<Error>>) -> impl IntoView {
    move || {
        error.get().map(|e| view! {
            <div class="error-banner" role="alert">
                <p><strong class="error-code">{e.error.to_string()}</strong></p>
                {e.description.clone().map(|d| view! { <p class="error-description">{d}</p> })}
                <button type="button" class="dismiss" on:click=move |_| error.set(None)>"Dismiss"</button>
            </div>
        })
    }
}

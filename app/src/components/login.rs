//! The sign-in card: Porte's buttons (one per configured provider not signed in yet) with the
//! demo's options (remember me, how the sign-in opens), and Porte's error banner.

use leptos::prelude::*;
use porte::{Auth, LoginButtons, LoginError, LoginOptions, OpenMode, ProviderId};

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
    view! {
        <section class="card" aria-labelledby="login-title">
            <LoginError />
            {move || auth.notice().get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <h2 id="login-title">"Sign in"</h2>
            // A plain form until the wasm takes over: each button then still starts a same-tab
            // login through the server (progressive enhancement).
            <LoginButtons options=move |id: ProviderId| demo_options(&id, choices) />
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
        </section>
    }
}

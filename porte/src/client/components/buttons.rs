//! The sign-in and sign-out buttons.

use super::marks::ProviderMark;
use crate::{Auth, LoginOptions, ProviderId, ProviderInfo};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;

/// A "Continue with …" button with the provider's mark (`class="porte-login"`).
///
/// Inside a [`LoginButtons`] form (or any `<form method="post">` posting to Porte's `start`
/// path) it also works before the wasm has loaded: a click then starts a same-tab sign-in
/// through the server. Once hydrated, a click calls [`Auth::login`] with `options`. While a
/// sign-in is pending, this button shows "Waiting for …" (a second click brings the sign-in
/// window forward) and the other buttons are disabled.
#[component]
pub fn LoginButton(
    /// The provider (from [`Auth::providers`]).
    provider: ProviderInfo,
    /// The options of the sign-in, read at each click (default: [`LoginOptions::default`]).
    #[prop(optional, into)]
    options: Option<Callback<ProviderId, LoginOptions>>,
) -> impl IntoView {
    let auth = Auth::expect();
    let text = provider.button_text();
    let ProviderInfo { id, label, brand } = provider;
    let waiting = format!("Waiting for {label}…");
    let this = id.clone();
    let busy = Memo::new(move |_| auth.pending().with(|p| p.as_ref() == Some(&this)));
    view! {
        <button
            type="submit"
            name="provider"
            value=id.to_string()
            class="porte-login"
            data-provider=id.to_string()
            disabled=move || auth.pending().with(Option::is_some) && !busy.get()
            aria-busy=move || busy.get().to_string()
            on:click=move |ev| {
                ev.prevent_default();
                let chosen = options.map_or_else(LoginOptions::default, |o| o.run(id.clone()));
                auth.login(id.clone(), chosen)
            }
        >
            {move || if busy.get() {
                Either::Left(view! { <span class="porte-spinner" aria-hidden="true"></span> })
            } else {
                Either::Right(view! { <ProviderMark brand=brand.clone() /> })
            }}
            {move || if busy.get() { waiting.clone() } else { text.clone() }}
        </button>
    }
}

/// A sign-in button for every configured provider not signed in yet, in a form that works
/// before the wasm has loaded (`class="porte-providers"`), and a "Cancel" button
/// (`class="porte-cancel"`) shown while a sign-in is pending ([`Auth::cancel`]).
///
/// ```no_run
/// use leptos::prelude::*;
/// use porte::{LoginButtons, LoginOptions};
/// view! { <LoginButtons options=|_| LoginOptions::new().remember(true) /> };
/// ```
#[component]
pub fn LoginButtons(
    /// The options of each sign-in, read at each click (default: [`LoginOptions::default`]).
    #[prop(optional, into)]
    options: Option<Callback<ProviderId, LoginOptions>>,
    /// Shown when no provider is configured (default: a sentence saying so). In development the
    /// server's hint on how to configure one follows it.
    #[prop(optional, into)]
    empty: Option<ViewFn>,
) -> impl IntoView {
    let auth = Auth::expect();
    let options = options.unwrap_or_else(|| Callback::new(|_| LoginOptions::default()));
    let signed_in = move |id: &ProviderId| {
        auth.authorizations()
            .with(|all| all.iter().any(|a| &a.provider.id == id))
    };
    // The list came with the page: nothing to wait for, so no Suspense.
    match auth.providers() {
        Ok(p) if p.list.is_empty() => {
            let empty = match empty {
                Some(v) => Either::Left(v.run()),
                None => Either::Right(
                    view! { <p class="porte-muted">"No sign-in provider is configured."</p> },
                ),
            };
            // Development only (the server sends no hint in production): how to add one.
            let hint = p
                .setup_hint
                .map(|h| view! { <p class="porte-setup-hint" role="note">{h}</p> });
            EitherOf3::A(view! { {empty} {hint} })
        }
        Ok(p) => EitherOf3::B(view! {
            <form class="porte-providers" method="post" action=p.start_path>
                {p.list.into_iter().map(|info| {
                    let id = info.id.clone();
                    // Hidden rather than removed (`<Show>`): no view machinery per button.
                    view! { <LoginButton provider=info options attr:hidden=move || signed_in(&id) /> }
                }).collect_view()}
                // While a sign-in is pending: stops waiting for its window, or for the system
                // browser of a desktop app.
                <button
                    type="button"
                    class="porte-cancel"
                    hidden=move || auth.pending().with(Option::is_none)
                    on:click=move |_| auth.cancel()
                >
                    "Cancel"
                </button>
            </form>
        }),
        Err(e) => EitherOf3::C(
            view! { <p class="porte-muted" role="alert">{format!("Sign-in is unavailable: {e}")}</p> },
        ),
    }
}

/// Signs out of one provider, or of every provider (`class="porte-logout"`).
///
/// ```no_run
/// use leptos::prelude::*;
/// use porte::LogoutButton;
/// view! {
///     <LogoutButton />
///     <LogoutButton provider="github" everywhere=true>"Sign out of GitHub everywhere"</LogoutButton>
/// };
/// ```
#[component]
pub fn LogoutButton(
    /// Only this provider (default: every signed-in provider).
    #[prop(optional, into)]
    provider: Option<String>,
    /// Also end the provider's own session (RP-initiated logout), as [`Auth::logout_with`].
    #[prop(optional)]
    everywhere: bool,
    /// The button's content (default: "Sign out").
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let auth = Auth::expect();
    let label = children.map_or(Either::Left("Sign out"), |c| Either::Right(c()));
    view! {
        <button type="button" class="porte-logout" on:click=move |_| {
            let ids: Vec<ProviderId> = match provider.as_deref().map(ProviderId::parse) {
                Some(Ok(id)) => vec![id],
                Some(Err(_)) => Vec::new(),
                None => auth.authorizations().get_untracked().into_iter().map(|a| a.provider.id).collect(),
            };
            for id in ids {
                auth.logout_with(&id, everywhere);
            }
        }>
            {label}
        </button>
    }
}

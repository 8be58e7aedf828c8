//! [`SignedIn`] and [`SignedOut`]: content for one state, a fallback while it is unknown.
//!
//! The session tokens live in the browser, so the server cannot tell who is signed in when it
//! renders the page: both render their `fallback` on the server and on the first render in the
//! browser (so hydration matches), then, once stored sessions are restored, the state that holds.
//! Nothing protected is ever in the server's HTML; protect the data itself with
//! [`require_session`](crate::require_session) in the server functions that load it.

use crate::Auth;
use leptos::either::EitherOf3;
use leptos::prelude::*;

/// Shows its children while signed in (with `provider`, when given), the `fallback` while the
/// sign-in state is not known yet, and nothing when signed out.
///
/// ```no_run
/// use leptos::prelude::*;
/// use porte::{Auth, SignedIn, SignedOut, LoginButtons, LogoutButton};
///
/// #[component]
/// fn Header() -> impl IntoView {
///     let auth = Auth::expect();
///     view! {
///         <SignedIn fallback=|| view! { <p>"Loading…"</p> }>
///             <p>"Hello " {move || auth.user().map(|u| u.display_name().to_owned())}</p>
///             <LogoutButton />
///         </SignedIn>
///         <SignedOut>
///             <LoginButtons />
///         </SignedOut>
///     }
/// }
/// ```
#[component]
pub fn SignedIn<C: IntoView + 'static>(
    /// What to show while signed in.
    children: TypedChildrenFn<C>,
    /// Only a sign-in with this provider counts (default: any).
    #[prop(optional, into)]
    provider: Option<String>,
    /// What to show while stored sessions are being restored (default: nothing).
    #[prop(optional, into)]
    fallback: ViewFn,
) -> impl IntoView {
    shown_while(true, provider, children, fallback)
}

/// Shows its children while signed out (of `provider`, when given), the `fallback` while the
/// sign-in state is not known yet, and nothing when signed in.
#[component]
pub fn SignedOut<C: IntoView + 'static>(
    /// What to show while signed out.
    children: TypedChildrenFn<C>,
    /// Signed out of this provider (default: of every provider).
    #[prop(optional, into)]
    provider: Option<String>,
    /// What to show while stored sessions are being restored (default: nothing).
    #[prop(optional, into)]
    fallback: ViewFn,
) -> impl IntoView {
    shown_while(false, provider, children, fallback)
}

/// The children while signed in with `provider` is `signed_in`, the fallback while unknown.
fn shown_while<C: IntoView + 'static>(
    signed_in: bool,
    provider: Option<String>,
    children: TypedChildrenFn<C>,
    fallback: ViewFn,
) -> impl IntoView {
    let auth = Auth::expect();
    let state = Memo::new(move |_| auth.signed_in_with(provider.as_deref()));
    let children = children.into_inner();
    move || match state.get() {
        Some(now) if now == signed_in => EitherOf3::A(children()),
        None => EitherOf3::B(fallback.run()),
        Some(_) => EitherOf3::C(()),
    }
}

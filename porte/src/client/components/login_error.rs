//! Why a sign-in failed, or why a session ended without the user asking.

use crate::Auth;
use leptos::prelude::*;

/// The last sign-in's error (`access_denied`, `popup_closed`, …) or the reason a session ended
/// by itself (the provider revoked the grant, it expired, it was ended elsewhere), announced to
/// screen readers (`role="alert"`) with a Dismiss button. Renders nothing otherwise.
///
/// Markup for your stylesheet: `div.porte-error` holding `.porte-error-code`,
/// `.porte-error-description` and `button.porte-dismiss`. It reads and clears
/// [`Auth::error`], so an app may also set that signal to show its own errors here.
///
/// ```no_run
/// use leptos::prelude::*;
/// use porte::{LoginButtons, LoginError};
/// view! { <LoginError /> <LoginButtons /> };
/// ```
#[component]
pub fn LoginError() -> impl IntoView {
    let error = Auth::expect().error();
    move || {
        error.get().map(|e| {
            view! {
                <div class="porte-error" role="alert">
                    <p><strong class="porte-error-code">{e.error.to_string()}</strong></p>
                    {e.description.map(|d| view! { <p class="porte-error-description">{d}</p> })}
                    <button type="button" class="porte-dismiss" on:click=move |_| error.set(None)>
                        "Dismiss"
                    </button>
                </div>
            }
        })
    }
}

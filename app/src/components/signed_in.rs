//! One signed-in provider: avatar, name, the user's fields, groups, token facts, Logout; and the
//! GitHub demo's repository list.

use crate::components::repos::Repositories;
use crate::eager::IntoEagerAny;
use leptos::prelude::*;
use porte::{Auth, Authorization, LogoutButton, UserProfile};

/// A card per current sign-in.
#[component]
pub fn SignedInList() -> impl IntoView {
    let auth = Auth::expect();
    fetch_cards_during_sign_in(auth);
    view! {
        <For
            each=move || auth.authorizations().get()
            key=|a| (a.provider.id.clone(), a.sealed.as_str().to_owned())
            children=move |a| view! { <Suspense>{Suspend::new(signed_in_card(a))}</Suspense> }
        />
    }
}

/// A card. In a split build (feature `split`) its code arrives with the first sign-in shown: a
/// page that opens signed out does not carry it.
#[cfg_attr(feature = "split", lazy)]
async fn signed_in_card(authorization: Authorization) -> AnyView {
    view! { <SignedInCard authorization /> }.into_eager_any()
}

/// A sign-in under way: fetch the cards' code meanwhile, so its card shows as soon as it ends.
#[cfg(feature = "split")]
fn fetch_cards_during_sign_in(auth: Auth) {
    Effect::new(move || {
        if auth.pending().with(Option::is_some) {
            let _ = lazy_preload!(signed_in_card);
        }
    });
}

/// One wasm: the cards' code is already here.
#[cfg(not(feature = "split"))]
fn fetch_cards_during_sign_in(_: Auth) {}

#[component]
fn SignedInCard(authorization: Authorization) -> impl IntoView {
    let Authorization {
        provider,
        token,
        user,
        sealed,
        ..
    } = authorization.clone();
    // Which session token this card shows (tests compare tabs by it); its tail is enough.
    let fingerprint: String = sealed.as_str().chars().rev().take(12).collect();
    let field = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    let user_view = user.clone().map(|u: UserProfile| {
        let email = u.email.as_ref().map(|e| match u.email_verified {
            Some(true) => format!("{e} (verified)"),
            _ => format!("{e} (not verified)"),
        });
        view! {
            {u.picture.clone().map(|src| view! { <img class="avatar" src=src alt="" width="64" height="64" /> })}
            <h2>"Signed in as " {u.display_name().to_owned()}</h2>
            <dl class="details">
                <dt>"Provider"</dt><dd data-field="provider">{u.provider.to_string()}</dd>
                <dt>"User id"</dt><dd data-field="id">{u.id.clone()}</dd>
                <dt>"Username"</dt><dd data-field="username">{field(u.preferred_username.clone())}</dd>
                <dt>"E-mail"</dt><dd data-field="email">{field(email)}</dd>
                <dt>"Groups"</dt>
                <dd data-field="groups">
                    <ul class="chips">
                        {u.groups.iter().map(|g| view! { <li class="chip" title=g.id.clone()>{g.name().to_owned()}</li> }).collect_view()}
                    </ul>
                </dd>
            </dl>
        }
    });
    let scope = token.scope.join(" ");
    let expires = expiry_countdown(token.expires_at, token.expires_in);
    let id = provider.id.to_string();
    let is_github = provider.id.as_str() == "github";
    view! {
        <section class="card signed-in" data-provider=provider.id.to_string() data-token=fingerprint aria-label=format!("Signed in with {}", provider.label)>
            <span class="badge">{provider.label.clone()}</span>
            {match user_view {
                Some(v) => v.into_eager_any(),
                None => view! { <h2>"Signed in with " {provider.label.clone()}</h2> }.into_eager_any(),
            }}
            <dl class="details token">
                <dt>"Scopes"</dt><dd data-field="scope">{scope}</dd>
                <dt>"Access token"</dt><dd data-field="expires" aria-live="off">{expires}</dd>
                <dt>"Refresh token"</dt><dd data-field="refresh">{if token.has_refresh_token { "held by the server (sealed)" } else { "none" }}</dd>
            </dl>
            {is_github.then(|| view! { <Repositories /> })}
            <div class="actions">
                <LogoutButton provider=id.clone()>"Logout"</LogoutButton>
                <LogoutButton provider=id everywhere=true>"Logout everywhere"</LogoutButton>
            </div>
        </section>
    }
    .into_eager_any()
}

/// "expires in 42 s · issued 12:03:05 UTC", ticking every second in the browser; a refresh
/// replaces the card, so the issue time moving forward is the refresh showing.
fn expiry_countdown(expires_at: Option<u64>, expires_in: Option<u64>) -> impl IntoView {
    let now = RwSignal::new(None::<u64>);
    Effect::new(move |_| {
        let tick = move || now.set(Some((js_sys::Date::now() / 1000.0) as u64));
        tick();
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
    });
    move || match (expires_at, expires_in, now.get()) {
        (None, _, _) | (_, None, _) => "does not expire".to_owned(),
        (Some(_), Some(life), None) => format!("{life} s at sign-in"),
        (Some(at), Some(life), Some(n)) => {
            let issued = at.saturating_sub(life);
            let left = match at.checked_sub(n) {
                Some(s) if s > 0 => format!("expires in {s} s"),
                _ => "expired, refreshing".to_owned(),
            };
            format!(
                "{left} · issued {:02}:{:02}:{:02} UTC",
                issued / 3600 % 24,
                issued / 60 % 60,
                issued % 60
            )
        }
    }
}

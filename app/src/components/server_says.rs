//! "Ask the server": the app's own server functions, protected by Porte. The browser sends the
//! session with each call (`porte::SessionClient`); the server opens it with
//! `porte::require_session` and answers with what it proved, or a clear error.

use crate::eager::IntoEagerAny;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the server knows about the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhoAmI {
    /// The provider's id.
    pub provider: String,
    /// The user's id at the provider.
    pub user_id: String,
    /// The name to greet.
    pub name: String,
    /// The user's groups (their names).
    pub groups: Vec<String>,
}

/// Who is signed in, as the server sees it.
#[server(client = porte::SessionClient, endpoint = "whoami")]
pub async fn whoami() -> Result<WhoAmI, porte::Error> {
    let session = porte::require_session().await?;
    Ok(WhoAmI {
        provider: session.provider().id.to_string(),
        user_id: session.user_id().to_owned(),
        name: session.user().map_or_else(
            || session.user_id().to_owned(),
            |u| u.display_name().to_owned(),
        ),
        groups: session
            .groups()
            .iter()
            .map(|g| g.name().to_owned())
            .collect(),
    })
}

/// A report only one group may read: `DEMO_ADMIN_GROUP` as `<provider>:<group id>`, by default
/// the local provider's `admins` (e.g. `azure:<tenant id>/<group object id>` for an Entra group).
#[server(client = porte::SessionClient, endpoint = "admin_report")]
pub async fn admin_report() -> Result<String, porte::Error> {
    let admins = std::env::var("DEMO_ADMIN_GROUP").unwrap_or_else(|_| "local:admins".into());
    let (provider, group) = admins.split_once(':').unwrap_or(("local", "admins"));
    let session = porte::require_group(provider, group).await?;
    Ok(format!(
        "{} admins report: all systems nominal.",
        session.user().map_or("The", |u| u.display_name())
    ))
}

/// Whether the provider's access token is fresh. A function that calls the provider needs it
/// to be and says so with `access_token()?`: `token_expired` otherwise, which SessionClient
/// answers by refreshing and calling again when the sign-in has a refresh token. The session
/// itself (who is signed in) does not depend on it.
#[server(client = porte::SessionClient, endpoint = "provider_token")]
pub async fn provider_token() -> Result<String, porte::Error> {
    let session = porte::require_session().await?;
    session.access_token()?;
    Ok(format!("The {} token is fresh.", session.provider().label))
}

/// Which protected function a button calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Question {
    WhoAmI,
    AdminReport,
    ProviderToken,
}

/// The answer as the card shows it: its text, or the error's.
type Answer = Result<String, String>;

/// Calls one protected function. In a split build (feature `split`) the calls' code (each
/// function's client, its answer's reader) arrives with the first click, or meanwhile once
/// someone is signed in: a page that is only looked at does not carry it.
#[cfg_attr(feature = "split", lazy)]
async fn ask(question: Question) -> Answer {
    let answer = match question {
        Question::WhoAmI => whoami().await.map(|w| {
            format!(
                "You are {} ({} at {}); groups: {}",
                w.name,
                w.user_id,
                w.provider,
                w.groups.join(", ")
            )
        }),
        Question::AdminReport => admin_report().await,
        Question::ProviderToken => provider_token().await,
    };
    answer.map_err(|e| e.to_string())
}

/// Someone is signed in: fetch the calls' code meanwhile, so the first click only waits for
/// the server.
#[cfg(feature = "split")]
fn fetch_calls_when_signed_in() {
    let auth = porte::Auth::expect();
    Effect::new(move || {
        if auth.signed_in_with(None) == Some(true) {
            let _ = lazy_preload!(ask);
        }
    });
}

/// One wasm: the calls' code is already here.
#[cfg(not(feature = "split"))]
fn fetch_calls_when_signed_in() {}

/// What came back from one button: its text under `data-field` = `field`, or its error's under
/// `error_field`.
fn answer_view(
    answer: Action<(), Answer>,
    field: &'static str,
    error_field: &'static str,
) -> impl IntoView {
    move || {
        answer.value().get().map(|r| match r {
            Ok(text) => view! { <p data-field=field>{text}</p> }.into_eager_any(),
            Err(e) => view! {
                <p class="error-description" data-field=error_field role="alert">{e}</p>
            }
            .into_eager_any(),
        })
    }
}

/// Buttons that call the protected functions, and what came back.
#[component]
pub fn ServerSays() -> impl IntoView {
    fetch_calls_when_signed_in();
    let who = Action::new(|_: &()| ask(Question::WhoAmI));
    let report = Action::new(|_: &()| ask(Question::AdminReport));
    let token = Action::new(|_: &()| ask(Question::ProviderToken));
    view! {
        <section class="card" aria-labelledby="server-title">
            <h2 id="server-title">"Ask the server"</h2>
            <div class="actions">
                <button type="button" on:click=move |_| { who.dispatch(()); }>"Who am I?"</button>
                <button type="button" on:click=move |_| { report.dispatch(()); }>"Admin report"</button>
                <button type="button" on:click=move |_| { token.dispatch(()); }>"Provider token"</button>
            </div>
            {answer_view(who, "whoami", "whoami-error")}
            {answer_view(report, "admin-report", "admin-error")}
            {answer_view(token, "provider-token", "provider-token-error")}
        </section>
    }
}

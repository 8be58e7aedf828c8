//! "My repositories": the GitHub demo calls GitHub's API from the server with the user's access
//! token, through the session the browser sent (`porte::SessionClient`); the browser never
//! handles a refresh token or a secret.

use crate::eager::IntoEagerAny;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One repository, as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repo {
    /// `owner/name`.
    pub full_name: String,
    /// Web page.
    pub html_url: String,
    /// Private or public.
    pub private: bool,
    /// Description.
    pub description: Option<String>,
}

/// The signed-in GitHub user's repositories, most recently updated first.
#[server(client = porte::SessionClient, endpoint = "list_repositories")]
pub async fn list_repositories() -> Result<Vec<Repo>, porte::Error> {
    let session = porte::require_session_for("github").await?;
    let body = session
        .api_get("user/repos?per_page=100&sort=updated")
        .await?;
    serde_json::from_value(body).map_err(|e| {
        porte::Error::new(
            porte::ErrorCode::ProviderApiFailed,
            Some(format!("unexpected repository list: {e}")),
        )
    })
}

/// The button and the list.
#[component]
pub fn Repositories() -> impl IntoView {
    let load = Action::new(|_: &()| list_repositories());
    view! {
        <div class="repos">
            <button type="button" on:click=move |_| { load.dispatch(()); }>"My repositories"</button>
            {move || load.value().get().map(|result| match result {
                Ok(repos) => view! {
                    <ul class="repo-list" aria-label="Repositories">
                        {repos.into_iter().map(|r| view! {
                            <li><a href=r.html_url rel="noopener noreferrer" target="_blank">{r.full_name}</a>
                                {r.private.then_some(" (private)")}
                                {r.description.map(|d| view! { <span class="muted">" — " {d}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_eager_any(),
                Err(e) => view! { <p class="error-description" role="alert">{e.to_string()}</p> }.into_eager_any(),
            })}
        </div>
    }
}

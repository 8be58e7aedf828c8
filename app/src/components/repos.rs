//! "My repositories": the GitHub demo calls GitHub's API from the server with the user's token,
//! opened from the sealed session token; the browser never handles a refresh token or secret.

use crate::auth::{Authorization, LoginError, SealedToken};
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
#[server(endpoint = "list_repositories", input = leptos::server_fn::codec::Json)]
pub async fn list_repositories(sealed: SealedToken) -> Result<Vec<Repo>, LoginError> {
    let cookies = crate::auth::client::request_cookies().await;
    let body = crate::auth::client::auth_state()?
        .api_get(
            &sealed,
            cookies.as_deref(),
            "user/repos?per_page=100&sort=updated",
        )
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "repository list failed");
            LoginError::from(e)
        })?;
    serde_json::from_value(body).map_err(|e| {
        LoginError::new(
            "provider_api_failed",
            Some(format!("unexpected repository list: {e}")),
        )
    })
}

/// The button and the list.
#[component]
pub fn Repositories(authorization: Authorization) -> impl IntoView {
    let load = Action::new(move |sealed: &SealedToken| list_repositories(sealed.clone()));
    let sealed = authorization.sealed.clone();
    view! {
        <div class="repos">
            <button type="button" on:click=move |_| { load.dispatch(sealed.clone()); }>"My repositories"</button>
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
                }.into_any(),
                Err(e) => view! { <p class="error-description" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </div>
    }
}

//! The sign-in panel: one button per configured provider, the signed-in view, and the server
//! functions they call.

use crate::auth::browser::{await_completion, LoginWindow};
use crate::auth::{LoginError, LoginStart, ProviderId, ProviderInfo, UserProfile};
use leptos::prelude::*;

/// The providers configured on the server, for the sign-in buttons.
#[server]
pub async fn list_providers() -> Result<Vec<ProviderInfo>, LoginError> {
    let auth = use_context::<crate::auth::server::AuthState>()
        .ok_or_else(|| LoginError::new("server_error", Some("auth is not set up".into())))?;
    Ok(auth.providers())
}

/// Starts a login with `provider`: returns the authorization URL and sets the encrypted flow
/// cookie. JSON input: browsers cannot send it cross-site without a CORS preflight.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn start_login(provider: String) -> Result<LoginStart, LoginError> {
    use axum::http::{header::SET_COOKIE, HeaderValue};
    let auth = use_context::<crate::auth::server::AuthState>()
        .ok_or_else(|| LoginError::new("server_error", Some("auth is not set up".into())))?;
    let id = ProviderId::parse(&provider)
        .map_err(|e| LoginError::new("unknown_provider", Some(e.to_string())))?;
    let (start, cookie) = auth.start_login(&id).await.map_err(|e| {
        tracing::warn!(error = %e, "login could not start");
        LoginError::from(e)
    })?;
    let value = HeaderValue::from_str(&cookie.encoded().to_string())
        .map_err(|e| LoginError::new("server_error", Some(e.to_string())))?;
    expect_context::<leptos_axum::ResponseOptions>().append_header(SET_COOKIE, value);
    Ok(start)
}

/// The page's login state.
#[derive(Clone, Copy)]
struct LoginState {
    user: RwSignal<Option<UserProfile>>,
    error: RwSignal<Option<LoginError>>,
    pending: RwSignal<Option<ProviderId>>,
}

impl LoginState {
    /// Opens the popup synchronously (we are in the click), then asks the server for the URL.
    fn begin(self, provider: ProviderId) {
        if self.pending.get_untracked().is_some() {
            return;
        }
        self.error.set(None);
        let Some(window) = LoginWindow::open() else {
            self.error.set(Some(LoginError::new(
                "popup_blocked",
                Some("The browser blocked the sign-in window. Allow pop-ups for this site and try again.".into()),
            )));
            return;
        };
        self.pending.set(Some(provider.clone()));
        leptos::task::spawn_local(async move {
            match start_login(provider.to_string()).await {
                Ok(start) => {
                    window.navigate(&start.authorization_url);
                    await_completion(window, start.state, move |completion| {
                        self.pending.set(None);
                        match completion.outcome {
                            Ok(user) => self.user.set(Some(user)),
                            Err(error) => self.error.set(Some(error)),
                        }
                    });
                }
                Err(error) => {
                    window.close();
                    self.pending.set(None);
                    self.error.set(Some(error));
                }
            }
        });
    }
}

/// The sign-in card, or the signed-in user's card.
#[component]
pub fn LoginPanel() -> impl IntoView {
    let state = LoginState {
        user: RwSignal::new(None),
        error: RwSignal::new(None),
        pending: RwSignal::new(None),
    };
    let providers = Resource::new(|| (), |_| list_providers());
    view! {
        <section class="card" aria-labelledby="login-title">
            <ErrorBanner error=state.error />
            <Show
                when=move || state.user.with(Option::is_some)
                fallback=move || view! {
                    <h2 id="login-title">"Sign in"</h2>
                    <Suspense fallback=|| view! { <p class="muted">"Loading providers…"</p> }>
                        {move || providers.get().map(|list| match list {
                            Ok(list) if list.is_empty() => view! {
                                <p class="muted">"No sign-in provider is configured. Set OIDC_<NAME>_ISSUER, OIDC_<NAME>_CLIENT_ID and OIDC_<NAME>_CLIENT_SECRET (see the README)."</p>
                            }.into_any(),
                            Ok(list) => view! {
                                <div class="providers">
                                    {list.into_iter().map(|p| view! { <LoginButton provider=p state /> }).collect_view()}
                                </div>
                            }.into_any(),
                            Err(e) => view! { <p class="muted">{format!("Providers unavailable: {e}")}</p> }.into_any(),
                        })}
                    </Suspense>
                }
            >
                <SignedIn state />
            </Show>
        </section>
    }
}

#[component]
fn LoginButton(provider: ProviderInfo, state: LoginState) -> impl IntoView {
    let text = provider.button_text();
    let ProviderInfo { id, label } = provider;
    let waiting = format!("Waiting for {label}…");
    let this = id.clone();
    let busy = Memo::new(move |_| state.pending.with(|p| p.as_ref() == Some(&this)));
    view! {
        <button
            type="button"
            class="login"
            data-provider=id.to_string()
            disabled=move || state.pending.with(Option::is_some)
            aria-busy=move || busy.get().to_string()
            on:click=move |_| state.begin(id.clone())
        >
            {move || if busy.get() { waiting.clone() } else { text.clone() }}
        </button>
    }
}

#[component]
fn SignedIn(state: LoginState) -> impl IntoView {
    let user = move || state.user.get();
    let field = move |f: fn(&UserProfile) -> Option<String>| {
        move || user().as_ref().and_then(f).unwrap_or_else(|| "—".into())
    };
    view! {
        <div class="signed-in">
            {move || user().and_then(|u| u.picture).map(|src| view! { <img class="avatar" src=src alt="" width="64" height="64" /> })}
            <h2 id="login-title">"Signed in as " {move || user().map(|u| u.display_name().to_owned())}</h2>
            <dl class="details">
                <dt>"Provider"</dt><dd data-field="provider">{field(|u| Some(u.provider.to_string()))}</dd>
                <dt>"User id"</dt><dd data-field="id">{field(|u| Some(u.id.clone()))}</dd>
                <dt>"Username"</dt><dd data-field="username">{field(|u| u.preferred_username.clone())}</dd>
                <dt>"E-mail"</dt><dd data-field="email">{field(|u| u.email.as_ref().map(|e| match u.email_verified {
                    Some(true) => format!("{e} (verified)"),
                    _ => format!("{e} (not verified)"),
                }))}</dd>
                <dt>"Groups"</dt>
                <dd data-field="groups">
                    <ul class="chips">
                        {move || user().map(|u| u.groups).unwrap_or_default().into_iter().map(|g| view! { <li class="chip">{g}</li> }).collect_view()}
                    </ul>
                </dd>
            </dl>
            <button type="button" class="logout" on:click=move |_| state.user.set(None)>"Logout"</button>
        </div>
    }
    .into_any()
}

#[component]
fn ErrorBanner(error: RwSignal<Option<LoginError>>) -> impl IntoView {
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

//! The server half of the auth library (feature `ssr`): configuration, providers, the flow
//! cookie and the OAuth redirect endpoint. Client secrets and keys never leave this module tree.

mod config;
mod error;
mod flow_cookie;
mod oidc;
mod redirect;

pub use config::{AppSecret, AuthConfig, ClientSecret, ConfigError, OidcProviderConfig};
pub use error::AuthError;
pub use flow_cookie::{unix_now, FlowCookies, PendingLogin, FLOW_TTL_SECS};
pub use oidc::{ExtraMetadata, Metadata, OidcProvider};
pub use redirect::{oauth_redirect, RedirectQuery};

use crate::auth::{Completion, LoginStart, ProviderId, ProviderInfo};
use cookie::Cookie;
use std::sync::Arc;

/// Everything the login endpoints need, shared by all requests (cheap to clone).
///
/// ```
/// use app::auth::server::{AuthConfig, AuthState};
/// let auth = AuthState::new(AuthConfig::from_vars([]).unwrap()).unwrap();
/// assert!(auth.providers().is_empty());
/// ```
#[derive(Clone)]
pub struct AuthState(Arc<Inner>);

struct Inner {
    config: AuthConfig,
    providers: Vec<OidcProvider>,
    cookies: FlowCookies,
    http: reqwest::Client,
}

impl AuthState {
    /// Builds the state; fails only if the HTTP client cannot be created.
    pub fn new(config: AuthConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            // Never follow redirects: a hostile endpoint must not bounce the client secret or
            // a code elsewhere (oauth2-rs docs: SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(15))
            .user_agent(concat!("Porte/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let cookies = FlowCookies::new(config.secret.as_ref(), config.is_https());
        let providers = config
            .providers
            .iter()
            .cloned()
            .map(OidcProvider::new)
            .collect();
        Ok(Self(Arc::new(Inner {
            config,
            providers,
            cookies,
            http,
        })))
    }

    /// Whether `APP_SECRET_KEY` was given (else the cookie key is random for this process).
    pub fn has_configured_secret(&self) -> bool {
        self.0.config.secret.is_some()
    }

    /// The configured providers, for the sign-in buttons.
    pub fn providers(&self) -> Vec<ProviderInfo> {
        self.0
            .providers
            .iter()
            .map(|p| ProviderInfo {
                id: p.id().clone(),
                label: p.label().to_owned(),
            })
            .collect()
    }

    fn provider(&self, id: &ProviderId) -> Result<&OidcProvider, AuthError> {
        self.0
            .providers
            .iter()
            .find(|p| p.id() == id)
            .ok_or_else(|| AuthError::UnknownProvider(id.clone()))
    }

    /// Starts a login with `provider`: the URL to open and the `Set-Cookie` holding its secrets.
    pub async fn start_login(
        &self,
        provider: &ProviderId,
    ) -> Result<(LoginStart, Cookie<'static>), AuthError> {
        let redirect_uri = self.0.config.redirect_uri();
        let (authorization_url, flow) = self
            .provider(provider)?
            .start(&self.0.http, &redirect_uri)
            .await?;
        let cookie = self.0.cookies.seal(&flow);
        Ok((
            LoginStart {
                authorization_url,
                state: flow.state,
            },
            cookie,
        ))
    }

    /// Finishes the flow named by the redirect's `state`. Returns the result for the page, and
    /// the `Set-Cookie` that deletes the flow cookie (so the `state` cannot be used again).
    pub async fn complete_login(
        &self,
        query: &RedirectQuery,
        cookie_header: Option<&str>,
    ) -> (Completion, Option<Cookie<'static>>) {
        let Some(state) = query.state.clone() else {
            return (
                Completion {
                    state: None,
                    outcome: Err(AuthError::NoLoginPending.into()),
                },
                None,
            );
        };
        let removal = self.0.cookies.removal(&state);
        let outcome = match self.0.cookies.open(cookie_header, &state) {
            Some(flow) => self.finish(query, &flow).await,
            None => Err(AuthError::NoLoginPending),
        };
        if let Err(e) = &outcome {
            tracing::warn!(error = %e, "login not completed");
        }
        let completion = Completion {
            state: Some(state),
            outcome: outcome.map_err(Into::into),
        };
        (completion, Some(removal))
    }

    async fn finish(
        &self,
        query: &RedirectQuery,
        flow: &PendingLogin,
    ) -> Result<crate::auth::UserProfile, AuthError> {
        let provider = self.provider(&flow.provider)?;
        let meta = provider.metadata(&self.0.http).await?;
        OidcProvider::check_response_issuer(&meta, query.iss.as_deref())?;
        if let Some(error) = &query.error {
            return Err(AuthError::Provider {
                error: error.clone(),
                description: query.error_description.clone(),
            });
        }
        let code = query.code.as_deref().ok_or(AuthError::MissingCode)?;
        let user = provider
            .finish(
                &self.0.http,
                &meta,
                &self.0.config.redirect_uri(),
                code,
                flow,
            )
            .await?;
        tracing::info!(provider = %flow.provider, "login completed");
        Ok(user)
    }
}

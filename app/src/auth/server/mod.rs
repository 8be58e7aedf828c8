//! The server half of the auth library (feature `ssr`): configuration, providers, the flow
//! cookie, the session token and the OAuth redirect endpoint. Client secrets and keys never
//! leave this module tree.

pub mod api;
pub mod binding;
mod config;
pub mod discovery;
mod error;
pub mod flet_crypto;
mod flow_cookie;
#[cfg(test)]
mod fuzz_tests;
pub mod id_token;
mod login;
pub mod logout;
mod plain_start;
mod profile;
pub mod providers;
mod redirect;
pub mod return_path;
pub mod session;
mod sessions;
mod token;

pub use config::{AppSecret, AuthConfig, ClientSecret, ConfigError, Vars};
pub use error::AuthError;
pub use flow_cookie::{unix_now, FlowCookies, PendingLogin, FLOW_TTL_SECS};
pub use login::{check_response_issuer, Provider};
pub use plain_start::{start_in_this_tab, StartForm, START_PATH};
pub use redirect::{logged_out, oauth_redirect, RedirectQuery};
pub use sessions::{LoggedOut, LOGGED_OUT_PATH};
pub use token::TokenSet;

use crate::auth::{
    Authorization, Completion, LoginRequest, LoginStart, ProviderId, ProviderInfo, SealedToken,
    TokenInfo,
};
use binding::BrowserBinding;
use cookie::Cookie;
use session::{Sealer, SessionData};
use std::sync::Arc;

/// The longest custom completion page accepted (it travels in the flow cookie).
pub const MAX_COMPLETE_PAGE_HTML: usize = 2048;

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
    providers: Vec<Provider>,
    cookies: FlowCookies,
    sealer: Sealer,
    http: reqwest::Client,
}

/// A finished redirect: what the completion page shows and does.
pub struct Finished {
    /// The result, for the page that started the login.
    pub completion: Completion,
    /// Deletes the flow cookie.
    pub removal: Option<Cookie<'static>>,
    /// Same-tab logins: where to go next.
    pub return_to: Option<String>,
    /// The login's custom completion page body.
    pub page_html: Option<String>,
    /// Sets the browser binding cookie when the browser had none.
    pub binding_cookie: Option<Cookie<'static>>,
}

impl AuthState {
    /// Builds the state; fails only if the HTTP client cannot be created.
    pub fn new(config: AuthConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            // Never follow redirects: a hostile endpoint must not bounce the client secret or
            // a code elsewhere (oauth2-rs docs: SSRF).
            .redirect(reqwest::redirect::Policy::none())
            // The login-wide deadline (`within`) reports first; this only stops a request that
            // outlives it.
            .timeout(config.provider_timeout + std::time::Duration::from_secs(1))
            .connect_timeout(config.provider_timeout)
            // Below the common 5 s keep-alive of servers (Node, Apache): reusing a connection the
            // provider is closing at that moment fails the request ("connection reset").
            .pool_idle_timeout(std::time::Duration::from_secs(4))
            .user_agent(concat!("Porte/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let cookies = FlowCookies::new(config.secret.as_ref(), config.is_https());
        let sealer = Sealer::new(config.secret.as_ref(), &config.previous_secrets);
        let providers = config
            .providers
            .iter()
            .cloned()
            .map(Provider::new)
            .collect();
        Ok(Self(Arc::new(Inner {
            config,
            providers,
            cookies,
            sealer,
            http,
        })))
    }

    /// Whether `APP_SECRET_KEY` was given (else the keys are random for this process).
    pub fn has_configured_secret(&self) -> bool {
        self.0.config.secret.is_some()
    }

    /// The configured providers, for the sign-in buttons.
    pub fn providers(&self) -> Vec<ProviderInfo> {
        self.0.providers.iter().map(info).collect()
    }

    fn provider(&self, id: &ProviderId) -> Result<&Provider, AuthError> {
        self.0
            .providers
            .iter()
            .find(|p| &p.spec.id == id)
            .ok_or_else(|| AuthError::UnknownProvider(id.clone()))
    }

    /// Starts a login: the URL to open and the `Set-Cookie` holding the flow's secrets.
    pub async fn start_login(
        &self,
        request: &LoginRequest,
    ) -> Result<(LoginStart, Cookie<'static>), AuthError> {
        if request
            .complete_page_html
            .as_ref()
            .is_some_and(|h| h.len() > MAX_COMPLETE_PAGE_HTML)
        {
            return Err(AuthError::InvalidRequest(format!(
                "complete_page_html is longer than {MAX_COMPLETE_PAGE_HTML} bytes"
            )));
        }
        let return_to = request.return_to.as_deref().map(|raw| {
            return_path::safe_return_path(raw).unwrap_or_else(|| {
                tracing::warn!("refused a return path that is not a same-origin path");
                "/".to_owned()
            })
        });
        let redirect_uri = self.0.config.redirect_uri();
        let provider = self.provider(&request.provider)?;
        let (authorization_url, flow) = self
            .within(provider.start(&self.0.http, &redirect_uri, request, return_to))
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

    /// Finishes the flow named by the redirect's `state`, and deletes its cookie (so the
    /// `state` cannot be used again).
    pub async fn complete_login(
        &self,
        query: &RedirectQuery,
        cookie_header: Option<&str>,
    ) -> Finished {
        let Some(state) = query.state.clone() else {
            return Finished {
                completion: Completion {
                    state: None,
                    outcome: Err(AuthError::NoLoginPending.into()),
                },
                removal: None,
                return_to: None,
                page_html: None,
                binding_cookie: None,
            };
        };
        let secure = self.0.config.is_https();
        let known = BrowserBinding::from_cookie_header(cookie_header, secure);
        let binding = known.clone().unwrap_or_else(BrowserBinding::generate);
        let removal = self.0.cookies.removal(&state);
        let flow = self.0.cookies.open(cookie_header, &state);
        let outcome = match &flow {
            Some(flow) => self.finish(query, flow, &binding).await,
            None => Err(AuthError::NoLoginPending),
        };
        if let Err(e) = &outcome {
            tracing::warn!(error = %e, "login not completed");
        }
        let (return_to, page_html) = flow
            .map(|f| (f.return_to, f.complete_page_html))
            .unwrap_or_default();
        Finished {
            completion: Completion {
                state: Some(state),
                outcome: outcome.map_err(Into::into),
            },
            removal: Some(removal),
            return_to,
            page_html,
            binding_cookie: known.is_none().then(|| binding.cookie(secure)),
        }
    }

    async fn finish(
        &self,
        query: &RedirectQuery,
        flow: &PendingLogin,
        binding: &BrowserBinding,
    ) -> Result<Authorization, AuthError> {
        let provider = self.provider(&flow.provider)?;
        let redirect_uri = self.0.config.redirect_uri();
        let data = self
            .within(provider.finish(&self.0.http, &redirect_uri, query, flow))
            .await?;
        tracing::info!(provider = %flow.provider, "login completed");
        let sealed = self.0.sealer.seal(&data, binding);
        self.authorization(&data, sealed)
    }

    /// Runs one exchange with the provider under `APP_PROVIDER_TIMEOUT_SECS`, so a provider
    /// that hangs gives the user `provider_timeout` instead of a spinner.
    async fn within<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, AuthError>>,
    ) -> Result<T, AuthError> {
        let limit = self.0.config.provider_timeout;
        tokio::time::timeout(limit, work)
            .await
            .unwrap_or(Err(AuthError::ProviderTimeout(limit)))
    }

    fn authorization(
        &self,
        data: &SessionData,
        sealed: SealedToken,
    ) -> Result<Authorization, AuthError> {
        let provider = info(self.provider(&data.provider)?);
        let t = &data.token;
        Ok(Authorization {
            provider,
            token: TokenInfo {
                access_token: t.access_token.clone(),
                token_type: t.token_type.clone(),
                scope: t.scope.clone(),
                expires_in: t.expires_in,
                expires_at: t.expires_at,
                has_refresh_token: t.refresh_token.is_some(),
                id_token_claims: data.id_token_claims.clone(),
            },
            user: data.user.clone(),
            sealed,
        })
    }
}

fn info(p: &Provider) -> ProviderInfo {
    ProviderInfo {
        id: p.spec.id.clone(),
        label: p.spec.label.clone(),
        brand: p.spec.brand.to_owned(),
    }
}

//! [`Session`]: the signed-in user of one request, as app code sees it — provider, user,
//! groups (re-read from the provider when they are older than their maximum age), token facts,
//! and the provider's API with the stored access token.

use crate::server::clock::now;
use crate::server::error::AuthError;
use crate::server::http::refusal::{Refusal, Renewal};
use crate::server::session::binding::BrowserBinding;
use crate::server::session::check;
use crate::server::session::seal::SessionData;
use crate::server::{oauth::api, Porte};
use crate::{Error, ErrorCode, Group, ProviderInfo, SealedToken, TokenInfo, UserProfile};

/// The signed-in user of one request: provider, user, groups, token facts, and the provider's
/// API with the stored access token.
///
/// In a server function (with `#[server(client = porte::SessionClient)]`):
///
/// ```no_run
/// use leptos::prelude::*;
///
/// #[server(client = porte::SessionClient)]
/// pub async fn my_email() -> Result<Option<String>, porte::Error> {
///     let session = porte::require_session().await?;
///     Ok(session.user().and_then(|u| u.email.clone()))
/// }
/// ```
///
/// In an Axum handler (the browser must send the `x-porte-session` header, as
/// `SessionClient` does):
///
/// ```no_run
/// async fn me(session: porte::Session) -> String {
///     format!("signed in with {} as {}", session.provider().label, session.user_id())
/// }
/// async fn maybe(session: Option<porte::Session>) -> &'static str {
///     if session.is_some() { "hello" } else { "who are you?" }
/// }
/// ```
///
/// The session is the user's identity, proven at sign-in; it lasts until its own expiry, whether
/// or not the provider's access token is still fresh. Only what uses that token
/// ([`Session::access_token`], [`Session::api_get`]) needs it fresh.
#[derive(Clone)]
pub struct Session {
    pub(super) porte: Porte,
    pub(super) provider: ProviderInfo,
    pub(super) data: SessionData,
    pub(super) sealed: SealedToken,
    pub(super) binding: BrowserBinding,
    pub(super) renewal: Option<Renewal>,
    /// The ID token's `sub`, read from the claims at the first [`Session::user_id`] that needs
    /// it (they are kept as JSON text).
    pub(super) sub: std::sync::OnceLock<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("provider", &self.provider.id)
            .field("user", &self.user_id())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// The provider the user signed in with.
    pub fn provider(&self) -> &ProviderInfo {
        &self.provider
    }

    /// The user, as the provider described them (absent when an OpenID login did not fetch it).
    pub fn user(&self) -> Option<&UserProfile> {
        self.data.user.as_ref()
    }

    /// The provider's stable user id (`sub`, GitHub's numeric id, Entra's `oid`); the ID token's
    /// `sub` when the user was not fetched. Never empty: a provider without ID tokens always
    /// has its profile fetched, and an ID token without `sub` is refused.
    pub fn user_id(&self) -> &str {
        self.data
            .user
            .as_ref()
            .map(|u| u.id.as_str())
            .unwrap_or_else(|| {
                self.sub.get_or_init(|| {
                    let claims = self.data.id_token_claims.as_ref();
                    let sub = claims.and_then(|c| c.get("sub"));
                    sub.and_then(|s| s.as_str().map(str::to_owned))
                        .unwrap_or_default()
                })
            })
    }

    /// The user's groups at this provider, as the server last read them (see
    /// [`Session::require_group`] for how fresh they are).
    pub fn groups(&self) -> &[Group] {
        self.data.user.as_ref().map_or(&[], |u| &u.groups)
    }

    /// Whether the groups read from the provider include the one with id `group`, and were read
    /// within the groups' maximum age: `false` for older ones (fail closed). To authorize, use
    /// [`Session::require_group`], which reads stale groups again and says why it refuses.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups_fresh() && self.groups().iter().any(|g| g.id == group)
    }

    /// This session if the user is in the group with id `group` at its provider, else
    /// `forbidden` (403) saying why. Groups older than the configured maximum age (15 minutes by
    /// default) are read from the provider again first, so a removal takes effect within that
    /// time even for sessions that never refresh; a session whose access token expired gets
    /// `token_expired` (the browser refreshes, which reads them again, and retries).
    pub async fn require_group(mut self, group: &str) -> Result<Self, Error> {
        let result = async {
            self.check_groups_kept(group)?;
            if !self.groups_fresh() {
                self.read_groups_again().await?;
            }
            if self.in_group(group) {
                Ok(())
            } else {
                Err(Refusal::from(Error::new(
                    ErrorCode::Forbidden,
                    Some(format!("This needs membership of the group {group}.")),
                )))
            }
        }
        .await;
        match result {
            Ok(()) => Ok(self),
            Err(refusal) => {
                refusal.respond();
                Err(refusal.error)
            }
        }
    }

    /// The provider's access token, for calling its API yourself; `token_expired` (401) once it
    /// has expired: [`SessionClient`](crate::SessionClient) then refreshes it and calls again,
    /// and a sign-in without a refresh token says it must sign in again. Call it first in a
    /// server function that needs the provider's token to be fresh.
    pub fn access_token(&self) -> Result<&str, Error> {
        self.fresh_token().map_err(|refusal| {
            refusal.respond();
            refusal.error
        })
    }

    /// The token facts (no refresh token: it never leaves the seal).
    pub fn token(&self) -> TokenInfo {
        TokenInfo::from(&self.data)
    }

    /// Unix time of the sign-in.
    pub fn signed_in_at(&self) -> u64 {
        self.data.lifetime.signed_in_at
    }

    /// When the session ends: its sign-in time and its absolute and idle expiries.
    pub fn times(&self) -> crate::SessionTimes {
        check::times(&self.porte, &self.data)
    }

    /// The session token this request carried.
    pub fn sealed(&self) -> &SealedToken {
        &self.sealed
    }

    /// `GET <provider API>/<path>` with the access token (GitHub's API, Microsoft Graph; see
    /// [`ProviderSpec::with_api_base`](crate::providers::ProviderSpec::with_api_base)). An
    /// expired or refused token is `token_expired`: the browser refreshes it and calls again.
    pub async fn api_get(&self, path: &str) -> Result<serde_json::Value, Error> {
        let token = self.access_token()?;
        let base = self
            .porte
            .provider(&self.data.provider)?
            .spec
            .api_base
            .clone()
            .ok_or_else(|| AuthError::Api(format!("{} has no API configured", self.provider.id)))?;
        if path.contains("://") || path.starts_with("//") || path.contains("..") {
            return Err(AuthError::InvalidRequest("the API path must be relative".into()).into());
        }
        let url = format!("{base}/{}", path.trim_start_matches('/'));
        let call = async {
            match api::get_json(self.porte.http(), &url, token).await {
                Ok((body, _)) => Ok(body),
                Err(api::ApiError::Unauthorized { .. }) => Err(AuthError::TokenExpired),
                Err(e) => Err(AuthError::Api(e.to_string())),
            }
        };
        self.porte.within(call).await.map_err(|e| {
            tracing::warn!(provider = %self.provider.id, error = %e, "provider API call failed");
            let refusal = self.refused(e);
            refusal.respond();
            refusal.error
        })
    }

    /// The access token while it is fresh; else `token_expired`, saying whether a refresh can
    /// help.
    fn fresh_token(&self) -> Result<&str, Refusal> {
        let token = &self.data.token;
        if !token.expired(now()) {
            Ok(token.access_token.secret())
        } else if token.refresh_token.is_some() {
            Err(self.refused(AuthError::TokenExpired))
        } else {
            Err(self.refused(AuthError::NoRefreshToken))
        }
    }

    /// Whether the server keeps `group` for this provider at all (a configuration mistake is
    /// said plainly, to the user and in the log).
    fn check_groups_kept(&self, group: &str) -> Result<(), Refusal> {
        let spec = &self.porte.provider(&self.data.provider)?.spec;
        let label = &self.provider.label;
        let why = if !spec.reads_groups() {
            format!(
                "Groups are not read for {label}: the app's server must enable them \
                 (ProviderSpec::with_groups, or the provider's _GROUPS variable)."
            )
        } else if !spec.read_groups.keeps(group) {
            format!(
                "The group {group} is not among the groups the app's server keeps for {label} \
                 (ProviderSpec::with_groups, or the provider's _GROUPS variable)."
            )
        } else if self.data.user.is_none() {
            "This sign-in has no profile to read groups for. Sign in again.".to_owned()
        } else {
            return Ok(());
        };
        tracing::warn!(provider = %self.provider.id, group, "group check refused: {why}");
        Err(self.refused(AuthError::GroupsUnavailable(why)))
    }

    /// Whether the groups were read recently enough to be trusted.
    fn groups_fresh(&self) -> bool {
        let max_age = self.porte.config().groups_max_age;
        self.data
            .groups_read_at
            .is_some_and(|at| now() < at.saturating_add(max_age))
    }

    /// Reads the groups from the provider again (with the access token), and renews the session
    /// with them.
    async fn read_groups_again(&mut self) -> Result<(), Refusal> {
        // The access token is stale: a refresh reads the groups again (the browser retries
        // after it); without a refresh token nothing can.
        let expired = |this: &Self| match this.data.token.refresh_token {
            Some(_) => this.refused(AuthError::TokenExpired),
            None => this.refused(AuthError::GroupsUnavailable(
                "Your groups could not be checked again: this sign-in's access token expired \
                 and cannot be refreshed. Sign in again."
                    .into(),
            )),
        };
        if self.data.token.expired(now()) {
            return Err(expired(self));
        }
        let provider = self.porte.provider(&self.data.provider)?;
        let read = provider.with_groups(self.porte.http(), self.data.clone());
        match self.porte.within(read).await {
            Ok(data) => {
                self.data = data;
                self.renew(true);
                Ok(())
            }
            Err(AuthError::TokenExpired) => Err(expired(self)),
            Err(e) => {
                tracing::warn!(provider = %self.provider.id, error = %e, "groups could not be read again");
                Err(self.refused(e))
            }
        }
    }

    /// A session used long enough after its last seal (or changed, `force`) goes back to the
    /// browser sealed again with a later idle expiry (`x-porte-renewed`), which SessionClient
    /// keeps.
    pub(crate) fn renew(&self, force: bool) {
        let Some(renewal) = &self.renewal else {
            return;
        };
        if !force && !check::wants_renewal(&self.porte, &self.data) {
            return;
        }
        let data = check::used(&self.porte, self.data.clone());
        if let Ok(sealed) = check::seal(&self.porte, &data, &self.binding) {
            let idle_until = check::times(&self.porte, &data).idle_until;
            renewal.keep(&self.provider.id, sealed.as_str(), idle_until);
        }
    }

    fn refused(&self, e: AuthError) -> Refusal {
        Refusal {
            error: e.into(),
            provider: Some(self.provider.id.clone()),
        }
    }
}

//! Who is signed in, on the server: [`require_session`] in a server function, or [`Session`] as
//! an Axum extractor. The browser sends its sealed session tokens with each call made through
//! [`SessionClient`](crate::SessionClient) (header `x-porte-session`); the binding cookie proves
//! the call comes from the browser the tokens were sealed for.

use crate::server::clock::now;
use crate::server::error::AuthError;
use crate::server::http::refusal::{Refusal, Renewal};
use crate::server::session::binding::BrowserBinding;
use crate::server::session::check;
use crate::server::session::lifecycle;
use crate::server::session::seal::SessionData;
use crate::server::{oauth::api, Porte};
use crate::{
    Error, ErrorCode, Group, ProviderId, ProviderInfo, SealedToken, TokenInfo, UserProfile,
};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::{header, request::Parts, Method};
use axum::response::{IntoResponse, Response};

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
    porte: Porte,
    provider: ProviderInfo,
    data: SessionData,
    sealed: SealedToken,
    binding: BrowserBinding,
    renewal: Option<Renewal>,
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
            .or_else(|| {
                let claims = self.data.id_token_claims.as_ref()?;
                claims.get("sub")?.as_str()
            })
            .unwrap_or_default()
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
    fn renew(&self, force: bool) {
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

/// The signed-in session of the server function being run, from any provider (the first the
/// browser sent); `not_signed_in` (401) without one, `invalid_session` (401) for a token of
/// another browser, altered, or sealed under an old key no longer configured,
/// `session_expired` / `session_ended` (401) for one that is over. On failure the response gets
/// that status, whatever error type your function returns.
pub async fn require_session() -> Result<Session, Error> {
    in_server_fn(None).await
}

/// [`require_session`], for one provider when the user signed in with several.
pub async fn require_session_for(provider: &str) -> Result<Session, Error> {
    let id = ProviderId::parse(provider)
        .map_err(|e| Error::new(ErrorCode::InvalidRequest, Some(e.to_string())))?;
    in_server_fn(Some(&id)).await
}

/// The session with `provider`, whose user must be in the group with id `group` there
/// (`forbidden`, 403, otherwise): another provider's group of the same name never counts. See
/// [`Group`] for each provider's ids and [`Session::require_group`] for freshness.
///
/// ```no_run
/// # use leptos::prelude::*;
/// #[server(client = porte::SessionClient)]
/// pub async fn admin_report() -> Result<String, porte::Error> {
///     let admin = porte::require_group("corp", "admins").await?;
///     Ok(format!("hello {}", admin.user_id()))
/// }
/// ```
pub async fn require_group(provider: &str, group: &str) -> Result<Session, Error> {
    require_session_for(provider)
        .await?
        .require_group(group)
        .await
}

/// The session when one was sent; `None` when signed out. A token that was sent but cannot be
/// used is still an error.
pub async fn optional_session() -> Result<Option<Session>, Error> {
    match require_session().await {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.error == ErrorCode::NotSignedIn => Ok(None),
        Err(e) => Err(e),
    }
}

async fn in_server_fn(which: Option<&ProviderId>) -> Result<Session, Error> {
    let found = match leptos::prelude::use_context::<Parts>() {
        None => Err(Refusal::from(not_mounted("outside a request"))),
        Some(parts) => match porte_of(&parts) {
            Ok(porte) => session_from_parts(&porte, &parts, which).await,
            Err(e) => Err(e.into()),
        },
    };
    match found {
        Ok(session) => Ok(session),
        Err(refusal) => {
            refusal.respond();
            Err(refusal.error)
        }
    }
}

fn not_mounted(detail: &str) -> Error {
    Error::new(
        ErrorCode::ServerError,
        Some(format!(
            "Porte is not mounted ({detail}): add `.porte(&porte)` to the Axum router after \
             `leptos_routes`"
        )),
    )
}

/// The `Porte` that [`PorteRouter::porte`](crate::PorteRouter::porte) put into the request.
pub(crate) fn porte_of(parts: &Parts) -> Result<Porte, Error> {
    parts
        .extensions
        .get::<Porte>()
        .cloned()
        .ok_or_else(|| not_mounted("no Porte in the request"))
}

/// Opens the session the request carries (for `which` provider, or the first one), and renews
/// it when the use moved its idle expiry far enough.
pub(crate) async fn session_from_parts(
    porte: &Porte,
    parts: &Parts,
    which: Option<&ProviderId>,
) -> Result<Session, Refusal> {
    if parts.method != Method::GET
        && !crate::server::http::middleware::same_site(&parts.headers, porte)
    {
        return Err(crate::server::http::middleware::cross_site_error().into());
    }
    let sessions = crate::server::sent_sessions(parts);
    let chosen = match which {
        Some(id) => sessions.into_iter().find(|(p, _)| p == id),
        None => sessions.into_iter().next(),
    };
    let Some((claimed, sealed)) = chosen else {
        let what = which.map_or_else(String::new, |p| format!(" with {p}"));
        let error = Error::new(
            ErrorCode::NotSignedIn,
            Some(format!("Sign in{what} first.")),
        );
        return Err(error.into());
    };
    let cookies = parts
        .headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok());
    let refused = |e: AuthError| Refusal {
        error: e.into(),
        provider: Some(claimed.clone()),
    };
    let binding = lifecycle::binding(porte, cookies).map_err(refused)?;
    let data = check::open_alive(porte, &sealed, &binding)
        .await
        .map_err(refused)?;
    if data.provider != claimed {
        return Err(refused(AuthError::Session(
            "the token is another provider's".into(),
        )));
    }
    let provider = porte.provider(&data.provider)?.info();
    let session = Session {
        porte: porte.clone(),
        provider,
        data,
        sealed,
        binding,
        renewal: parts.extensions.get::<Renewal>().cloned(),
    };
    session.renew(false);
    Ok(session)
}

/// Rejects with the error's status, its JSON body and the `x-porte-error` header.
impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let porte = porte_of(parts).map_err(IntoResponse::into_response)?;
        session_from_parts(&porte, parts, None)
            .await
            .map_err(IntoResponse::into_response)
    }
}

/// `None` when no session was sent; a session that was sent but cannot be used is rejected.
impl<S: Send + Sync> OptionalFromRequestParts<S> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        let porte = porte_of(parts).map_err(IntoResponse::into_response)?;
        match session_from_parts(&porte, parts, None).await {
            Ok(s) => Ok(Some(s)),
            Err(r) if r.error.error == ErrorCode::NotSignedIn => Ok(None),
            Err(r) => Err(r.into_response()),
        }
    }
}

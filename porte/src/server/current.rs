//! Who is signed in, on the server: [`require_session`] in a server function, or [`Session`] as
//! an Axum extractor. The browser sends its sealed session tokens with each call made through
//! [`SessionClient`](crate::SessionClient) (header `x-porte-session`); the binding cookie proves
//! the call comes from the browser the tokens were sealed for.

use super::error::AuthError;
use super::session::SessionData;
use super::{api, Porte};
use crate::session_header::{ERROR_HEADER, PROVIDER_HEADER, RENEWED_HEADER};
use crate::{Error, ErrorCode, ProviderId, ProviderInfo, SealedToken, TokenInfo, UserProfile};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::{header, request::Parts, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

/// The signed-in user of one request: provider, user, token facts, and the provider's API with
/// the stored access token.
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
#[derive(Clone)]
pub struct Session {
    porte: Porte,
    provider: ProviderInfo,
    data: SessionData,
    sealed: SealedToken,
    binding: super::binding::BrowserBinding,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("provider", &self.provider.id)
            .field("user", &self.data.user.as_ref().map(|u| &u.id))
            .finish_non_exhaustive()
    }
}

impl Session {
    /// The provider the user signed in with.
    pub fn provider(&self) -> &ProviderInfo {
        &self.provider
    }

    /// The user, as the provider described them (absent when the login did not fetch it).
    pub fn user(&self) -> Option<&UserProfile> {
        self.data.user.as_ref()
    }

    /// The provider's stable user id (`sub`, GitHub's numeric id, Entra's `oid`); the ID token's
    /// `sub` when the user was not fetched.
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

    /// The user's groups (fetched when the login asked for them).
    pub fn groups(&self) -> &[String] {
        self.data.user.as_ref().map_or(&[], |u| &u.groups)
    }

    /// Whether the user is in `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups().iter().any(|g| g == group)
    }

    /// This session if the user is in `group`, else `forbidden` (HTTP 403).
    pub fn require_group(self, group: &str) -> Result<Self, Error> {
        if self.in_group(group) {
            Ok(self)
        } else {
            Err(Error::new(
                ErrorCode::Forbidden,
                Some(format!("This needs membership of the group {group}.")),
            ))
        }
    }

    /// The token facts (no refresh token: it never leaves the seal).
    pub fn token(&self) -> TokenInfo {
        TokenInfo::from(&self.data)
    }

    /// The provider's access token, for calling its API yourself.
    pub fn access_token(&self) -> &str {
        &self.data.token.access_token
    }

    /// Unix time of the sign-in.
    pub fn signed_in_at(&self) -> u64 {
        self.data.lifetime.signed_in_at
    }

    /// When the session ends: its sign-in time and its absolute and idle expiries.
    pub fn times(&self) -> crate::SessionTimes {
        crate::SessionTimes::from(&self.data.lifetime)
    }

    /// The session token this request carried.
    pub fn sealed(&self) -> &SealedToken {
        &self.sealed
    }

    /// `GET <provider API>/<path>` with the access token (GitHub's API, Microsoft Graph; see
    /// [`ProviderSpec::with_api_base`](crate::providers::ProviderSpec::with_api_base)). A refused
    /// token is `token_expired`: the browser refreshes it and calls again.
    pub async fn api_get(&self, path: &str) -> Result<serde_json::Value, Error> {
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
            match api::get_json(&self.porte.0.http, &url, self.access_token()).await {
                Ok((body, _)) => Ok(body),
                Err(api::ApiError::Unauthorized { .. }) => Err(AuthError::TokenExpired),
                Err(e) => Err(AuthError::Api(e.to_string())),
            }
        };
        self.porte.within(call).await.map_err(|e| {
            tracing::warn!(provider = %self.provider.id, error = %e, "provider API call failed");
            e.into()
        })
    }
}

/// The signed-in session of the server function being run, from any provider; `not_signed_in`
/// (401) without one, `invalid_session` (401) for a token of another browser, altered, or sealed
/// under an unknown key, `token_expired` (401) when its access token expired. On failure the
/// response gets that status, whatever error type your function returns.
pub async fn require_session() -> Result<Session, Error> {
    in_server_fn(None).await
}

/// [`require_session`], for one provider when the user signed in with several.
pub async fn require_session_for(provider: &str) -> Result<Session, Error> {
    let id = ProviderId::parse(provider)
        .map_err(|e| Error::new(ErrorCode::InvalidRequest, Some(e.to_string())))?;
    in_server_fn(Some(&id)).await
}

/// [`require_session`], and the user must be in `group` (`forbidden`, 403, otherwise).
pub async fn require_group(group: &str) -> Result<Session, Error> {
    let session = require_session().await?;
    session
        .require_group(group)
        .inspect_err(|e| respond_with(&Refusal::from(e.clone())))
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
        Some(parts) => match Porte::of(&parts) {
            Ok(porte) => session_from_parts(&porte, &parts, which).await,
            Err(e) => Err(e.into()),
        },
    };
    match found {
        Ok(session) => {
            renew(&session);
            Ok(session)
        }
        Err(refusal) => {
            respond_with(&refusal);
            Err(refusal.error)
        }
    }
}

/// A session used long enough after its last seal goes back to the browser sealed again with a
/// later idle expiry (`x-porte-renewed: <provider>=<token>;<idle expiry>`), which
/// `SessionClient` keeps.
fn renew(session: &Session) {
    if !session.porte.wants_renewal(&session.data) {
        return;
    }
    let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let data = session.porte.used(session.data.clone());
    let sealed = session.porte.0.sealer.seal(&data, &session.binding);
    let value = format!(
        "{}={};{}",
        session.provider.id,
        sealed.as_str(),
        data.lifetime.idle_until
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        options.insert_header(header::HeaderName::from_static(RENEWED_HEADER), v);
    }
}

/// Why a request's session was refused, and for which provider (the browser refreshes that one
/// on `token_expired`).
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) error: Error,
    pub(crate) provider: Option<ProviderId>,
}

impl From<Error> for Refusal {
    fn from(error: Error) -> Self {
        Self {
            error,
            provider: None,
        }
    }
}

impl From<AuthError> for Refusal {
    fn from(e: AuthError) -> Self {
        Self::from(Error::from(e))
    }
}

impl Refusal {
    fn headers(&self) -> Vec<(header::HeaderName, HeaderValue)> {
        let code = HeaderValue::from_str(self.error.error.as_str()).ok();
        let provider = self
            .provider
            .as_ref()
            .and_then(|p| HeaderValue::from_str(p.as_str()).ok());
        [(ERROR_HEADER, code), (PROVIDER_HEADER, provider)]
            .into_iter()
            .filter_map(|(name, v)| Some((header::HeaderName::from_static(name), v?)))
            .collect()
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let headers = self.headers();
        let mut response = self.error.into_response();
        response.headers_mut().extend(headers);
        response
    }
}

/// Gives the server function's response the refusal's status and headers.
fn respond_with(refusal: &Refusal) {
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let status = StatusCode::from_u16(refusal.error.status());
        options.set_status(status.unwrap_or(StatusCode::UNAUTHORIZED));
        for (name, value) in refusal.headers() {
            options.insert_header(name, value);
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

impl Porte {
    /// The `Porte` that [`PorteRouter::porte`](crate::PorteRouter::porte) put into the request.
    pub(crate) fn of(parts: &Parts) -> Result<Porte, Error> {
        parts
            .extensions
            .get::<Porte>()
            .cloned()
            .ok_or_else(|| not_mounted("no Porte in the request"))
    }
}

/// Opens the session the request carries (for `which` provider, or the first one).
pub(crate) async fn session_from_parts(
    porte: &Porte,
    parts: &Parts,
    which: Option<&ProviderId>,
) -> Result<Session, Refusal> {
    if parts.method != Method::GET && !super::protect::same_site(&parts.headers, porte) {
        return Err(super::protect::cross_site_error().into());
    }
    let sessions = super::sent_sessions(parts);
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
    let binding = porte.binding(cookies).map_err(refused)?;
    let data = porte.open_alive(&sealed, &binding).await.map_err(refused)?;
    if data.provider != claimed {
        return Err(refused(AuthError::Session(
            "the token is another provider's".into(),
        )));
    }
    let now = super::flow_cookie::unix_now().max(0) as u64;
    if data.token.expires_at.is_some_and(|at| at <= now) {
        return Err(refused(AuthError::TokenExpired));
    }
    let provider = porte.provider(&data.provider)?.info();
    Ok(Session {
        porte: porte.clone(),
        provider,
        data,
        sealed,
        binding,
    })
}

/// Rejects with the error's status, its JSON body and the `x-porte-error` header.
impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let porte = Porte::of(parts).map_err(IntoResponse::into_response)?;
        session_from_parts(&porte, parts, None)
            .await
            .map_err(IntoResponse::into_response)
    }
}

/// `None` when no session was sent; a session that was sent but cannot be used is rejected.
impl<S: Send + Sync> OptionalFromRequestParts<S> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        let porte = Porte::of(parts).map_err(IntoResponse::into_response)?;
        match session_from_parts(&porte, parts, None).await {
            Ok(s) => Ok(Some(s)),
            Err(r) if r.error.error == ErrorCode::NotSignedIn => Ok(None),
            Err(r) => Err(r.into_response()),
        }
    }
}

/// An error as an HTTP response: its status, the JSON body Porte's client reads, and the code
/// in a header (`x-porte-error`) so a client can act on it without reading the body.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let code = HeaderValue::from_str(self.error.as_str()).ok();
        let mut response = (status, axum::Json(&self)).into_response();
        if let Some(code) = code {
            response
                .headers_mut()
                .insert(header::HeaderName::from_static(ERROR_HEADER), code);
        }
        response
    }
}

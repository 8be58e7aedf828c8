//! Who is signed in, on the server: [`require_session`] in a server function, or [`Session`] as
//! an Axum extractor. The browser sends its sealed session tokens with each call made through
//! [`SessionClient`](crate::SessionClient) (header `x-porte-session`); the binding cookie proves
//! the call comes from the browser the tokens were sealed for.

use crate::server::error::AuthError;
use crate::server::http::refusal::{Refusal, Renewal};
use crate::server::http::server_fn::{not_mounted, porte_of};
use crate::server::http::session::Session;
use crate::server::session::check;
use crate::server::session::lifecycle;
use crate::server::Porte;
use crate::{Error, ErrorCode, ProviderId};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::{header, request::Parts, Method};
use axum::response::{IntoResponse, Response};

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
/// [`Group`](crate::Group) for each provider's ids and [`Session::require_group`] for freshness.
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
        sub: Default::default(),
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

//! What happens to a session token after the login: restore (remember me), refresh, and logout
//! (revocation at the provider and in the revocation store, a new browser binding, RP-initiated
//! logout). Every one of them opens the token with the browser binding from the request's
//! cookies, so a copied token fails; restore and refresh also count as a use of the session.

use crate::server::login::flow;
use crate::server::login::provider::Provider;
use crate::server::oauth::rp_logout::{logout_url, LogoutRequest};
use crate::server::secret::Secret;
use crate::server::session::binding::BrowserBinding;
use crate::server::session::check;
use crate::server::session::seal::{Receipt, SessionData};
use crate::server::{AuthError, Porte};
use crate::{Authorization, SealedToken};
use cookie::{Cookie, SameSite};
use rand::RngCore;

/// The cookie holding the `state` of an RP-initiated logout.
pub const LOGOUT_STATE_COOKIE: &str = "porte_logout";
/// The logout cookie's value when the provider returns without a `state` (Auth0's
/// `/v2/logout`, whose `returnTo` must match a registered URL exactly): the cookie alone then
/// shows the logout started in this browser.
const NO_STATE: &str = "-";

/// The result of a logout on the server.
pub(crate) struct LoggedOut {
    /// Where to send the browser to end the provider session, when asked and possible.
    pub provider_logout_url: Option<String>,
    /// The `Set-Cookie` holding that redirect's `state`.
    pub state_cookie: Option<Cookie<'static>>,
    /// The revocation store could not record the end: a receipt to present again.
    pub unrecorded: Option<SealedToken>,
    /// Whether the browser gets a new binding (not when only a receipt was presented again).
    pub rebind: bool,
}

/// Opens a saved session token (Flet's `saved_token`) and returns its authorization, sealed
/// again with a later idle expiry.
pub(crate) async fn restore(
    porte: &Porte,
    sealed: &SealedToken,
    cookie_header: Option<&str>,
) -> Result<Authorization, AuthError> {
    let binding = binding(porte, cookie_header)?;
    let data = check::used(porte, check::open_alive(porte, sealed, &binding).await?);
    let sealed = check::seal(porte, &data, &binding)?;
    flow::authorization(porte, &data, sealed)
}

/// Refreshes the access token; the new session token replaces the old one (with the rotated
/// refresh token, or the old one when the provider sent none). Only the provider's own
/// answer that the grant is gone ends the session, on every instance; if that end cannot be
/// recorded, the refresh fails as an outage (the browser keeps the session and tries again)
/// rather than leaving a session the provider ended usable elsewhere.
pub(crate) async fn refresh(
    porte: &Porte,
    sealed: &SealedToken,
    cookie_header: Option<&str>,
) -> Result<Authorization, AuthError> {
    let binding = binding(porte, cookie_header)?;
    let data = check::open_alive(porte, sealed, &binding).await?;
    let provider = porte.provider(&data.provider)?;
    let redirect_uri = porte.config().redirect_uri();
    let refreshed = porte
        .within(provider.refresh(porte.http(), &redirect_uri, &data))
        .await;
    let fresh = match refreshed {
        Ok(fresh) => check::used(porte, fresh),
        Err(e) => return Err(refresh_failed(porte, &data, e).await),
    };
    tracing::info!(provider = %data.provider, "token refreshed");
    let sealed = check::seal(porte, &fresh, &binding)?;
    flow::authorization(porte, &fresh, sealed)
}

/// What a failed refresh means: the grant ended (the session is revoked everywhere), the
/// app's own credentials refused (the operator's mistake: loud, no session ended), or a
/// passing failure.
async fn refresh_failed(porte: &Porte, data: &SessionData, e: AuthError) -> AuthError {
    let provider = &data.provider;
    if e.ends_grant() {
        tracing::warn!(provider = %provider, error = %e, "the provider ended the grant: session revoked");
        if let Err(store) = check::revoke_session(porte, &data.lifetime).await {
            return store;
        }
    } else if e.is_client_misconfigured() {
        tracing::error!(
            provider = %provider,
            error = %e,
            "the provider refused this app's client credentials: check its client id and \
             secret (a rotated secret?); no session was ended"
        );
    } else if e == AuthError::NoRefreshToken {
        tracing::debug!(provider = %provider, "refresh asked of a sign-in without a refresh token");
    } else {
        tracing::warn!(provider = %provider, error = %e, "refresh failed");
    }
    e
}

/// Logout on the server: the session's end recorded in the revocation store, its tokens
/// revoked at the provider (best effort), and when `provider_logout` is asked, the URL that
/// ends the provider's session too. `sealed` may also be a receipt of an earlier logout whose
/// end could not be recorded: the record is tried again.
pub(crate) async fn logout(
    porte: &Porte,
    sealed: &SealedToken,
    cookie_header: Option<&str>,
    provider_logout: bool,
) -> Result<LoggedOut, AuthError> {
    if let Ok(receipt) = porte.sealer().open_receipt(sealed) {
        let recorded = check::revoke_id(porte, &receipt.session_id, receipt.expires_at).await;
        if recorded.is_ok() {
            tracing::info!("a logout recorded on a later attempt");
        }
        return Ok(LoggedOut {
            provider_logout_url: None,
            state_cookie: None,
            unrecorded: recorded.is_err().then(|| sealed.clone()),
            rebind: false,
        });
    }
    // An expired or already ended session may still be logged out of.
    let data = open(porte, sealed, cookie_header)?;
    let lifetime = data.lifetime.under(porte.config().lifetimes);
    let unrecorded = match check::revoke_session(porte, &lifetime).await {
        Ok(()) => None,
        Err(e) => {
            tracing::error!(error = %e, "logout not recorded in the revocation store: the browser keeps a receipt and tries again");
            Some(porte.sealer().seal_receipt(&Receipt {
                session_id: lifetime.session_id.clone(),
                expires_at: lifetime.expires_at,
            }))
        }
    };
    let provider = porte.provider(&data.provider)?;
    let redirect_uri = porte.config().redirect_uri();
    let revoke = async {
        (provider.revoke(porte.http(), &redirect_uri, &data).await).map_err(AuthError::Api)
    };
    match porte.within(revoke).await {
        Ok(()) => tracing::info!(provider = %data.provider, "tokens revoked"),
        Err(e) => tracing::warn!(provider = %data.provider, error = %e, "revocation failed"),
    }
    let mut out = LoggedOut {
        provider_logout_url: None,
        state_cookie: None,
        unrecorded,
        rebind: true,
    };
    if provider_logout {
        end_at_provider(porte, provider, &data, &mut out).await;
    }
    Ok(out)
}

/// The provider's logout URL (RP-initiated logout) and the cookie with its `state`.
async fn end_at_provider(
    porte: &Porte,
    provider: &Provider,
    data: &SessionData,
    out: &mut LoggedOut,
) {
    let end_session = match porte.within(provider.resolve(porte.http())).await {
        Ok(r) => r
            .discovered
            .and_then(|d| d.doc.end_session_endpoint.clone()),
        Err(_) => None,
    };
    let state = random_state();
    let back = porte.config().post_logout_uri();
    let Some(url) = logout_url(
        &provider.spec.logout,
        end_session.as_deref(),
        &LogoutRequest {
            client_id: &provider.spec.client_id,
            id_token_hint: data.token.id_token.as_ref().map(Secret::expose),
            post_logout_redirect_uri: &back,
            state: &state,
        },
    ) else {
        return;
    };
    // Only the OpenID end-session endpoint carries a `state` back (Auth0's fallback does not).
    let carries_state = end_session.is_some();
    let mut c = Cookie::new(
        LOGOUT_STATE_COOKIE,
        if carries_state {
            state
        } else {
            NO_STATE.to_owned()
        },
    );
    c.set_http_only(true);
    c.set_secure(porte.config().is_https());
    c.set_same_site(SameSite::Lax);
    c.set_path(porte.config().base_path.clone());
    c.set_max_age(cookie::time::Duration::minutes(10));
    out.provider_logout_url = Some(url);
    out.state_cookie = Some(c);
}

/// Whether a return from the provider's logout belongs to a logout this browser started:
/// its `state` matches the cookie, or (providers that send none back) it has none and the
/// cookie says none was sent.
pub(crate) fn logout_state_matches(cookie_header: Option<&str>, state: Option<&str>) -> bool {
    let Some(cookie) = cookie_header
        .and_then(|h| crate::server::cookie_header::named(h, LOGOUT_STATE_COOKIE).next())
    else {
        return false;
    };
    match state {
        Some(state) => !state.is_empty() && state != NO_STATE && cookie.value() == state,
        None => cookie.value() == NO_STATE,
    }
}

/// Logout is final in this browser: a new binding secret, so no token sealed before opens
/// here again; the sessions the browser keeps (`others`) come back sealed for the new one.
/// Returns the new binding's `Set-Cookie` and those sessions.
pub(crate) fn rebind(
    porte: &Porte,
    cookie_header: Option<&str>,
    others: Vec<(crate::ProviderId, SealedToken)>,
) -> Result<(Cookie<'static>, Vec<Authorization>), AuthError> {
    let old = binding(porte, cookie_header)?;
    let new = BrowserBinding::generate();
    let kept = others
        .into_iter()
        .filter_map(|(provider, sealed)| {
            let data = check::open_bound(porte, &sealed, &old).ok()?;
            (data.provider == provider).then_some(data)
        })
        .filter_map(|data| {
            let sealed = check::seal(porte, &data, &new).ok()?;
            flow::authorization(porte, &data, sealed).ok()
        })
        .collect();
    Ok((new.cookie(porte.config().is_https()), kept))
}

pub(crate) fn binding(
    porte: &Porte,
    cookie_header: Option<&str>,
) -> Result<BrowserBinding, AuthError> {
    BrowserBinding::from_cookie_header(cookie_header, porte.config().is_https())
        .ok_or_else(|| AuthError::Session("this browser has no binding cookie".into()))
}

pub(super) fn open(
    porte: &Porte,
    sealed: &SealedToken,
    cookie_header: Option<&str>,
) -> Result<SessionData, AuthError> {
    check::open_bound(porte, sealed, &binding(porte, cookie_header)?)
}

fn random_state() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::oauth::token::TokenSet;
    use crate::server::porte::Config;
    use crate::ProviderId;

    #[tokio::test]
    async fn a_saved_session_restores_only_in_its_browser_and_never_shows_the_refresh_token() {
        let config = Config::from_vars([
            ("GITHUB_CLIENT_ID".to_string(), "id".to_string()),
            ("GITHUB_CLIENT_SECRET".into(), "secret".into()),
        ])
        .unwrap();
        let auth = Porte::new(config, std::sync::Arc::new(crate::MemoryStore::new())).unwrap();
        let github = ProviderId::parse("github").unwrap();
        let data = SessionData {
            provider: github.clone(),
            token: TokenSet {
                access_token: crate::AccessToken::new("gho_access"),
                token_type: "Bearer".into(),
                scope: vec!["read:user".into()],
                expires_in: None,
                expires_at: None,
                refresh_token: Some(Secret::new("ghr_refresh")),
                id_token: None,
            },
            id_token_claims: None,
            user: Some(crate::UserProfile::new(github.clone(), "1001")),
            lifetime: auth.new_lifetime(),
            groups_read_at: None,
        };
        let browser = BrowserBinding::generate();
        let cookie = browser.cookie(false).encoded().stripped().to_string();
        let sealed = auth.sealer().seal(&data, &browser);
        assert!(!sealed.as_str().contains("ghr_refresh"));
        let restored = restore(&auth, &sealed, Some(&cookie)).await.unwrap();
        assert_eq!(restored.provider.label, "GitHub");
        assert_eq!(restored.token.access_token.secret(), "gho_access");
        assert!(restored.token.has_refresh_token);
        assert_eq!(restored.user.as_ref().unwrap().id, "1001");
        let json = serde_json::to_string(&restored).unwrap();
        assert!(
            !json.contains("ghr_refresh"),
            "the refresh token never leaves the seal"
        );

        let other = BrowserBinding::generate()
            .cookie(false)
            .encoded()
            .stripped()
            .to_string();
        for header in [None, Some(other.as_str())] {
            let err = restore(&auth, &sealed, header).await.unwrap_err();
            assert_eq!(crate::Error::from(err).error, "invalid_session");
        }
        let mut tampered = sealed.as_str().to_owned();
        tampered.insert(tampered.len() - 2, 'x');
        assert!(restore(&auth, &SealedToken::new(tampered), Some(&cookie))
            .await
            .is_err());
    }

    #[test]
    fn the_logout_state_must_match_its_cookie() {
        let matches = logout_state_matches;
        assert!(matches(Some("a=1; porte_logout=s1"), Some("s1")));
        assert!(!matches(Some("porte_logout=s1"), Some("s2")));
        assert!(!matches(None, Some("s1")));
        assert!(!matches(Some("porte_logout="), Some("")));
        assert!(!matches(Some("porte_logout=s1"), None));
        // Auth0's /v2/logout sends no state back: its cookie says so, and only then may it be
        // absent (the "could not be confirmed" page was shown on every Auth0 logout before).
        assert!(matches(Some("porte_logout=-"), None));
        assert!(!matches(Some("porte_logout=-"), Some("-")));
        assert!(!matches(None, None));
    }
}

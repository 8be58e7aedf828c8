//! What happens to a session token after the login: restore (remember me), refresh, and logout
//! (revocation at the provider and in the revocation store, a new browser binding, RP-initiated
//! logout). Every one of them opens the token with the browser binding from the request's
//! cookies, so a copied token fails; restore and refresh also count as a use of the session.

use super::binding::BrowserBinding;
use super::logout::{logout_url, LogoutRequest};
use super::session::SessionData;
use super::{AuthError, Porte};
use crate::{Authorization, SealedToken};
use cookie::{Cookie, SameSite};
use rand::RngCore;

/// The cookie holding the `state` of an RP-initiated logout.
pub const LOGOUT_STATE_COOKIE: &str = "porte_logout";

/// The result of a logout on the server.
pub(crate) struct LoggedOut {
    /// Where to send the browser to end the provider session, when asked and possible.
    pub provider_logout_url: Option<String>,
    /// The `Set-Cookie` holding that redirect's `state`.
    pub state_cookie: Option<Cookie<'static>>,
}

impl Porte {
    /// Opens a saved session token (Flet's `saved_token`) and returns its authorization, sealed
    /// again with a later idle expiry.
    pub(crate) async fn restore(
        &self,
        sealed: &SealedToken,
        cookie_header: Option<&str>,
    ) -> Result<Authorization, AuthError> {
        let binding = self.binding(cookie_header)?;
        let data = self.used(self.open_alive(sealed, &binding).await?);
        let sealed = self.0.sealer.seal(&data, &binding);
        self.authorization(&data, sealed)
    }

    /// Refreshes the access token; the new session token replaces the old one (with the rotated
    /// refresh token, or the old one when the provider sent none).
    pub(crate) async fn refresh(
        &self,
        sealed: &SealedToken,
        cookie_header: Option<&str>,
    ) -> Result<Authorization, AuthError> {
        let binding = self.binding(cookie_header)?;
        let data = self.open_alive(sealed, &binding).await?;
        let provider = self.provider(&data.provider)?;
        let redirect_uri = self.0.config.redirect_uri();
        let refreshed = self
            .within(provider.refresh(&self.0.http, &redirect_uri, &data))
            .await;
        let fresh = match refreshed {
            Ok(fresh) => self.used(fresh),
            Err(e) => {
                tracing::warn!(provider = %data.provider, error = %e, "refresh failed");
                if e.ends_grant() {
                    // The provider ended the grant: the session is over on every instance.
                    let _ = self.revoke_session(&data.lifetime).await;
                }
                return Err(e);
            }
        };
        tracing::info!(provider = %data.provider, "token refreshed");
        let sealed = self.0.sealer.seal(&fresh, &binding);
        self.authorization(&fresh, sealed)
    }

    /// Logout on the server: revoke the tokens at the provider (best effort), and when
    /// `provider_logout` is asked, the URL that ends the provider's session too.
    pub(crate) async fn logout(
        &self,
        sealed: &SealedToken,
        cookie_header: Option<&str>,
        provider_logout: bool,
    ) -> Result<LoggedOut, AuthError> {
        // An expired or already ended session may still be logged out of.
        let data = self.open(sealed, cookie_header)?;
        // A store that cannot be reached is logged; the new browser binding still ends the session
        // in this browser.
        let _ = self.revoke_session(&data.lifetime).await;
        let provider = self.provider(&data.provider)?;
        let redirect_uri = self.0.config.redirect_uri();
        let revoke = async {
            (provider.revoke(&self.0.http, &redirect_uri, &data).await).map_err(AuthError::Api)
        };
        match self.within(revoke).await {
            Ok(()) => tracing::info!(provider = %data.provider, "tokens revoked"),
            Err(e) => tracing::warn!(provider = %data.provider, error = %e, "revocation failed"),
        }
        if !provider_logout {
            return Ok(LoggedOut {
                provider_logout_url: None,
                state_cookie: None,
            });
        }
        let end_session = match self.within(provider.resolve(&self.0.http)).await {
            Ok(r) => r
                .discovered
                .and_then(|d| d.doc.end_session_endpoint.clone()),
            Err(_) => None,
        };
        let state = random_state();
        let back = self.0.config.post_logout_uri();
        let url = logout_url(
            &provider.spec.logout,
            end_session.as_deref(),
            &LogoutRequest {
                client_id: &provider.spec.client_id,
                id_token_hint: data.token.id_token.as_deref(),
                post_logout_redirect_uri: &back,
                state: &state,
            },
        );
        let state_cookie = url.as_ref().map(|_| {
            let mut c = Cookie::new(LOGOUT_STATE_COOKIE, state);
            c.set_http_only(true);
            c.set_secure(self.0.config.is_https());
            c.set_same_site(SameSite::Lax);
            c.set_path(self.0.config.base_path.clone());
            c.set_max_age(cookie::time::Duration::minutes(10));
            c
        });
        Ok(LoggedOut {
            provider_logout_url: url,
            state_cookie,
        })
    }

    /// Whether a logout's `state` matches the cookie set when it started.
    pub(crate) fn logout_state_matches(cookie_header: Option<&str>, state: Option<&str>) -> bool {
        let Some(state) = state.filter(|s| !s.is_empty()) else {
            return false;
        };
        cookie_header.is_some_and(|h| {
            Cookie::split_parse_encoded(h.to_owned())
                .flatten()
                .any(|c| c.name() == LOGOUT_STATE_COOKIE && c.value() == state)
        })
    }

    /// Logout is final in this browser: a new binding secret, so no token sealed before opens
    /// here again; the sessions the browser keeps (`others`) come back sealed for the new one.
    /// Returns the new binding's `Set-Cookie` and those sessions.
    pub(crate) fn rebind(
        &self,
        cookie_header: Option<&str>,
        others: Vec<(crate::ProviderId, SealedToken)>,
    ) -> Result<(Cookie<'static>, Vec<Authorization>), AuthError> {
        let old = self.binding(cookie_header)?;
        let new = BrowserBinding::generate();
        let kept = others
            .into_iter()
            .filter_map(|(provider, sealed)| {
                let data = self.open_bound(&sealed, &old).ok()?;
                (data.provider == provider).then_some(data)
            })
            .filter_map(|data| {
                let sealed = self.0.sealer.seal(&data, &new);
                self.authorization(&data, sealed).ok()
            })
            .collect();
        Ok((new.cookie(self.0.config.is_https()), kept))
    }

    pub(crate) fn binding(&self, cookie_header: Option<&str>) -> Result<BrowserBinding, AuthError> {
        BrowserBinding::from_cookie_header(cookie_header, self.0.config.is_https())
            .ok_or_else(|| AuthError::Session("this browser has no binding cookie".into()))
    }

    pub(super) fn open(
        &self,
        sealed: &SealedToken,
        cookie_header: Option<&str>,
    ) -> Result<SessionData, AuthError> {
        self.open_bound(sealed, &self.binding(cookie_header)?)
    }

    pub(crate) fn open_bound(
        &self,
        sealed: &SealedToken,
        binding: &BrowserBinding,
    ) -> Result<SessionData, AuthError> {
        self.0
            .sealer
            .open(sealed, binding)
            .map_err(|e| AuthError::Session(e.to_string()))
    }
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
    use crate::server::builder::Config;
    use crate::server::token::TokenSet;
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
                access_token: "gho_access".into(),
                token_type: "Bearer".into(),
                scope: vec!["read:user".into()],
                expires_in: None,
                expires_at: None,
                refresh_token: Some("ghr_refresh".into()),
                id_token: None,
            },
            id_token_claims: None,
            user: Some(crate::UserProfile::new(github.clone(), "1001")),
            lifetime: auth.new_lifetime(),
        };
        let browser = BrowserBinding::generate();
        let cookie = browser.cookie(false).encoded().stripped().to_string();
        let sealed = auth.0.sealer.seal(&data, &browser);
        assert!(!sealed.as_str().contains("ghr_refresh"));
        let restored = auth.restore(&sealed, Some(&cookie)).await.unwrap();
        assert_eq!(restored.provider.label, "GitHub");
        assert_eq!(restored.token.access_token, "gho_access");
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
            let err = auth.restore(&sealed, header).await.unwrap_err();
            assert_eq!(crate::Error::from(err).error, "invalid_session");
        }
        let mut tampered = sealed.as_str().to_owned();
        tampered.insert(tampered.len() - 2, 'x');
        assert!(auth
            .restore(&SealedToken::new(tampered), Some(&cookie))
            .await
            .is_err());
    }

    #[test]
    fn the_logout_state_must_match_its_cookie() {
        let ok = Porte::logout_state_matches(Some("a=1; porte_logout=s1"), Some("s1"));
        assert!(ok);
        assert!(!Porte::logout_state_matches(
            Some("porte_logout=s1"),
            Some("s2")
        ));
        assert!(!Porte::logout_state_matches(None, Some("s1")));
        assert!(!Porte::logout_state_matches(
            Some("porte_logout="),
            Some("")
        ));
    }
}

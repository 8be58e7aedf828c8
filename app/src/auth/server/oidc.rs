//! An OpenID provider configured by discovery: builds authorization requests and completes them
//! (code exchange with PKCE, ID-token validation against the JWKS, userinfo).

use super::config::OidcProviderConfig;
use super::error::AuthError;
use super::flow_cookie::{unix_now, PendingLogin};
use crate::auth::{ProviderId, UserProfile};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient,
    CoreClientAuthMethod, CoreGenderClaim, CoreGrantType, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreResponseMode,
    CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalClaims, AdditionalProviderMetadata, AuthType, AuthorizationCode, ClientId,
    ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, ProviderMetadata, RedirectUrl, RequestTokenError, Scope, TokenResponse,
    UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Discovery documents (and their JWKS) are fetched again after this long.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

/// Discovery fields beyond OpenID Connect Discovery 1.0 that Porte reads.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ExtraMetadata {
    /// RFC 9207: the provider sends `iss` in every authorization response.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    /// OpenID RP-Initiated Logout.
    pub end_session_endpoint: Option<String>,
    /// RFC 7009 token revocation.
    pub revocation_endpoint: Option<String>,
}
impl AdditionalProviderMetadata for ExtraMetadata {}

/// A provider's discovery document, with its JWKS.
pub type Metadata = ProviderMetadata<
    ExtraMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// The non-standard `groups` claim of userinfo.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
struct GroupsClaim {
    #[serde(default)]
    groups: Vec<String>,
}
impl AdditionalClaims for GroupsClaim {}

/// One configured OpenID provider, with its discovery document cached.
pub struct OidcProvider {
    config: OidcProviderConfig,
    discovered: Mutex<Option<(Instant, Arc<Metadata>)>>,
}

impl OidcProvider {
    /// A provider that will discover its endpoints on first use.
    pub fn new(config: OidcProviderConfig) -> Self {
        Self {
            config,
            discovered: Mutex::new(None),
        }
    }

    /// The provider's id.
    pub fn id(&self) -> &ProviderId {
        &self.config.id
    }

    /// The provider's button label.
    pub fn label(&self) -> &str {
        &self.config.label
    }

    /// The discovery document, fetched at first use and again after [`DISCOVERY_TTL`].
    /// The issuer in the document must equal the configured one exactly.
    pub async fn metadata(&self, http: &reqwest::Client) -> Result<Arc<Metadata>, AuthError> {
        let mut cached = self.discovered.lock().await;
        if let Some((at, meta)) = cached.as_ref() {
            if at.elapsed() < DISCOVERY_TTL {
                return Ok(meta.clone());
            }
        }
        let discovery_error = |detail: String| AuthError::Discovery {
            provider: self.config.id.clone(),
            detail,
        };
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| discovery_error(e.to_string()))?;
        let meta = Metadata::discover_async(issuer, http)
            .await
            .map_err(|e| discovery_error(error_chain(&e)))?;
        let meta = Arc::new(meta);
        *cached = Some((Instant::now(), meta.clone()));
        Ok(meta)
    }

    /// Starts a login: the authorization URL (`state`, PKCE S256, `nonce`) and the flow's secrets.
    pub async fn start(
        &self,
        http: &reqwest::Client,
        redirect_uri: &str,
    ) -> Result<(String, PendingLogin), AuthError> {
        let meta = self.metadata(http).await?;
        let client = self.client(&meta, redirect_uri)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in self.config.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        if self.config.scopes.iter().any(|s| s == "offline_access") {
            // OpenID Core §11: offline_access is honoured only together with prompt=consent.
            request = request.add_prompt(openidconnect::core::CoreAuthPrompt::Consent);
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        let flow = PendingLogin {
            provider: self.config.id.clone(),
            state: state.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            nonce: nonce.secret().clone(),
            started_at: unix_now(),
        };
        Ok((url.to_string(), flow))
    }

    /// RFC 9207: an `iss` in the authorization response must be this provider's issuer, and must
    /// be present when discovery says the provider sends it. Checked before the code is used.
    pub fn check_response_issuer(meta: &Metadata, iss: Option<&str>) -> Result<(), AuthError> {
        let expected = meta.issuer().as_str();
        match iss {
            Some(got) if got != expected => Err(AuthError::IssuerMismatch {
                expected: expected.to_owned(),
                got: got.to_owned(),
            }),
            None if meta
                .additional_metadata()
                .authorization_response_iss_parameter_supported =>
            {
                Err(AuthError::IssuerMissing)
            }
            _ => Ok(()),
        }
    }

    /// Exchanges the code (with the client secret and PKCE verifier), validates the ID token
    /// (JWKS signature, `iss`, `aud`, `exp`, `nonce`) and fetches userinfo (its `sub` must match).
    pub async fn finish(
        &self,
        http: &reqwest::Client,
        meta: &Metadata,
        redirect_uri: &str,
        code: &str,
        flow: &PendingLogin,
    ) -> Result<UserProfile, AuthError> {
        let client = self.client(meta, redirect_uri)?;
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| AuthError::TokenExchange(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
            .request_async(http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(r) => AuthError::Provider {
                    error: r.error().to_string(),
                    description: r.error_description().cloned(),
                },
                other => AuthError::TokenExchange(error_chain(&other)),
            })?;
        let id_token = token
            .id_token()
            .ok_or_else(|| AuthError::IdToken("the token response has no id_token".into()))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(flow.nonce.clone()))
            .map_err(|e| AuthError::IdToken(error_chain(&e)))?;
        let subject = claims.subject().clone();
        let info: UserInfoClaims<GroupsClaim, CoreGenderClaim> = client
            .user_info(token.access_token().clone(), Some(subject))
            .map_err(|e| AuthError::UserInfo(e.to_string()))?
            .request_async(http)
            .await
            .map_err(|e| AuthError::UserInfo(error_chain(&e)))?;
        Ok(profile(&self.config.id, &info))
    }

    fn client(
        &self,
        meta: &Metadata,
        redirect_uri: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        AuthError,
    > {
        let redirect = RedirectUrl::new(redirect_uri.to_owned())
            .map_err(|e| AuthError::TokenExchange(e.to_string()))?;
        // client_secret_basic is the default; use the body only if the provider lacks basic.
        let methods = meta.token_endpoint_auth_methods_supported();
        let basic = methods.is_none_or(|m| m.contains(&CoreClientAuthMethod::ClientSecretBasic));
        let auth_type = if basic {
            AuthType::BasicAuth
        } else {
            AuthType::RequestBody
        };
        Ok(CoreClient::from_provider_metadata(
            meta.clone(),
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(
                self.config.client_secret.expose().to_owned(),
            )),
        )
        .set_redirect_uri(redirect)
        .set_auth_type(auth_type))
    }
}

fn profile(
    provider: &ProviderId,
    info: &UserInfoClaims<GroupsClaim, CoreGenderClaim>,
) -> UserProfile {
    let localized = |c: Option<&openidconnect::LocalizedClaim<_>>| {
        c.and_then(|c| c.get(None))
            .map(|v: &openidconnect::EndUserName| v.to_string())
    };
    UserProfile {
        provider: provider.clone(),
        id: info.subject().to_string(),
        name: localized(info.name()),
        preferred_username: info.preferred_username().map(|u| u.to_string()),
        email: info.email().map(|e| e.to_string()),
        email_verified: info.email_verified(),
        picture: info
            .picture()
            .and_then(|p| p.get(None))
            .map(|p| p.to_string()),
        groups: info.additional_claims().groups.clone(),
    }
}

/// An error and its sources on one line, for the server log.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::server::AuthConfig;

    fn metadata(iss_supported: Option<bool>) -> Metadata {
        let mut doc = serde_json::json!({
            "issuer": "https://idp.example.test",
            "authorization_endpoint": "https://idp.example.test/auth",
            "jwks_uri": "https://idp.example.test/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        });
        if let Some(flag) = iss_supported {
            doc["authorization_response_iss_parameter_supported"] = flag.into();
        }
        serde_json::from_value(doc).unwrap()
    }

    #[test]
    fn rfc9207_iss_matrix() {
        let right = Some("https://idp.example.test");
        let wrong = Some("https://other.example.test");
        let trailing_slash = Some("https://idp.example.test/");
        for advertised in [None, Some(false), Some(true)] {
            let meta = metadata(advertised);
            let check = |iss| OidcProvider::check_response_issuer(&meta, iss);
            assert_eq!(check(right), Ok(()));
            assert!(matches!(
                check(wrong),
                Err(AuthError::IssuerMismatch { .. })
            ));
            assert!(matches!(
                check(trailing_slash),
                Err(AuthError::IssuerMismatch { .. })
            ));
            let absent = check(None);
            if advertised == Some(true) {
                assert_eq!(absent, Err(AuthError::IssuerMissing));
            } else {
                assert_eq!(absent, Ok(()), "not advertised: a missing iss is allowed");
            }
        }
    }

    #[tokio::test]
    async fn an_unreachable_provider_is_a_clear_error_not_a_panic() {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        let config = AuthConfig::from_vars([
            (
                "OIDC_DOWN_ISSUER".to_string(),
                "http://127.0.0.1:9".to_string(),
            ),
            ("OIDC_DOWN_CLIENT_ID".into(), "id".into()),
            ("OIDC_DOWN_CLIENT_SECRET".into(), "secret".into()),
        ])
        .unwrap();
        let auth = crate::auth::server::AuthState::new(config).unwrap();
        let id = ProviderId::parse("down").unwrap();
        let err = auth.start_login(&id).await.unwrap_err();
        assert!(matches!(err, AuthError::Discovery { .. }), "{err:?}");
        let shown = crate::auth::LoginError::from(err);
        assert_eq!(shown.error, "provider_unavailable");
        let unknown = auth
            .start_login(&ProviderId::parse("nope").unwrap())
            .await
            .unwrap_err();
        assert_eq!(
            unknown,
            AuthError::UnknownProvider(ProviderId::parse("nope").unwrap())
        );
    }
}

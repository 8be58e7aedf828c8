//! OpenID Connect discovery (`/.well-known/openid-configuration`) and the JWKS, cached per
//! provider. The document's `issuer` must be the configured one (Entra's `{tenantid}` template
//! excepted, see [`IssuerRule`]); the JWKS is fetched again once when a token names a key id
//! it does not hold (key rotation).

use crate::server::error::AuthError;
use crate::server::providers::IssuerRule;
use crate::ProviderId;
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Discovery documents (and their JWKS) are fetched again after this long.
pub const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

/// The discovery fields Porte reads (OpenID Discovery 1.0, RFC 9207, RFC 7009, RP logout).
#[derive(Debug, Clone, Deserialize)]
pub struct DiscoveryDocument {
    /// The issuer identifier.
    pub issuer: String,
    /// Authorization endpoint.
    pub authorization_endpoint: String,
    /// Token endpoint.
    pub token_endpoint: String,
    /// Userinfo endpoint.
    pub userinfo_endpoint: Option<String>,
    /// The signing keys.
    pub jwks_uri: String,
    /// RP-initiated logout.
    pub end_session_endpoint: Option<String>,
    /// RFC 7009 revocation.
    pub revocation_endpoint: Option<String>,
    /// ID token signing algorithms.
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// RFC 9207: `iss` is sent in every authorization response.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

/// A discovery document with its keys.
#[derive(Debug)]
pub struct Discovered {
    /// The document.
    pub doc: DiscoveryDocument,
    /// The JWKS.
    pub jwks: JwkSet,
    fetched: Instant,
}

impl Discovered {
    /// A document with its keys, as if just fetched.
    #[cfg(test)]
    pub fn new(doc: DiscoveryDocument, jwks: JwkSet) -> Self {
        Self {
            doc,
            jwks,
            fetched: Instant::now(),
        }
    }
}

/// One provider's discovery, fetched on first use and cached.
pub struct DiscoveryCache {
    provider: ProviderId,
    issuer: String,
    rule: IssuerRule,
    cached: Mutex<Option<Arc<Discovered>>>,
}

impl DiscoveryCache {
    /// A cache for `issuer` (nothing is fetched yet).
    pub fn new(provider: ProviderId, issuer: String, rule: IssuerRule) -> Self {
        Self {
            provider,
            issuer,
            rule,
            cached: Mutex::new(None),
        }
    }

    /// The document and keys, fetched when absent or older than [`DISCOVERY_TTL`].
    pub async fn get(&self, http: &reqwest::Client) -> Result<Arc<Discovered>, AuthError> {
        let mut cached = self.cached.lock().await;
        if let Some(d) = cached
            .as_ref()
            .filter(|d| d.fetched.elapsed() < DISCOVERY_TTL)
        {
            return Ok(d.clone());
        }
        let doc = self.fetch_document(http).await?;
        let jwks = self.fetch_jwks(http, &doc.jwks_uri).await?;
        let fresh = Arc::new(Discovered {
            doc,
            jwks,
            fetched: Instant::now(),
        });
        *cached = Some(fresh.clone());
        Ok(fresh)
    }

    /// Fetches the JWKS again (a token named a key we do not have), unless another request
    /// already did since `seen` was read.
    pub async fn refresh_keys(
        &self,
        http: &reqwest::Client,
        seen: &Arc<Discovered>,
    ) -> Result<Arc<Discovered>, AuthError> {
        let mut cached = self.cached.lock().await;
        if let Some(d) = cached.as_ref().filter(|d| !Arc::ptr_eq(d, seen)) {
            return Ok(d.clone());
        }
        let jwks = self.fetch_jwks(http, &seen.doc.jwks_uri).await?;
        let fresh = Arc::new(Discovered {
            doc: seen.doc.clone(),
            jwks,
            fetched: seen.fetched,
        });
        *cached = Some(fresh.clone());
        Ok(fresh)
    }

    async fn fetch_document(&self, http: &reqwest::Client) -> Result<DiscoveryDocument, AuthError> {
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.issuer.trim_end_matches('/')
        );
        let doc: DiscoveryDocument = self.get_json(http, &url).await?;
        if !issuer_matches(&self.rule, &self.issuer, &doc.issuer) {
            return Err(self.error(format!(
                "discovery issuer {:?} is not the configured {:?}",
                doc.issuer, self.issuer
            )));
        }
        Ok(doc)
    }

    /// A key set without keys is a provider fault (it could verify nothing), not a reason to
    /// forget the keys we had.
    async fn fetch_jwks(&self, http: &reqwest::Client, url: &str) -> Result<JwkSet, AuthError> {
        let jwks: JwkSet = self.get_json(http, url).await?;
        if jwks.keys.is_empty() {
            return Err(self.error(format!("GET {url}: the JWKS has no keys")));
        }
        Ok(jwks)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        http: &reqwest::Client,
        url: &str,
    ) -> Result<T, AuthError> {
        let response = http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| self.error(format!("GET {url}: {}", crate::server::error::chain(&e))))?;
        if !response.status().is_success() {
            return Err(self.error(format!("GET {url}: HTTP {}", response.status())));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| self.error(format!("GET {url}: {e}")))?;
        serde_json::from_slice(&bytes).map_err(|e| self.error(format!("GET {url}: {e}")))
    }

    fn error(&self, detail: String) -> AuthError {
        AuthError::Discovery {
            provider: self.provider.clone(),
            detail,
        }
    }
}

/// Whether a discovery document's issuer is acceptable for the configured one.
pub fn issuer_matches(rule: &IssuerRule, configured: &str, discovered: &str) -> bool {
    match rule {
        IssuerRule::Exact | IssuerRule::SchemelessAlias => configured == discovered,
        // The document names the tenant by id (or by the `{tenantid}` template); it must stay
        // on the configured authority and have the v2.0 shape.
        IssuerRule::EntraTenant { tenant, .. } => {
            let Some(authority) = configured.strip_suffix(&format!("/{tenant}/v2.0")) else {
                return false;
            };
            discovered
                .strip_prefix(authority)
                .and_then(|rest| rest.strip_prefix('/'))
                .and_then(|rest| rest.strip_suffix("/v2.0"))
                .is_some_and(|t| !t.is_empty() && !t.contains('/'))
        }
    }
}

/// RFC 9207: an `iss` in the authorization response must be this provider's issuer, and must be
/// present when discovery says the provider sends it. Checked before the code is used.
pub fn check_response_issuer(d: &Discovered, iss: Option<&str>) -> Result<(), AuthError> {
    let expected = d.doc.issuer.as_str();
    match iss {
        Some(got) if got != expected => Err(AuthError::IssuerMismatch {
            expected: expected.to_owned(),
            got: got.to_owned(),
        }),
        None if d.doc.authorization_response_iss_parameter_supported => {
            Err(AuthError::IssuerMissing)
        }
        _ => Ok(()),
    }
}

/// The examples that were in this module's docs (its items are private).
#[cfg(test)]
mod examples {
    #[test]
    fn a_discovery_issuer_must_match_the_configured_one_exactly_or_as_entras_template() {
        use crate::server::{oauth::discovery::issuer_matches, providers::IssuerRule};
        let entra = IssuerRule::EntraTenant {
            tenant: "common".into(),
            allowed: Vec::new(),
        };
        let configured = "https://login.microsoftonline.com/common/v2.0";
        assert!(issuer_matches(
            &entra,
            configured,
            "https://login.microsoftonline.com/{tenantid}/v2.0"
        ));
        assert!(!issuer_matches(
            &entra,
            configured,
            "https://evil.example/{tenantid}/v2.0"
        ));
        assert!(issuer_matches(
            &IssuerRule::Exact,
            "https://a.example/",
            "https://a.example/"
        ));
        assert!(!issuer_matches(
            &IssuerRule::Exact,
            "https://a.example",
            "https://a.example/"
        ));
    }
}

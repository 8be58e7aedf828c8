//! One configured provider at run time: its spec and (for OpenID providers) the cached
//! discovery. Starts authorization requests and completes them: code exchange, ID token
//! validation, user and groups.

use crate::server::error::AuthError;
use crate::server::login::flow_cookie::PendingLogin;
use crate::server::login::redirect_query::RedirectQuery;
use crate::server::login::scopes;
use crate::server::oauth::client_cache::{CachedClient, ClientCache};
use crate::server::oauth::discovery::{check_response_issuer, Discovered, DiscoveryCache};
use crate::server::oauth::id_token::{self, IdTokenError};
use crate::server::oauth::profile::{fetch_groups, fetch_user};
// `{self}`: a bare `token` here would read, to rs-circles.py, as http/session's `fn token`.
use crate::server::oauth::token::{self};
use crate::server::providers::{Endpoints, Groups, IssuerRule, ProviderSpec, Revocation};
use crate::server::secret::Secret;
use crate::server::session::lifetime::Lifetime;
use crate::server::session::seal::SessionData;
use crate::{JsonObject, LoginRequest, UserProfile};
use oauth2::{CsrfToken, PkceCodeChallenge, Scope};
use serde_json::{Map, Value};
use std::sync::Arc;

/// A provider's endpoints for one request.
pub struct Resolved {
    /// Authorization endpoint.
    pub authorization: String,
    /// Token endpoint.
    pub token: String,
    /// Userinfo endpoint.
    pub userinfo: Option<String>,
    /// RFC 7009 revocation endpoint.
    pub revocation: Option<String>,
    /// The discovery document and keys (OpenID providers).
    pub discovered: Option<Arc<Discovered>>,
}

/// A configured provider.
pub struct Provider {
    /// What the provider is.
    pub spec: ProviderSpec,
    discovery: Option<DiscoveryCache>,
    clients: ClientCache,
}

impl Provider {
    /// Wraps a spec; discovery happens on first use.
    pub fn new(spec: ProviderSpec) -> Self {
        let discovery = match &spec.endpoints {
            Endpoints::Discovery {
                issuer,
                issuer_rule,
            } => Some(DiscoveryCache::new(
                spec.id.clone(),
                issuer.clone(),
                issuer_rule.clone(),
            )),
            Endpoints::Explicit { .. } => None,
        };
        Self {
            spec,
            discovery,
            clients: ClientCache::default(),
        }
    }

    /// The provider as the sign-in buttons show it.
    pub fn info(&self) -> crate::ProviderInfo {
        crate::ProviderInfo {
            id: self.spec.id.clone(),
            label: self.spec.label.clone(),
            brand: self.spec.brand.to_owned(),
        }
    }

    /// Whether the provider can end its own session (RP-initiated logout).
    pub fn has_provider_logout(&self) -> bool {
        !matches!(self.spec.logout, crate::server::providers::Logout::None)
    }

    /// The endpoints (discovering them if needed).
    pub async fn resolve(&self, http: &reqwest::Client) -> Result<Resolved, AuthError> {
        match (&self.spec.endpoints, &self.discovery) {
            (
                Endpoints::Explicit {
                    authorization,
                    token,
                    userinfo,
                    revocation,
                },
                _,
            ) => Ok(Resolved {
                authorization: authorization.clone(),
                token: token.clone(),
                userinfo: userinfo.clone(),
                revocation: revocation.clone(),
                discovered: None,
            }),
            (Endpoints::Discovery { .. }, Some(cache)) => {
                let d = cache.get(http).await?;
                Ok(Resolved {
                    authorization: d.doc.authorization_endpoint.clone(),
                    token: d.doc.token_endpoint.clone(),
                    userinfo: d.doc.userinfo_endpoint.clone(),
                    revocation: d.doc.revocation_endpoint.clone(),
                    discovered: Some(d),
                })
            }
            (Endpoints::Discovery { .. }, None) => unreachable!("built in Provider::new"),
        }
    }

    /// The authorization URL for `request`, and the flow to keep in the cookie.
    pub async fn start(
        &self,
        http: &reqwest::Client,
        redirect_uri: &str,
        request: &LoginRequest,
        return_to: Option<String>,
    ) -> Result<(String, PendingLogin), AuthError> {
        let scopes = self.scopes_for(request)?;
        let resolved = self.resolve(http).await?;
        let client = self.client(&resolved, redirect_uri)?;
        let mut auth = client.client.authorize_url(CsrfToken::new_random);
        for scope in &scopes {
            auth = auth.add_scope(Scope::new(scope.clone()));
        }
        let mut flow = PendingLogin::new(self.spec.id.clone(), "");
        if resolved.discovered.is_some() {
            let nonce = CsrfToken::new_random().secret().clone();
            auth = auth.add_extra_param("nonce", nonce.clone());
            flow.nonce = Some(Secret::new(nonce));
        }
        if self.spec.pkce {
            let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
            auth = auth.set_pkce_challenge(challenge);
            flow.pkce_verifier = Some(Secret::new(verifier.secret().clone()));
        }
        for (k, v) in &self.spec.auth_params {
            auth = auth.add_extra_param(k.clone(), v.clone());
        }
        let has_prompt = self.spec.auth_params.iter().any(|(k, _)| k == "prompt");
        if self.spec.consent_for_offline
            && !has_prompt
            && scopes.iter().any(|s| s == "offline_access")
        {
            auth = auth.add_extra_param("prompt", "consent");
        }
        let (url, state) = auth.url();
        flow.state = state.secret().clone();
        flow.fetch_user = self.fetches_user(request.fetch_user);
        flow.return_to = return_to;
        flow.complete_page_html = request.complete_page_html.clone();
        Ok((url.to_string(), flow))
    }

    /// Completes the flow: RFC 9207 `iss`, the provider's error, the code exchange, the ID
    /// token (and, for Entra, the tenants the app accepts), then the user and groups.
    pub async fn finish(
        &self,
        http: &reqwest::Client,
        redirect_uri: &str,
        query: &RedirectQuery,
        flow: &PendingLogin,
        lifetime: Lifetime,
    ) -> Result<SessionData, AuthError> {
        let resolved = self.resolve(http).await?;
        if let Some(d) = &resolved.discovered {
            check_response_issuer(d, query.iss.as_deref())?;
        }
        if let Some(error) = &query.error {
            return Err(AuthError::Provider {
                error: error.clone(),
                description: query.error_description.clone(),
            });
        }
        let code = query.code.as_deref().ok_or(AuthError::MissingCode)?;
        let client = self.client(&resolved, redirect_uri)?;
        let tokens =
            token::exchange_code(http, &client.client, code, flow.pkce_verifier.as_ref()).await?;
        let claims = match (&resolved.discovered, &tokens.id_token) {
            (Some(d), Some(raw)) => Some(
                self.verify_id_token(
                    http,
                    d,
                    raw.expose(),
                    flow.nonce.as_ref().map(Secret::expose),
                )
                .await?,
            ),
            (Some(_), None) => {
                return Err(AuthError::IdToken(
                    "the token response has no id_token".into(),
                ))
            }
            (None, _) => None,
        };
        self.check_tenant(claims.as_ref())?;
        let mut data = SessionData {
            provider: self.spec.id.clone(),
            token: tokens,
            id_token_claims: claims.as_ref().map(JsonObject::from),
            user: None,
            lifetime,
            groups_read_at: None,
        };
        if flow.fetch_user || self.fetches_user(false) {
            let access = data.token.access_token.secret();
            let fetched = fetch_user(
                http,
                &self.spec,
                resolved.userinfo.as_deref(),
                access,
                claims.as_ref(),
            )
            .await?;
            if self.spec.reads_groups() {
                // The profile was fetched just now: its groups claim is fresh.
                data = self
                    .read_groups(http, data, Some(fetched), claims.as_ref())
                    .await?;
            } else {
                data.user = Some(fetched.0);
            }
        }
        Ok(data)
    }

    /// Whether a login fetches the user: when the page asks, when the provider has no ID token
    /// (the profile is then the only word on who signed in), and when groups are read.
    pub fn fetches_user(&self, asked: bool) -> bool {
        asked
            || !matches!(self.spec.endpoints, Endpoints::Discovery { .. })
            || self.spec.reads_groups()
    }

    /// Entra with a list of accepted tenants: an account of any other tenant is refused.
    fn check_tenant(&self, claims: Option<&Map<String, Value>>) -> Result<(), AuthError> {
        let Endpoints::Discovery {
            issuer_rule: IssuerRule::EntraTenant { allowed, .. },
            ..
        } = &self.spec.endpoints
        else {
            return Ok(());
        };
        let tid = claims
            .and_then(|c| c.get("tid"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if allowed.is_empty() || allowed.iter().any(|t| t == tid) {
            return Ok(());
        }
        tracing::warn!(provider = %self.spec.id, tenant = ?tid, "sign-in from a tenant this app does not accept");
        Err(AuthError::Provider {
            error: "access_denied".into(),
            description: Some(format!(
                "This app does not accept accounts of your organization (tenant {tid})."
            )),
        })
    }

    /// `data` with the user's groups read now (the ones the server keeps): at sign-in, after a
    /// refresh, and when a group check finds them older than the groups' maximum age. Groups in
    /// the profile document (a claim) come with a fresh profile.
    pub async fn with_groups(
        &self,
        http: &reqwest::Client,
        mut data: SessionData,
    ) -> Result<SessionData, AuthError> {
        // A groups claim in the profile is only as fresh as the profile: fetch it again.
        let claim_in_profile = matches!(self.spec.groups, Groups::Claim(_));
        let profile = match data.user.take() {
            Some(user) if !claim_in_profile => Some({
                let fields = user.fields.to_map();
                (user, fields)
            }),
            _ => None,
        };
        let claims = data.id_token_claims.as_ref().map(JsonObject::to_map);
        self.read_groups(http, data, profile, claims.as_ref()).await
    }

    /// `data` with the groups read from `profile` (the user and the document they were read
    /// from), or from the profile fetched now when there is none. `claims` are the session's
    /// ID token claims. Both are passed in as the maps the caller has (a login has just read
    /// them) rather than parsed again.
    async fn read_groups(
        &self,
        http: &reqwest::Client,
        mut data: SessionData,
        profile: Option<(UserProfile, Map<String, Value>)>,
        claims: Option<&Map<String, Value>>,
    ) -> Result<SessionData, AuthError> {
        let access = data.token.access_token.secret().to_owned();
        let (mut user, fields) = match profile {
            Some(profile) => profile,
            None => {
                let resolved = self.resolve(http).await?;
                fetch_user(
                    http,
                    &self.spec,
                    resolved.userinfo.as_deref(),
                    &access,
                    claims,
                )
                .await?
            }
        };
        let all = fetch_groups(http, &self.spec, &access, &fields, claims).await?;
        user.groups = self.spec.read_groups.filter(all);
        data.user = Some(user);
        data.groups_read_at = Some(crate::server::clock::now());
        Ok(data)
    }

    /// Refreshes the session's access token. A new ID token, if any, is validated (no nonce: it
    /// is not sent on refresh, OpenID Core §12.2) and replaces the claims. Groups the server
    /// reads are read again, so a removal takes effect; if that fails, the new tokens are kept
    /// (a rotated refresh token must not be lost) and the old groups count as stale.
    pub async fn refresh(
        &self,
        http: &reqwest::Client,
        redirect_uri: &str,
        data: &SessionData,
    ) -> Result<SessionData, AuthError> {
        let refresh_token = data
            .token
            .refresh_token
            .as_ref()
            .ok_or(AuthError::NoRefreshToken)?;
        let resolved = self.resolve(http).await?;
        let client = self.client(&resolved, redirect_uri)?;
        let mut token = token::refresh(http, &client.client, refresh_token).await?;
        let claims = match (&resolved.discovered, &token.id_token) {
            (Some(d), Some(raw)) if Some(raw) != data.token.id_token.as_ref() => Some(
                self.verify_id_token(http, d, raw.expose(), None)
                    .await?
                    .into(),
            ),
            _ => data.id_token_claims.clone(),
        };
        token.id_token = token.id_token.or_else(|| data.token.id_token.clone());
        let fresh = SessionData {
            token,
            id_token_claims: claims,
            ..data.clone()
        };
        if !self.spec.reads_groups() || fresh.user.is_none() {
            return Ok(fresh);
        }
        match self.with_groups(http, fresh.clone()).await {
            Ok(updated) => Ok(updated),
            Err(e) => {
                tracing::warn!(provider = %self.spec.id, error = %e, "groups not read again after a refresh: they count as stale");
                Ok(fresh)
            }
        }
    }

    /// Revokes the session's tokens at the provider (best effort: the error is for the log).
    pub async fn revoke(
        &self,
        http: &reqwest::Client,
        redirect_uri: &str,
        data: &SessionData,
    ) -> Result<(), String> {
        let resolved = self.resolve(http).await.map_err(|e| e.to_string())?;
        match &self.spec.revocation {
            Revocation::Rfc7009 => {
                let Some(url) = resolved.revocation.as_deref() else {
                    return Ok(());
                };
                let client = self
                    .client(&resolved, redirect_uri)
                    .map_err(|e| e.to_string())?;
                token::revoke(
                    http,
                    client.client.clone(),
                    self.spec.sent_secret(),
                    url,
                    &data.token,
                )
                .await
            }
            Revocation::GitHubApplicationToken { url } => {
                let response = http
                    .delete(url)
                    .basic_auth(&self.spec.client_id, Some(self.spec.client_secret.expose()))
                    .json(&serde_json::json!({ "access_token": data.token.access_token.secret() }))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                match response.status().as_u16() {
                    204 | 404 => Ok(()),
                    other => Err(format!("token deletion answered HTTP {other}")),
                }
            }
        }
    }

    /// Verifies an ID token; a key id we do not know makes us fetch the JWKS again, once.
    async fn verify_id_token(
        &self,
        http: &reqwest::Client,
        discovered: &Arc<Discovered>,
        raw: &str,
        nonce: Option<&str>,
    ) -> Result<serde_json::Map<String, serde_json::Value>, AuthError> {
        let Endpoints::Discovery { issuer_rule, .. } = &self.spec.endpoints else {
            return Err(AuthError::IdToken("not an OpenID provider".into()));
        };
        let verify = |keys: &Discovered| {
            id_token::verify(raw, keys, issuer_rule, &self.spec.client_id, nonce)
        };
        match verify(discovered) {
            Err(IdTokenError::UnknownKey(_)) => {
                let cache = self
                    .discovery
                    .as_ref()
                    .expect("OpenID providers have a cache");
                let fresh = cache.refresh_keys(http, discovered).await?;
                verify(&fresh).map_err(|e| AuthError::IdToken(e.to_string()))
            }
            other => other.map_err(|e| AuthError::IdToken(e.to_string())),
        }
    }

    /// The scopes of one login (see [`scopes::for_login`]).
    pub fn scopes_for(&self, request: &LoginRequest) -> Result<Vec<String>, AuthError> {
        let user = self.fetches_user(request.fetch_user);
        scopes::for_login(&self.spec, user, &request.scope)
    }

    fn client(
        &self,
        resolved: &Resolved,
        redirect_uri: &str,
    ) -> Result<Arc<CachedClient>, AuthError> {
        self.clients.get(
            &resolved.authorization,
            &resolved.token,
            redirect_uri,
            || {
                token::client(
                    &self.spec.client_id,
                    self.spec.sent_secret(),
                    self.spec.client_auth,
                    &resolved.authorization,
                    &resolved.token,
                    redirect_uri,
                )
            },
        )
    }
}

#[cfg(test)]
mod tests;

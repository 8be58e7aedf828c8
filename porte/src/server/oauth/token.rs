//! The token endpoint through `oauth2`: code exchange (with PKCE) and the token set Porte keeps.
//! GitHub's quirks are handled here generically: an `error` body with HTTP 200 is a provider
//! error, and comma-separated scopes are split.

use crate::server::error::{chain, AuthError};
use crate::server::providers::{split_scopes, ClientAuth};
use crate::server::secret::Secret;
use crate::server::ClientSecret;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, ClientId, EndpointNotSet, EndpointSet, RedirectUrl, RequestTokenError,
    StandardRevocableToken, StandardTokenResponse, TokenResponse as _, TokenUrl,
};
use serde::{Deserialize, Serialize};

/// Token response fields beyond RFC 6749.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExtraFields {
    /// OpenID Connect ID token.
    pub id_token: Option<String>,
}
impl oauth2::ExtraTokenFields for ExtraFields {}

/// A token response.
pub type TokenResponse = StandardTokenResponse<ExtraFields, BasicTokenType>;

/// An `oauth2` client with authorization and token endpoints set.
pub type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The tokens of one sign-in, as sealed into the session token (never sent in clear; `Debug`
/// shows none of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    /// Access token.
    pub access_token: crate::AccessToken,
    /// Token type (`bearer`).
    pub token_type: String,
    /// Granted scopes.
    pub scope: Vec<String>,
    /// Lifetime at issue.
    pub expires_in: Option<u64>,
    /// Unix expiry time.
    pub expires_at: Option<u64>,
    /// Refresh token.
    pub refresh_token: Option<Secret>,
    /// Raw ID token (for `id_token_hint` at logout).
    pub id_token: Option<Secret>,
}

impl TokenSet {
    /// Whether the access token has expired at `now` (Unix seconds); never for tokens without an
    /// expiry (GitHub's OAuth apps).
    pub fn expired(&self, now: u64) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// Builds the client for one provider's endpoints.
pub fn client(
    client_id: &str,
    secret: Option<&ClientSecret>,
    auth: ClientAuth,
    authorization: &str,
    token: &str,
    redirect_uri: &str,
) -> Result<OAuthClient, AuthError> {
    let bad = |what: &str, e: url::ParseError| AuthError::TokenExchange(format!("{what}: {e}"));
    let client = oauth2::Client::new(ClientId::new(client_id.to_owned()));
    // Without a secret, oauth2 puts the client id in the form body whatever the auth type.
    let client = match secret {
        Some(s) => client.set_client_secret(oauth2::ClientSecret::new(s.expose().to_owned())),
        None => client,
    };
    Ok(client
        .set_auth_uri(
            AuthUrl::new(authorization.to_owned()).map_err(|e| bad("authorization URL", e))?,
        )
        .set_token_uri(TokenUrl::new(token.to_owned()).map_err(|e| bad("token URL", e))?)
        .set_redirect_uri(
            RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| bad("redirect URI", e))?,
        )
        .set_auth_type(match auth {
            ClientAuth::Basic => AuthType::BasicAuth,
            ClientAuth::Post | ClientAuth::Public => AuthType::RequestBody,
        }))
}

/// Exchanges the code (with the PKCE verifier when the flow used PKCE).
pub async fn exchange_code(
    http: &reqwest::Client,
    client: &OAuthClient,
    code: &str,
    pkce_verifier: Option<&Secret>,
) -> Result<TokenSet, AuthError> {
    let mut request = client.exchange_code(oauth2::AuthorizationCode::new(code.to_owned()));
    if let Some(v) = pkce_verifier {
        request = request.set_pkce_verifier(oauth2::PkceCodeVerifier::new(v.expose().to_owned()));
    }
    let response = request.request_async(http).await.map_err(token_error)?;
    Ok(token_set(&response, None))
}

/// Normalises a token response; `previous_refresh` is kept when the response has none.
pub fn token_set(response: &TokenResponse, previous_refresh: Option<Secret>) -> TokenSet {
    let expires_in = response.expires_in().map(|d| d.as_secs());
    TokenSet {
        access_token: crate::AccessToken::new(response.access_token().secret().clone()),
        token_type: match response.token_type() {
            BasicTokenType::Bearer => "Bearer".to_owned(),
            other => format!("{other:?}"),
        },
        scope: response
            .scopes()
            .map(|s| s.iter().flat_map(|s| split_scopes(s)).collect())
            .unwrap_or_default(),
        expires_in,
        // A provider may send any number: a huge one means "never", not an overflow.
        expires_at: expires_in.map(|s| (crate::server::clock::now()).saturating_add(s)),
        refresh_token: response
            .refresh_token()
            .map(|r| Secret::new(r.secret().clone()))
            .or(previous_refresh),
        id_token: response.extra_fields().id_token.clone().map(Secret::new),
    }
}

/// Maps a failed token request. A body that did not parse as a token response but is an OAuth
/// error (GitHub answers errors with HTTP 200) becomes that provider error.
pub fn token_error<E: std::error::Error + 'static>(
    e: RequestTokenError<E, BasicErrorResponse>,
) -> AuthError {
    #[derive(Deserialize)]
    struct ErrorBody {
        error: String,
        error_description: Option<String>,
    }
    match e {
        RequestTokenError::ServerResponse(r) => AuthError::Provider {
            error: r.error().to_string(),
            description: r.error_description().cloned(),
        },
        RequestTokenError::Parse(parse, body) => match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(b) => AuthError::Provider {
                error: b.error,
                description: b.error_description,
            },
            Err(_) => AuthError::TokenExchange(format!("malformed token response: {parse}")),
        },
        other => AuthError::TokenExchange(chain(&other)),
    }
}

/// Exchanges a refresh token. A response without a new refresh token keeps the old one (Google);
/// a new one replaces it (rotation).
pub async fn refresh(
    http: &reqwest::Client,
    client: &OAuthClient,
    refresh_token: &Secret,
) -> Result<TokenSet, AuthError> {
    let response = client
        .exchange_refresh_token(&oauth2::RefreshToken::new(
            refresh_token.expose().to_owned(),
        ))
        .request_async(http)
        .await
        .map_err(token_error)?;
    Ok(token_set(&response, Some(refresh_token.clone())))
}

/// RFC 7009: revokes the refresh token (which ends the grant at most providers), then the access
/// token. Best effort: failures are returned for the log only.
pub async fn revoke(
    http: &reqwest::Client,
    client: OAuthClient,
    secret: Option<&ClientSecret>,
    revocation_url: &str,
    tokens: &TokenSet,
) -> Result<(), String> {
    let mut list = Vec::new();
    if let Some(r) = &tokens.refresh_token {
        list.push(StandardRevocableToken::RefreshToken(
            oauth2::RefreshToken::new(r.expose().to_owned()),
        ));
    }
    list.push(StandardRevocableToken::AccessToken(
        oauth2::AccessToken::new(tokens.access_token.secret().to_owned()),
    ));
    let url = oauth2::RevocationUrl::new(revocation_url.to_owned()).map_err(|e| e.to_string())?;
    if url.url().scheme() != "https" && is_loopback(url.url()) {
        return revoke_on_loopback(http, &client, secret, url.url().as_str(), &list).await;
    }
    let client = client.set_revocation_url(url);
    let mut results = Vec::new();
    for token in list {
        let request = client.revoke_token(token).map_err(|e| e.to_string())?;
        results.push(request.request_async(http).await.map_err(|e| chain(&e)));
    }
    settle(results)
}

/// The refresh token goes first: revoking it ends the whole grant at most providers (RFC 7009
/// §2.1), and some (Google) then answer 400 for the grant's access token. So the first
/// revocation decides; a later failure is only logged.
fn settle(results: Vec<Result<(), String>>) -> Result<(), String> {
    let mut results = results.into_iter();
    let first = results.next().unwrap_or(Ok(()));
    for later in results {
        if let Err(e) = later {
            tracing::debug!(error = %e, "revoking the access token after its grant failed");
        }
    }
    first
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

/// oauth2 refuses revocation URLs that are not https, which is right for the internet but
/// leaves out a development provider on 127.0.0.1. There only, the same RFC 7009 request
/// (form body `token` + `token_type_hint`, client authentication as for the token endpoint).
async fn revoke_on_loopback(
    http: &reqwest::Client,
    client: &OAuthClient,
    secret: Option<&ClientSecret>,
    url: &str,
    tokens: &[StandardRevocableToken],
) -> Result<(), String> {
    use oauth2::RevocableToken;
    let id = client.client_id().as_str();
    let mut results = Vec::new();
    for token in tokens {
        let mut form = vec![("token", token.secret())];
        if let Some(hint) = token.type_hint() {
            form.push(("token_type_hint", hint));
        }
        let request = match (client.auth_type(), secret.map(ClientSecret::expose)) {
            (AuthType::BasicAuth, Some(secret)) => http.post(url).basic_auth(id, Some(secret)),
            (_, secret) => {
                form.push(("client_id", id));
                form.extend(secret.map(|s| ("client_secret", s)));
                http.post(url)
            }
        };
        let status = request.form(&form).send().await.map(|r| r.status());
        results.push(match status {
            Ok(s) if s.is_success() => Ok(()),
            Ok(s) => Err(format!("revocation answered HTTP {s}")),
            Err(e) => Err(chain(&e)),
        });
    }
    settle(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth2::{AccessToken, RefreshToken};

    #[test]
    fn the_first_revocation_decides_and_later_failures_are_tolerated() {
        let e = || Err("HTTP 400".to_owned());
        assert_eq!(settle(vec![Ok(()), e()]), Ok(()));
        assert_eq!(settle(vec![e(), Ok(())]), e());
        assert_eq!(settle(vec![]), Ok(()));
    }

    fn response(refresh: Option<&str>, scope: &str) -> TokenResponse {
        let mut r = TokenResponse::new(
            AccessToken::new("new-access".into()),
            BasicTokenType::Bearer,
            ExtraFields::default(),
        );
        r.set_refresh_token(refresh.map(|t| RefreshToken::new(t.into())));
        r.set_scopes(Some(vec![oauth2::Scope::new(scope.into())]));
        r.set_expires_in(Some(&std::time::Duration::from_secs(5)));
        r
    }

    #[test]
    fn a_refresh_without_a_new_refresh_token_keeps_the_old_one_and_rotation_replaces_it() {
        // Google: no refresh_token in refresh responses.
        let old = || Some(Secret::new("old-refresh"));
        let kept = token_set(&response(None, "openid"), old());
        assert_eq!(kept.refresh_token, old());
        // Rotating providers (the local one, Entra, Auth0): the new one replaces it.
        let rotated = token_set(&response(Some("new-refresh"), "openid"), old());
        assert_eq!(rotated.refresh_token, Some(Secret::new("new-refresh")));
        assert_eq!(rotated.expires_in, Some(5));
        assert!(rotated.expires_at.unwrap() >= crate::server::clock::now() + 4);
    }

    #[test]
    fn github_comma_scopes_are_split() {
        let t = token_set(&response(None, "read:user,user:email"), None);
        assert_eq!(t.scope, ["read:user", "user:email"]);
    }

    #[test]
    fn an_error_body_with_http_200_is_the_providers_error() {
        let body = br#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#;
        let parse = serde_path_to_error::deserialize::<_, TokenResponse>(
            &mut serde_json::Deserializer::from_slice(body),
        )
        .unwrap_err();
        let e = token_error::<std::io::Error>(RequestTokenError::Parse(parse, body.to_vec()));
        assert_eq!(
            e,
            AuthError::Provider {
                error: "bad_verification_code".into(),
                description: Some("The code passed is incorrect or expired.".into())
            }
        );
    }
}

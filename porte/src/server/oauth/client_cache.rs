//! One provider's OAuth client, kept between logins.
//!
//! Building a client parses its three URLs (authorization, token, redirect), about a tenth of
//! what Porte itself spends on a login, and a login used to build it twice (start and
//! callback). What it is built from can still change while the server runs: discovery may
//! return other endpoints after a refetch, and a desktop login's loopback redirect URI is new
//! for every login. So the client is kept with those three texts and built again when one of
//! them differs.

use crate::server::error::AuthError;
use crate::server::oauth::token::OAuthClient;
use std::sync::{Arc, Mutex, PoisonError};

/// The last client built, with what it was built from.
#[derive(Default)]
pub(crate) struct ClientCache(Mutex<Option<Arc<CachedClient>>>);

/// A client and the endpoints and redirect URI it was built for.
pub(crate) struct CachedClient {
    authorization: String,
    token: String,
    redirect_uri: String,
    /// The client.
    pub client: OAuthClient,
}

impl ClientCache {
    /// The client for these endpoints and redirect URI: the kept one when it was built for
    /// them, else one built by `build` (and kept in its place).
    pub fn get(
        &self,
        authorization: &str,
        token: &str,
        redirect_uri: &str,
        build: impl FnOnce() -> Result<OAuthClient, AuthError>,
    ) -> Result<Arc<CachedClient>, AuthError> {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(kept) = slot.as_ref().filter(|c| {
            c.authorization == authorization && c.token == token && c.redirect_uri == redirect_uri
        }) {
            return Ok(Arc::clone(kept));
        }
        let built = Arc::new(CachedClient {
            authorization: authorization.to_owned(),
            token: token.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            client: build()?,
        });
        *slot = Some(Arc::clone(&built));
        Ok(built)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::oauth::token;
    use crate::server::providers::ClientAuth;
    use std::cell::Cell;

    fn cached(
        cache: &ClientCache,
        builds: &Cell<u32>,
        token_url: &str,
        redirect: &str,
    ) -> Arc<CachedClient> {
        cache
            .get("https://idp.example/auth", token_url, redirect, || {
                builds.set(builds.get() + 1);
                token::client(
                    "id",
                    None,
                    ClientAuth::Public,
                    "https://idp.example/auth",
                    token_url,
                    redirect,
                )
            })
            .unwrap()
    }

    #[test]
    fn a_client_is_built_again_only_when_its_endpoints_or_redirect_uri_change() {
        let cache = ClientCache::default();
        let builds = Cell::new(0);
        let web = "https://app.example/api/oauth/redirect";
        let first = cached(&cache, &builds, "https://idp.example/token", web);
        cached(&cache, &builds, "https://idp.example/token", web);
        assert_eq!(builds.get(), 1, "the same inputs reuse the client");

        let moved = cached(&cache, &builds, "https://idp.example/token2", web);
        assert_eq!(
            builds.get(),
            2,
            "a rediscovered token endpoint builds a new client"
        );
        assert_eq!(
            moved.client.token_uri().as_str(),
            "https://idp.example/token2"
        );

        let desktop = cached(
            &cache,
            &builds,
            "https://idp.example/token2",
            "http://127.0.0.1:53117/callback",
        );
        assert_eq!(
            builds.get(),
            3,
            "a new loopback redirect URI builds a new client"
        );
        assert_eq!(
            desktop.client.redirect_uri().map(|u| u.as_str()),
            Some("http://127.0.0.1:53117/callback")
        );
        assert_eq!(
            first.client.token_uri().as_str(),
            "https://idp.example/token",
            "a client in use keeps its endpoints"
        );
    }
}

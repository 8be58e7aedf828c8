//! RP-initiated logout URLs (OpenID RP-Initiated Logout 1.0, and Auth0's `/v2/logout` for
//! tenants that do not publish an `end_session_endpoint`).

use crate::server::providers::Logout;
use url::Url;

/// What a logout redirect carries.
pub struct LogoutRequest<'a> {
    /// The registered client id.
    pub client_id: &'a str,
    /// The raw ID token of the session, when there is one.
    pub id_token_hint: Option<&'a str>,
    /// A registered post-logout redirect URI.
    pub post_logout_redirect_uri: &'a str,
    /// A value checked when the provider redirects back.
    pub state: &'a str,
}

/// Where to send the browser to end the provider session, or `None` when the provider has no
/// such endpoint (GitHub, Google, LinkedIn).
pub fn logout_url(
    rule: &Logout,
    end_session_endpoint: Option<&str>,
    request: &LogoutRequest,
) -> Option<String> {
    match (rule, end_session_endpoint) {
        (Logout::None, _) => None,
        (Logout::EndSession | Logout::EndSessionOrAuth0 { .. }, Some(endpoint)) => {
            let mut url = Url::parse(endpoint).ok()?;
            {
                let mut q = url.query_pairs_mut();
                if let Some(hint) = request.id_token_hint {
                    q.append_pair("id_token_hint", hint);
                }
                q.append_pair("post_logout_redirect_uri", request.post_logout_redirect_uri)
                    .append_pair("client_id", request.client_id)
                    .append_pair("state", request.state);
            }
            Some(url.into())
        }
        (Logout::EndSession, None) => None,
        (Logout::EndSessionOrAuth0 { base }, None) => {
            let mut url = Url::parse(&format!("{base}/v2/logout")).ok()?;
            url.query_pairs_mut()
                .append_pair("client_id", request.client_id)
                .append_pair("returnTo", request.post_logout_redirect_uri);
            Some(url.into())
        }
    }
}

/// The examples that were in this module's docs (its items are private).
#[cfg(test)]
mod examples {
    #[test]
    fn logout_urls_follow_each_providers_convention_and_none_without_an_endpoint() {
        use crate::server::{
            oauth::rp_logout::{logout_url, LogoutRequest},
            providers::Logout,
        };
        let req = LogoutRequest {
            client_id: "c",
            id_token_hint: Some("eyJ"),
            post_logout_redirect_uri: "http://127.0.0.1:3000/",
            state: "s",
        };
        let auth0 = Logout::EndSessionOrAuth0 {
            base: "https://t.auth0.com".into(),
        };
        assert_eq!(
            logout_url(&auth0, None, &req).unwrap(),
            "https://t.auth0.com/v2/logout?client_id=c&returnTo=http%3A%2F%2F127.0.0.1%3A3000%2F"
        );
        let oidc = logout_url(
            &Logout::EndSession,
            Some("https://idp.example/logout"),
            &req,
        )
        .unwrap();
        assert!(oidc
            .starts_with("https://idp.example/logout?id_token_hint=eyJ&post_logout_redirect_uri="));
        assert_eq!(
            logout_url(&Logout::None, Some("https://idp.example/logout"), &req),
            None
        );
        assert_eq!(logout_url(&Logout::EndSession, None, &req), None);
    }
}

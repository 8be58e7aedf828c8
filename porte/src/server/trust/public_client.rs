//! A public client (a desktop app, RFC 8252) holds no secret: none is sent at sign-in, refresh
//! or revocation, PKCE always guards its code, and a configuration that would drop PKCE or set
//! a secret on one is refused at start-up.

use super::fixtures::{sign_in, KEY};
use crate::server::providers::{oauth, ClientAuth, Endpoints, OAuthEndpoints};
use crate::server::session::lifecycle;
use crate::ConfigError;
use std::sync::{Arc, Mutex};

/// What one request to the provider carried: its path, `Authorization` header and form body.
type Seen = Arc<Mutex<Vec<(String, Option<String>, String)>>>;

/// A provider on a loopback port whose token and revocation endpoints note every request.
async fn provider(seen: Seen) -> String {
    use axum::http::{header, HeaderMap, Uri};
    let note = move |uri: Uri, headers: HeaderMap, body: String| {
        let seen = seen.clone();
        async move {
            let auth = headers
                .get(header::AUTHORIZATION)
                .map(|v| v.to_str().unwrap().to_owned());
            seen.lock()
                .unwrap()
                .push((uri.path().to_owned(), auth, body));
            (
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"access_token":"at","token_type":"Bearer","expires_in":3600,"refresh_token":"rt"}"#,
            )
        }
    };
    let app = axum::Router::new()
        .route("/token", axum::routing::post(note.clone()))
        .route("/revoke", axum::routing::post(note))
        .route(
            "/me",
            axum::routing::get(|| async { axum::Json(serde_json::json!({"sub": "u1"})) }),
        );
    crate::server::testing::serve_on_loopback(app).await
}

fn public_spec(base: &str) -> crate::server::providers::ProviderSpec {
    let endpoints = OAuthEndpoints {
        authorization: format!("{base}/auth"),
        token: format!("{base}/token"),
        userinfo: format!("{base}/me"),
    };
    let mut spec = oauth("desk", endpoints, "desktop-app", "")
        .unwrap()
        .as_public_client();
    if let Endpoints::Explicit { revocation, .. } = &mut spec.endpoints {
        *revocation = Some(format!("{base}/revoke"));
    }
    spec
}

fn form(body: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

fn has(form: &[(String, String)], key: &str) -> Option<String> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

#[tokio::test]
async fn a_public_client_signs_in_refreshes_and_logs_out_without_any_secret() {
    let seen: Seen = Arc::default();
    let base = provider(seen.clone()).await;
    let porte = crate::Porte::builder()
        .production(false)
        .secret_key(KEY)
        .provider(public_spec(&base))
        .build()
        .unwrap();
    let (url, finished, cookie) = sign_in(&porte, "desk").await;
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        has(&query, "code_challenge_method").as_deref(),
        Some("S256")
    );
    let signed_in = finished.completion.outcome.expect("signed in");

    // The session is refreshed and ended like any other, by the browser that signed in.
    let sealed = signed_in.sealed;
    lifecycle::refresh(&porte, &sealed, Some(&cookie))
        .await
        .expect("refreshed");
    lifecycle::logout(&porte, &sealed, Some(&cookie), false)
        .await
        .expect("logged out");

    let seen = seen.lock().unwrap();
    let paths: Vec<&str> = seen.iter().map(|(p, _, _)| p.as_str()).collect();
    // Sign-in, refresh, then the refresh and access tokens revoked.
    assert_eq!(paths, ["/token", "/token", "/revoke", "/revoke"]);
    for (path, auth, body) in seen.iter() {
        let form = form(body);
        assert_eq!(auth, &None, "{path}: no client authentication header");
        assert_eq!(has(&form, "client_secret"), None, "{path}: no secret");
        assert_eq!(has(&form, "client_id").as_deref(), Some("desktop-app"));
    }
    let verifier = has(&form(&seen[0].2), "code_verifier").expect("the PKCE verifier is sent");
    assert!(verifier.len() >= 43, "{verifier}");
}

#[test]
fn a_public_client_without_pkce_or_with_a_secret_is_refused_at_start_up() {
    let build = |spec| {
        crate::Porte::builder()
            .production(false)
            .secret_key(KEY)
            .provider(spec)
            .build()
            .err()
    };
    let mut no_pkce = public_spec("https://desk.example");
    no_pkce.pkce = false;
    let refused = build(no_pkce).expect("refused");
    assert!(refused.to_string().contains("needs PKCE"), "{refused}");
    let mut with_secret = public_spec("https://desk.example");
    with_secret.client_secret = crate::ClientSecret::new("shipped-in-the-binary");
    let refused = build(with_secret).expect("refused");
    assert!(refused.to_string().contains("sends no secret"), "{refused}");
    // The confidential default still sends its secret.
    let confidential = oauth(
        "web",
        OAuthEndpoints {
            authorization: "https://web.example/auth".into(),
            token: "https://web.example/token".into(),
            userinfo: "https://web.example/me".into(),
        },
        "id",
        "secret",
    )
    .unwrap();
    assert_eq!(confidential.client_auth, ClientAuth::Basic);
    assert!(build(confidential).is_none());
}

#[test]
fn public_clients_from_the_environment_have_no_secret_and_always_pkce() {
    let config = |extra: &[(&str, &str)]| {
        let mut vars = vec![
            ("OAUTH_DESK_AUTHORIZATION_URL", "https://desk.example/auth"),
            ("OAUTH_DESK_TOKEN_URL", "https://desk.example/token"),
            ("OAUTH_DESK_USERINFO_URL", "https://desk.example/me"),
            ("OAUTH_DESK_CLIENT_ID", "desktop-app"),
            ("OAUTH_DESK_CLIENT_AUTH", "none"),
        ];
        vars.extend_from_slice(extra);
        crate::server::porte::Config::from_vars(
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        )
    };
    let spec = &config(&[]).unwrap().providers[0];
    assert_eq!((spec.client_auth, spec.pkce), (ClientAuth::Public, true));
    let secret = config(&[("OAUTH_DESK_CLIENT_SECRET", "s")]).unwrap_err();
    assert!(
        matches!(&secret, ConfigError::Invalid { name, .. } if name == "OAUTH_DESK_CLIENT_SECRET"),
        "{secret}"
    );
    let no_pkce = config(&[("OAUTH_DESK_PKCE", "false")]).unwrap_err();
    assert!(no_pkce.to_string().contains("needs PKCE"), "{no_pkce}");
    let oidc = crate::server::porte::Config::from_vars(
        [
            ("OIDC_KC_ISSUER", "https://sso.example/realms/main"),
            ("OIDC_KC_CLIENT_ID", "desktop-app"),
            ("OIDC_KC_CLIENT_AUTH", "public"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    )
    .unwrap();
    assert_eq!(oidc.providers[0].client_auth, ClientAuth::Public);
    assert!(oidc.providers[0].sent_secret().is_none());
}

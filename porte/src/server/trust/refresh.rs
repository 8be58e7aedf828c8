//! Refresh errors mean what they say: a sign-in without a refresh token stays signed in until
//! its own expiry (only the provider's token is stale), and only the provider's answer about
//! this grant ends a session; the app's own credentials refused is the operator's problem.

use super::fixtures::{porte, session, token_endpoint, Browser};
use crate::server::clock::now;
use crate::server::http::extract::session_from_parts;
use crate::server::session::lifecycle;
use crate::{Error, ErrorCode};

#[tokio::test]
async fn an_expired_access_token_without_refresh_keeps_the_session() {
    let porte = porte(&[]);
    let mut data = session(&porte, "corp", &[]);
    data.token.expires_at = Some(now() - 1);
    data.token.refresh_token = None;
    let mut browser = Browser::new();
    let sealed = browser.hold(&porte, &data);
    let signed_in = session_from_parts(&porte, &browser.call(), None).await;
    let session = signed_in.expect("the identity was proven at sign-in");
    assert_eq!(session.user_id(), "user-1");
    // Only what needs the provider's token says so.
    let e = session.access_token().unwrap_err();
    assert_eq!(e.error, ErrorCode::TokenExpired);
    assert!(e.to_string().contains("no refresh token"), "{e}");
    assert_eq!(
        session.api_get("me").await.unwrap_err().error,
        ErrorCode::TokenExpired
    );
    // A refresh says it cannot (no made-up invalid_grant), and nothing is revoked.
    let e = Error::from(
        lifecycle::refresh(&porte, &sealed, Some(&browser.cookie()))
            .await
            .unwrap_err(),
    );
    assert_eq!(e.error, ErrorCode::TokenExpired);
    assert!(!e.error.ends_session());
    assert!(session_from_parts(&porte, &browser.call(), None)
        .await
        .is_ok());
}

#[tokio::test]
async fn only_the_providers_word_on_this_grant_ends_a_session() {
    for (status, body, ends) in [
        (401, r#"{"error":"invalid_client"}"#, false),
        (400, r#"{"error":"unauthorized_client"}"#, false),
        (503, r#"{"error":"temporarily_unavailable"}"#, false),
        (400, r#"{"error":"invalid_grant"}"#, true),
    ] {
        let base = token_endpoint(status, body).await;
        let (auth, token, me) = (
            format!("{base}/auth"),
            format!("{base}/token"),
            format!("{base}/me"),
        );
        let porte = porte(&[
            ("OAUTH_ACME_AUTHORIZATION_URL", auth.as_str()),
            ("OAUTH_ACME_TOKEN_URL", token.as_str()),
            ("OAUTH_ACME_USERINFO_URL", me.as_str()),
            ("OAUTH_ACME_CLIENT_ID", "id"),
            ("OAUTH_ACME_CLIENT_SECRET", "secret"),
        ]);
        let mut data = session(&porte, "acme", &[]);
        data.token.expires_at = Some(now() - 1);
        let mut browser = Browser::new();
        let sealed = browser.hold(&porte, &data);
        let e = Error::from(
            lifecycle::refresh(&porte, &sealed, Some(&browser.cookie()))
                .await
                .unwrap_err(),
        );
        assert_eq!(e.error.ends_session(), ends, "{body}: {e}");
        let after = session_from_parts(&porte, &browser.call(), None).await;
        match after {
            Ok(_) => assert!(!ends, "{body}: the session should have ended"),
            Err(r) => {
                assert!(ends, "{body}: the session ended: {}", r.error);
                assert_eq!(r.error.error, ErrorCode::SessionEnded);
            }
        }
    }
}

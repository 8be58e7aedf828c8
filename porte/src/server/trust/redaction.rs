//! No token in `Debug`: one `{:?}` in an app's log line must not leak an access, refresh or ID
//! token, a PKCE verifier, a nonce, a client secret or a key. Every public type that can hold
//! one, and the internal ones that do, formatted with secrets in every field.

use super::fixtures::{porte, session, Browser};
use crate::server::http::extract::session_from_parts;
use crate::server::login::flow;
use crate::server::login::flow_cookie::PendingLogin;
use crate::server::secret::Secret;
use crate::{
    AccessToken, Authorization, ErrorCode, LoginEvent, LogoutEvent, ProviderId, SealedToken,
    TokenInfo,
};

/// Every secret below contains this; none may appear in any output.
const MARK: &str = "S3CR3T";

#[tokio::test]
async fn no_public_type_shows_a_token_in_debug() {
    let porte = porte(&[]);
    let mut data = session(&porte, "corp", &[]);
    data.token.access_token = AccessToken::new(format!("access-{MARK}"));
    data.token.refresh_token = Some(Secret::new(format!("refresh-{MARK}")));
    data.token.id_token = Some(Secret::new(format!("eyJ.id-{MARK}")));
    let mut browser = Browser::new();
    let sealed = browser.hold(&porte, &data);
    let session = session_from_parts(&porte, &browser.call(), None)
        .await
        .unwrap();
    let token = TokenInfo::from(&data);
    let authorization: Authorization = flow::authorization(&porte, &data, sealed.clone()).unwrap();
    let mut flow = PendingLogin::new(ProviderId::parse("corp").unwrap(), "state");
    flow.pkce_verifier = Some(Secret::new(format!("verifier-{MARK}")));
    flow.nonce = Some(Secret::new(format!("nonce-{MARK}")));
    let builder = crate::Porte::builder()
        .secret_key(format!("key-{MARK}-0123456789abcdef0123456789"))
        .provider(crate::providers::github("id", format!("client-{MARK}")))
        .redis_url(format!("redis://:{MARK}@127.0.0.1:1/"));
    let redis = crate::RedisStore::lazy(&format!("redis://:{MARK}@127.0.0.1:1/")).unwrap();
    let shown = [
        format!("{:?}", AccessToken::new(MARK)),
        format!("{:?}", SealedToken::new(format!("p1.{MARK}"))),
        format!("{token:?}"),
        format!("{authorization:?}"),
        format!("{session:?}"),
        format!("{porte:?}"),
        format!("{builder:?}"),
        format!("{:?}", crate::providers::github("id", MARK)),
        format!("{:?}", crate::ClientSecret::new(MARK)),
        format!("{redis:?}"),
        format!("{data:?}"),
        format!("{:?}", data.token),
        format!("{flow:?}"),
        format!("{:?}", LoginEvent::success(None)),
        format!(
            "{:?}",
            LogoutEvent {
                provider: ProviderId::parse("corp").unwrap(),
                reason: None,
                code: Some(ErrorCode::SessionEnded),
            }
        ),
    ];
    for (i, text) in shown.iter().enumerate() {
        assert!(!text.contains(MARK), "item {i} shows a secret: {text}");
    }
    // What Debug hides is still there for the code that asks for it.
    assert_eq!(token.access_token.secret(), format!("access-{MARK}"));
    assert_eq!(session.access_token().unwrap(), format!("access-{MARK}"));
}

//! Key rotation without casualties: a rotation deployed in two phases (next key everywhere, then
//! the switch) opens every session and every login in flight; an instance that meets a key it
//! does not know yet answers a retryable 503 instead of signing the user out for good.

use super::fixtures::{opens, porte, session, Browser};
use crate::server::login::flow;
use crate::server::login::flow_cookie::PendingLogin;
use crate::server::login::redirect_query::RedirectQuery;
use crate::{Error, ErrorCode, ProviderId};

const OLD: &str = "the-old-key-0123456789abcdef0123456789";
const NEW: &str = "the-new-key-0123456789abcdef0123456789";

#[tokio::test]
async fn a_two_phase_rotation_opens_every_session_and_a_skipped_phase_is_retryable() {
    let old = porte(&[("PORTE_SECRET_KEY", OLD)]);
    let phase1 = porte(&[("PORTE_SECRET_KEY", OLD), ("PORTE_NEXT_SECRET_KEY", NEW)]);
    let phase2 = porte(&[
        ("PORTE_SECRET_KEY", NEW),
        ("PORTE_PREVIOUS_SECRET_KEYS", OLD),
    ]);
    let mut before = Browser::new();
    before.hold(&old, &session(&old, "corp", &[]));
    let mut after = Browser::new();
    after.hold(&phase2, &session(&phase2, "corp", &[]));
    // During the second deploy, old and new instances serve the same users.
    for instance in [&old, &phase1, &phase2] {
        assert_eq!(opens(instance, &before).await, Ok(()));
    }
    assert_eq!(opens(&phase1, &after).await, Ok(()));
    assert_eq!(opens(&phase2, &after).await, Ok(()));
    // Phase 1 skipped: an instance that never heard of the new key. Retryable, not final.
    let e = opens(&old, &after).await.unwrap_err();
    assert_eq!(e, ErrorCode::SessionKeyUnknown);
    assert!(!e.ends_session() && e.status() == 503);
    // The throw-away development key: a token of an earlier process is simply invalid.
    let dev = crate::Porte::builder().production(false).build().unwrap();
    assert_eq!(opens(&dev, &after).await, Err(ErrorCode::InvalidSession));
}

#[tokio::test]
async fn a_login_started_before_the_switch_finishes_after_it() {
    let old = porte(&[("PORTE_SECRET_KEY", OLD)]);
    let phase2 = porte(&[
        ("PORTE_SECRET_KEY", NEW),
        ("PORTE_PREVIOUS_SECRET_KEYS", OLD),
    ]);
    let stranger = porte(&[("PORTE_SECRET_KEY", NEW)]);
    let browser = Browser::new();
    let mut flow = PendingLogin::new(ProviderId::parse("corp").unwrap(), "state-1");
    flow.browser = browser.binding.fingerprint();
    let cookie = old.cookies().seal(&flow).encoded().stripped().to_string();
    let header = format!("{cookie}; {}", browser.cookie());
    let query = RedirectQuery {
        code: Some("code".into()),
        state: Some("state-1".into()),
        ..RedirectQuery::default()
    };
    let code = |porte: crate::Porte| {
        let (query, header) = (query.clone(), header.clone());
        async move {
            let finished = flow::complete_login(&porte, &query, Some(&header)).await;
            finished
                .completion
                .outcome
                .map(|_| ())
                .map_err(|e: Error| e.error)
        }
    };
    // The flow opens after the switch: the login goes on to the provider (which is down here).
    assert_eq!(code(phase2).await, Err(ErrorCode::ProviderUnavailable));
    // Under a key that was never this deployment's, there is no login pending.
    assert_eq!(code(stranger).await, Err(ErrorCode::InvalidState));
}

//! An operator can cut sessions short: the configured lifetimes apply at every check from the
//! sign-in and last-use times (lowering them ends sessions signed in under the old ones), and a
//! cut-off ends every session signed in before it.

use super::fixtures::{porte, session, Browser};
use crate::server::clock::now;
use crate::server::http::extract::session_from_parts;
use crate::server::session::lifecycle;
use crate::ErrorCode;

#[tokio::test]
async fn lowered_lifetimes_and_a_cut_off_apply_to_sessions_already_signed_in() {
    // Signed in two minutes ago under the defaults (30 days, idle 7 days), last used a minute ago.
    let before = porte(&[]);
    let mut data = session(&before, "corp", &[]);
    data.lifetime.signed_in_at = now() - 120;
    data.lifetime.last_used_at = Some(now() - 60);
    let mut browser = Browser::new();
    browser.hold(&before, &data);
    let code = |vars: &[(&str, &str)]| {
        let porte = porte(vars);
        let parts = browser.call();
        async move {
            session_from_parts(&porte, &parts, None)
                .await
                .err()
                .map(|r| r.error.error)
        }
    };
    assert_eq!(
        code(&[]).await,
        None,
        "alive under the lifetimes it was sealed with"
    );
    // The server restarted with a maximum age of 100 s: over at once (it was 200 before the fix).
    let short = [
        ("PORTE_SESSION_MAX_AGE_SECS", "100"),
        ("PORTE_SESSION_IDLE_SECS", "100"),
    ];
    assert_eq!(code(&short).await, Some(ErrorCode::SessionExpired));
    // An idle lifetime of 30 s: over, a minute after its last use.
    let idle = [("PORTE_SESSION_IDLE_SECS", "30")];
    assert_eq!(code(&idle).await, Some(ErrorCode::SessionExpired));
    // The kill switch: every session signed in before now is over, with the final code.
    let cut = (now() - 10).to_string();
    let code_after_cut = code(&[("PORTE_SESSIONS_NOT_BEFORE", cut.as_str())]).await;
    assert_eq!(code_after_cut, Some(ErrorCode::SessionEnded));
    assert!(code_after_cut.unwrap().ends_session());
    // A session signed in after the cut-off is untouched by it.
    let later = porte(&[("PORTE_SESSIONS_NOT_BEFORE", cut.as_str())]);
    let mut fresh = Browser::new();
    fresh.hold(&later, &session(&later, "corp", &[]));
    assert!(session_from_parts(&later, &fresh.call(), None)
        .await
        .is_ok());
}

#[tokio::test]
async fn a_restored_session_shows_the_lowered_expiry_to_the_browser() {
    let before = porte(&[]);
    let mut data = session(&before, "corp", &[]);
    data.lifetime.signed_in_at = now() - 10;
    let mut browser = Browser::new();
    let sealed = browser.hold(&before, &data);
    let after = porte(&[
        ("PORTE_SESSION_MAX_AGE_SECS", "60"),
        ("PORTE_SESSION_IDLE_SECS", "60"),
    ]);
    let restored = lifecycle::restore(&after, &sealed, Some(&browser.cookie()))
        .await
        .unwrap();
    assert_eq!(restored.session.expires_at, data.lifetime.signed_in_at + 60);
    assert!(restored.session.idle_until <= restored.session.expires_at);
}

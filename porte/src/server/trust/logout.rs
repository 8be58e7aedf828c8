//! Logout fails closed: when the revocation store cannot record the end of a session, the
//! browser is told (with a receipt to present again), nothing claims the session ended
//! everywhere, and once the store is back the receipt makes the end stick on every instance.

use super::fixtures::{opens, porte_with, session, Browser, Flaky};
use crate::server::session::lifecycle;
use crate::server::AuthError;
use crate::{Error, ErrorCode};
use std::sync::Arc;

#[tokio::test]
async fn a_logout_the_store_cannot_record_is_reported_and_retried_never_claimed() {
    let store = Arc::new(Flaky::default());
    // Two instances of the app, sharing the store.
    let (a, b) = (
        porte_with(&[], store.clone()),
        porte_with(&[], store.clone()),
    );
    let mut browser = Browser::new();
    let sealed = browser.hold(&a, &session(&a, "corp", &[]));
    // A copy of the token and the cookie, taken before the logout (a copied profile, malware).
    let copy = Browser {
        binding: browser.binding.clone(),
        sessions: browser.sessions.clone(),
    };

    store.set_down(true);
    let out = lifecycle::logout(&a, &sealed, Some(&browser.cookie()), false)
        .await
        .unwrap();
    let receipt = out.unrecorded.expect("the logout says it is not recorded");
    assert!(out.rebind, "it still ends in this browser (a new binding)");
    let told = Error::from(AuthError::LogoutIncomplete(String::new()));
    assert_eq!(
        (told.error.clone(), told.status()),
        (ErrorCode::LogoutIncomplete, 503)
    );
    assert!(
        told.to_string().contains("signed out in this browser"),
        "{told}"
    );

    store.set_down(false);
    // Until the receipt comes back, the copy still opens: exactly what the message warns of.
    assert_eq!(opens(&b, &copy).await, Ok(()));
    let again = lifecycle::logout(&b, &receipt, None, false).await.unwrap();
    assert!(again.unrecorded.is_none() && !again.rebind);
    for instance in [&a, &b] {
        assert_eq!(opens(instance, &copy).await, Err(ErrorCode::SessionEnded));
    }
    // A receipt is not a session: it opens nothing.
    let mut forged = Browser::new();
    forged.sessions.push(("corp".into(), receipt.clone()));
    assert_eq!(opens(&a, &forged).await, Err(ErrorCode::InvalidSession));
}

#[tokio::test]
async fn a_receipt_presented_while_the_store_is_still_down_is_kept() {
    let store = Arc::new(Flaky::default());
    let a = porte_with(&[], store.clone());
    let mut browser = Browser::new();
    let sealed = browser.hold(&a, &session(&a, "corp", &[]));
    store.set_down(true);
    let receipt = lifecycle::logout(&a, &sealed, Some(&browser.cookie()), false)
        .await
        .unwrap()
        .unrecorded
        .unwrap();
    let still = lifecycle::logout(&a, &receipt, None, false).await.unwrap();
    assert_eq!(
        still.unrecorded,
        Some(receipt),
        "the browser keeps it for the next try"
    );
}

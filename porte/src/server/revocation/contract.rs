//! The promises every [`RevocationStore`] keeps, as a check a store's own tests can run: Porte
//! runs it against [`MemoryStore`](super::MemoryStore) and [`RedisStore`](super::RedisStore),
//! and a third-party store (Postgres, DynamoDB, …) runs it with the `test-util` feature.

use super::RevocationStore;
use crate::server::clock::now as unix_now;
use std::time::{Duration, Instant};

/// Checks the contract of [`RevocationStore`] against `store`, panicking (as a test assertion
/// does) at the first broken promise: unknown ids read not revoked; revoking is idempotent and
/// touches no other id; an `until` already past revokes nothing; `u64::MAX` neither fails nor
/// overflows; hundreds of ids stay independent; an entry ends at its `until` (within seconds), an
/// earlier `until` never shortens an entry and a later one extends it.
///
/// Ids are unique per run, so a shared store (a real Redis, a test database) may be used. Takes
/// a few seconds: it waits for one entry to expire. Run it from your store's tests (feature
/// `test-util`):
///
/// ```no_run
/// # use porte::{MemoryStore, RevocationStore};
/// #[tokio::test]
/// async fn my_store_keeps_porte_s_contract() {
///     let store = MemoryStore::new(); // your store here
///     porte::check_revocation_store(&store).await;
/// }
/// ```
pub async fn check_revocation_store(store: &dyn RevocationStore) {
    let run = format!("{:016x}", rand::random::<u64>());
    let id = |name: &str| format!("{run}-{name}");
    let now = unix_now();

    // Unknown → not revoked.
    assert!(!store.is_revoked(&id("unknown")).await.unwrap());

    // Revoke → revoked; again → still revoked (idempotent); other ids unaffected.
    store.revoke(&id("a"), now + 3600).await.unwrap();
    assert!(store.is_revoked(&id("a")).await.unwrap());
    store.revoke(&id("a"), now + 3600).await.unwrap();
    store.revoke(&id("a"), now + 3600).await.unwrap();
    assert!(store.is_revoked(&id("a")).await.unwrap());
    assert!(!store.is_revoked(&id("b")).await.unwrap());

    // An `until` already past is accepted, and nothing reads revoked.
    store.revoke(&id("past"), now - 1).await.unwrap();
    store.revoke(&id("zero"), 0).await.unwrap();
    assert!(!store.is_revoked(&id("past")).await.unwrap());
    assert!(!store.is_revoked(&id("zero")).await.unwrap());

    // The top of the range neither fails nor overflows.
    store.revoke(&id("forever"), u64::MAX).await.unwrap();
    assert!(store.is_revoked(&id("forever")).await.unwrap());

    // Many ids, each independent.
    for i in 0..300 {
        store
            .revoke(&id(&format!("many-{i}")), now + 3600)
            .await
            .unwrap();
    }
    for i in 0..300 {
        assert!(
            store.is_revoked(&id(&format!("many-{i}"))).await.unwrap(),
            "many-{i}"
        );
        assert!(
            !store.is_revoked(&id(&format!("other-{i}"))).await.unwrap(),
            "other-{i}"
        );
    }

    // Expiry: `short` ends within a second or two. `long` was re-revoked with that short `until`
    // (must not shorten it); `extended` had the short one first, then a later one (extends it).
    store.revoke(&id("short"), now + 1).await.unwrap();
    store.revoke(&id("long"), now + 3600).await.unwrap();
    store.revoke(&id("long"), now + 1).await.unwrap();
    store.revoke(&id("extended"), now + 1).await.unwrap();
    store.revoke(&id("extended"), now + 3600).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.is_revoked(&id("short")).await.unwrap() {
        assert!(
            Instant::now() < deadline,
            "an entry past its `until` still reads revoked"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(unix_now() > now, "expired before its `until`");
    assert!(
        store.is_revoked(&id("long")).await.unwrap(),
        "an earlier `until` shortened it"
    );
    assert!(
        store.is_revoked(&id("extended")).await.unwrap(),
        "a later `until` did not extend it"
    );
    assert!(store.is_revoked(&id("a")).await.unwrap());
}

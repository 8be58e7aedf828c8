//! The in-process revocation store: one instance only, forgotten on restart.

use std::collections::HashMap;
use std::fmt;
use std::sync::{PoisonError, RwLock};

use futures::future::{self, BoxFuture, FutureExt};

use super::{RevocationStore, StoreError};
use crate::server::clock::now as unix_now;

/// The map is swept of expired entries when it reaches this size at the least.
const MIN_SWEEP_AT: usize = 1024;

/// The embedded default [`RevocationStore`]: a map in this process's memory.
///
/// Correct for **one instance only**: a session logged out through one server process is still
/// accepted by every other process, and a restart forgets every revocation (a token logged out
/// before the restart opens again until its absolute expiry). An app that runs more than one
/// instance (behind a load balancer, or rolling deploys) needs a shared store:
/// [`RedisStore`](super::RedisStore).
///
/// Bounded: expired entries are dropped as new ones arrive (a sweep whenever the map has doubled
/// since the last one), so memory stays proportional to the ids revoked within their lifetime.
/// Answers never wait on I/O and never fail.
pub struct MemoryStore {
    inner: RwLock<Inner>,
}

struct Inner {
    /// Session id → the Unix second it is revoked until (exclusive).
    until: HashMap<String, u64>,
    /// Sweep expired entries when the map reaches this size.
    sweep_at: usize,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self {
            inner: RwLock::new(Inner {
                until: HashMap::new(),
                sweep_at: MIN_SWEEP_AT,
            }),
        }
    }

    /// [`RevocationStore::revoke`] as of the Unix second `now`.
    fn revoke_at(&self, session_id: &str, until_unix: u64, now: u64) {
        if until_unix <= now {
            return; // already past: nothing left to refuse
        }
        // A panic elsewhere while holding the lock cannot leave the map inconsistent (every
        // update is a single insert or retain), so a poisoned lock is used as is.
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        match inner.until.get_mut(session_id) {
            Some(until) => *until = (*until).max(until_unix),
            None => {
                inner.until.insert(session_id.to_owned(), until_unix);
            }
        }
        if inner.until.len() >= inner.sweep_at {
            inner.until.retain(|_, until| *until > now);
            // Amortized O(1) per revoke; at most twice the live entries (or the minimum).
            inner.sweep_at = (inner.until.len() * 2).max(MIN_SWEEP_AT);
        }
    }

    /// [`RevocationStore::is_revoked`] as of the Unix second `now`.
    fn is_revoked_at(&self, session_id: &str, now: u64) -> bool {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        inner
            .until
            .get(session_id)
            .is_some_and(|&until| now < until)
    }

    /// How many entries are held, expired ones not yet swept included.
    fn len(&self) -> usize {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        inner.until.len()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

/// Shows the number of entries, never the session ids.
impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("entries", &self.len())
            .finish()
    }
}

impl RevocationStore for MemoryStore {
    fn revoke<'a>(
        &'a self,
        session_id: &'a str,
        until_unix: u64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.revoke_at(session_id, until_unix, unix_now());
        future::ready(Ok(())).boxed()
    }

    fn is_revoked<'a>(&'a self, session_id: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        future::ready(Ok(self.is_revoked_at(session_id, unix_now()))).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_700_000_000;

    #[test]
    fn revocation_memory_reads_its_own_clock() {
        let store = MemoryStore::new();
        store.revoke_at("a", T0 + 10, T0);
        assert!(store.is_revoked_at("a", T0));
        assert!(store.is_revoked_at("a", T0 + 9));
        assert!(!store.is_revoked_at("a", T0 + 10), "until is exclusive");
        assert!(!store.is_revoked_at("b", T0));
        // Earlier never shortens, later extends.
        store.revoke_at("a", T0 + 5, T0);
        assert!(store.is_revoked_at("a", T0 + 9));
        store.revoke_at("a", T0 + 20, T0);
        assert!(store.is_revoked_at("a", T0 + 19));
        // Past or present `until`: nothing stored.
        store.revoke_at("c", T0, T0);
        store.revoke_at("d", 0, T0);
        assert_eq!(store.len(), 1);
        // No overflow at the top of the range.
        store.revoke_at("e", u64::MAX, T0);
        assert!(store.is_revoked_at("e", u64::MAX - 1));
    }

    #[test]
    fn revocation_memory_drops_expired_entries() {
        let store = MemoryStore::new();
        let wave = 10_000;
        // Each round revokes `wave` ids that expire before the next round: the map never holds
        // much more than twice one round's live entries, however many rounds pass.
        for round in 0..50u64 {
            let now = T0 + round * 100;
            for i in 0..wave {
                store.revoke_at(&format!("r{round}-{i}"), now + 50, now);
            }
            assert!(
                store.len() <= 2 * wave as usize + MIN_SWEEP_AT,
                "round {round}: {} entries for {wave} live",
                store.len()
            );
            // Every id of this round reads revoked, the previous round's not.
            assert!(store.is_revoked_at(&format!("r{round}-0"), now + 49));
            if round > 0 {
                assert!(!store.is_revoked_at(&format!("r{}-0", round - 1), now));
            }
        }
        // A sweep drops the expired entries and keeps the live ones.
        let store = MemoryStore::new();
        store.revoke_at("long", T0 + 1_000_000, T0);
        for i in 0..MIN_SWEEP_AT {
            store.revoke_at(&format!("short-{i}"), T0 + 2, T0 + 1);
        }
        let before = store.len();
        let mut later = 0;
        while store.len() >= before {
            store.revoke_at(&format!("later-{later}"), T0 + 10, T0 + 5);
            later += 1;
            assert!(later < 10 * MIN_SWEEP_AT, "no sweep after {later} revokes");
        }
        assert_eq!(
            store.len(),
            1 + later,
            "only `long` and the later ids remain"
        );
        assert!(store.is_revoked_at("long", T0 + 999_999));
        assert!(!store.is_revoked_at("short-0", T0 + 1_000));
    }

    #[test]
    fn revocation_memory_debug_hides_session_ids() {
        let store = MemoryStore::default();
        store.revoke_at("secret-session-id", T0 + 10, T0);
        let shown = format!("{store:?}");
        assert!(!shown.contains("secret-session-id"), "{shown}");
        assert!(shown.contains("entries: 1"), "{shown}");
    }
}

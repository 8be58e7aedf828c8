//! The revocation store: which session ids were ended (logout, a refresh that failed for good)
//! and must be refused until their absolute expiry, on every instance that shares the store.
//!
//! Two implementations: [`MemoryStore`] (in-process, the embedded default, correct for one
//! instance) and [`RedisStore`] (Redis or Valkey, shared by a fleet).

use futures::future::BoxFuture;

#[cfg(any(test, feature = "test-util"))]
pub(crate) mod contract;
mod memory;
mod redact;
mod redis;
#[cfg(test)]
mod tests;

pub use self::memory::MemoryStore;
pub use self::redis::RedisStore;

/// Where ended session ids are remembered until their absolute expiry.
///
/// Porte holds one as an `Arc<dyn RevocationStore>` and asks it on every use of a session, so
/// an implementation answers quickly (or fails quickly with [`StoreError::Unavailable`]) and
/// never panics. Times are Unix seconds; an entry counts as revoked while the current time is
/// before its `until`.
///
/// ```
/// use std::sync::Arc;
/// use porte::{MemoryStore, RevocationStore};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store: Arc<dyn RevocationStore> = Arc::new(MemoryStore::new());
/// let in_an_hour = std::time::SystemTime::now()
///     .duration_since(std::time::UNIX_EPOCH)
///     .unwrap()
///     .as_secs()
///     + 3600;
/// store.revoke("session-id", in_an_hour).await?;
/// assert!(store.is_revoked("session-id").await?);
/// assert!(!store.is_revoked("another-id").await?);
/// # Ok::<(), porte::StoreError>(())
/// # }).unwrap();
/// ```
pub trait RevocationStore: Send + Sync + 'static {
    /// Remembers that `session_id` is ended until `until_unix` (Unix seconds: the session's
    /// absolute expiry, after which it is refused anyway and the entry may be forgotten).
    ///
    /// Idempotent. Revoking an id again with an earlier `until_unix` never shortens the existing
    /// entry; a later one extends it. An `until_unix` already past is accepted and may be
    /// ignored: there is nothing left to refuse.
    fn revoke<'a>(
        &'a self,
        session_id: &'a str,
        until_unix: u64,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Whether `session_id` is revoked: `true` from a [`revoke`](Self::revoke) until the
    /// entry's `until_unix`; an id past its `until_unix`, or never revoked, reads `false`.
    ///
    /// An error means the answer is unknown: callers fail closed (refuse the session).
    fn is_revoked<'a>(&'a self, session_id: &'a str) -> BoxFuture<'a, Result<bool, StoreError>>;
}

/// A [`RevocationStore`] could not answer. Refuse the session (fail closed) and log the error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store could not be reached, or did not answer in time. Usually passing: the store
    /// reconnects by itself once it is back.
    #[error(
        "the revocation store is unavailable: {0}; check that Redis/Valkey is running and \
         reachable at the configured URL (Porte reconnects by itself when it is back)"
    )]
    Unavailable(String),
    /// The store answered with an error that retrying will not fix: wrong credentials, missing
    /// permissions, or a server too old for the commands used.
    #[error(
        "the revocation store refused the request: {0}; check the password and ACL permissions \
         in the Redis URL (Porte needs Redis 7.0 or later, or Valkey)"
    )]
    Rejected(String),
    /// The Redis URL cannot be used. The message never repeats the URL (it may hold a password).
    #[error(
        "the Redis URL is not valid: {0}; expected redis://[[user]:password@]host[:port][/db]"
    )]
    InvalidUrl(String),
}

//! The shared revocation store: Redis or Valkey, so every instance of a fleet agrees.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use futures::future::{BoxFuture, FutureExt};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{ErrorKind, RedisError, RedisResult};
use url::Url;

use super::redact::RedactedUrl;
use super::{RevocationStore, StoreError};
use crate::server::clock::now as unix_now;

/// The default bound on each call (connecting included).
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);
/// Each revoked id is the key `porte:revoked:<session id>`.
const KEY_PREFIX: &str = "porte:revoked:";
/// Redis refuses expiry times near the top of its range: clamp to the end of year 9999.
const MAX_UNTIL: u64 = 253_402_300_799;
/// After this many timeouts in a row the connection is replaced: a half-open TCP connection
/// (e.g. after a network partition) reports no error by itself.
const TIMEOUTS_BEFORE_NEW_CONNECTION: u32 = 3;

/// A [`RevocationStore`] in Redis (7.0 or later) or Valkey, shared by every instance that
/// connects to it: a session logged out through one instance is refused by all of them, and
/// survives their restarts.
///
/// Each revoked id is the key `porte:revoked:<session id>`, set with an absolute expiry
/// (`EXAT`) at the session's own, so Redis forgets it by itself; revoking again keeps the later
/// expiry. Every call is bounded by a timeout (500 ms by default, see
/// [`with_timeout`](Self::with_timeout)): a Redis that is down or hung yields
/// [`StoreError::Unavailable`] quickly, never a hung request. The store reconnects by itself when
/// Redis is back, without a restart. It must be used from within a Tokio runtime (Axum's).
///
/// `Debug` output and errors never show the URL's user name, password or query.
///
/// ```no_run
/// # async fn run() -> Result<(), porte::StoreError> {
/// use std::time::Duration;
/// let store = porte::RedisStore::connect("redis://:password@127.0.0.1:6379/0")
///     .await?
///     .with_timeout(Duration::from_millis(200));
/// # Ok(()) }
/// ```
pub struct RedisStore {
    client: redis::Client,
    /// The auto-reconnecting connection; `None` until the next call opens a new one.
    manager: RwLock<Option<ConnectionManager>>,
    timeouts_in_row: AtomicU32,
    timeout: Duration,
    /// The URL as it may be shown, and what to scrub from error text.
    url: RedactedUrl,
}

impl RedisStore {
    /// Connects to `url` (`redis://[[user]:password@]host[:port][/db]`, or `unix:///path`) and
    /// checks that Redis answers within the timeout.
    ///
    /// Fails with [`StoreError::InvalidUrl`] for a URL the client cannot use (`rediss://` (TLS)
    /// is not supported), [`StoreError::Unavailable`] when Redis does not answer in time, and
    /// [`StoreError::Rejected`] for a wrong password.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let store = Self::open(url)?;
        store
            .run(|mut conn| async move { redis::cmd("PING").query_async::<()>(&mut conn).await })
            .await?;
        Ok(store)
    }

    /// The store for `url`, connected on its first use: the app starts even while Redis is down
    /// (and refuses sessions until it is back). Fails only for a URL the client cannot use.
    pub fn lazy(url: &str) -> Result<Self, StoreError> {
        Self::open(url)
    }

    /// Bounds every call (and each connection attempt) by `timeout` instead of 500 ms. The next
    /// call opens a new connection with it.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        *self
            .manager
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
        self
    }

    /// The store for `url`, not connected yet.
    fn open(url: &str) -> Result<Self, StoreError> {
        // The parse error names what is wrong, never the input.
        let parsed = Url::parse(url).map_err(|e| StoreError::InvalidUrl(format!("{e}")))?;
        let redacted = RedactedUrl::new(url, &parsed);
        let client = redis::Client::open(url)
            .map_err(|e| StoreError::InvalidUrl(redacted.scrub(&e.to_string())))?;
        Ok(Self {
            client,
            manager: RwLock::new(None),
            timeouts_in_row: AtomicU32::new(0),
            timeout: DEFAULT_TIMEOUT,
            url: redacted,
        })
    }

    /// The shared connection, opening a new (lazy) one when there is none.
    fn connection(&self) -> Result<ConnectionManager, StoreError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(StoreError::Unavailable(
                "RedisStore was called outside a Tokio runtime; call it from async code run by \
                 Tokio (e.g. an Axum handler)"
                    .to_owned(),
            ));
        }
        let current = self.manager.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(manager) = current.as_ref() {
            return Ok(manager.clone());
        }
        drop(current);
        let mut slot = self.manager.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(manager) = slot.as_ref() {
            return Ok(manager.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(2)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_secs(1));
        let manager = ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            .map_err(|e| self.error(&e))?;
        *slot = Some(manager.clone());
        Ok(manager)
    }

    /// Runs `op` on the shared connection within the timeout and maps its error. A request
    /// that fails because the connection broke (Redis restarted) is sent once more on the
    /// reconnected one, within the same timeout: the first call after Redis is back succeeds.
    async fn run<T, F, Fut>(&self, op: F) -> Result<T, StoreError>
    where
        F: Fn(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let attempt = async {
            match op(self.connection()?).await {
                Err(e) if broken(&e) => Ok(op(self.connection()?).await),
                other => Ok(other),
            }
        };
        match tokio::time::timeout(self.timeout, attempt).await {
            Ok(Err(store)) => Err(store),
            Ok(Ok(Ok(value))) => {
                self.timeouts_in_row.store(0, Ordering::Relaxed);
                Ok(value)
            }
            Ok(Ok(Err(e))) => {
                if e.is_timeout() {
                    self.timed_out();
                }
                Err(self.error(&e))
            }
            Err(_) => {
                self.timed_out();
                Err(StoreError::Unavailable(format!(
                    "Redis at {} did not answer within {} ms",
                    self.url.shown(),
                    self.timeout.as_millis()
                )))
            }
        }
    }

    /// Counts a timeout; drops the connection after a few in a row (the next call opens one).
    fn timed_out(&self) {
        let in_row = self.timeouts_in_row.fetch_add(1, Ordering::Relaxed) + 1;
        if in_row >= TIMEOUTS_BEFORE_NEW_CONNECTION {
            self.timeouts_in_row.store(0, Ordering::Relaxed);
            *self.manager.write().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }

    /// The [`StoreError`] for a Redis error, its text scrubbed of the URL's secrets.
    fn error(&self, e: &RedisError) -> StoreError {
        let detail = self.scrub(&format!("Redis at {}: {e}", self.url.shown()));
        let refused = matches!(
            e.kind(),
            ErrorKind::AuthenticationFailed
                | ErrorKind::InvalidClientConfig
                | ErrorKind::RESP3NotSupported
        ) || matches!(
            e.code(),
            Some("NOAUTH" | "WRONGPASS" | "NOPERM" | "ERR" | "EXECABORT")
        );
        if refused {
            StoreError::Rejected(detail)
        } else {
            StoreError::Unavailable(detail)
        }
    }

    /// `text` with every secret of the URL replaced by `***`.
    fn scrub(&self, text: &str) -> String {
        self.url.scrub(text)
    }

    async fn revoke_until(&self, session_id: &str, until_unix: u64) -> Result<(), StoreError> {
        if until_unix <= unix_now() {
            return Ok(()); // already past: nothing left to refuse
        }
        let until = until_unix.min(MAX_UNTIL);
        let key = format!("{KEY_PREFIX}{session_id}");
        // Set with this expiry when absent, else move the expiry later only (GT): never shorter.
        // One transaction, so an entry that expires in between cannot be lost.
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("SET")
            .arg(&key)
            .arg(1)
            .arg("EXAT")
            .arg(until)
            .arg("NX")
            .ignore()
            .cmd("EXPIREAT")
            .arg(&key)
            .arg(until)
            .arg("GT")
            .ignore();
        self.run(|mut conn| {
            let pipe = pipe.clone();
            async move { pipe.query_async::<()>(&mut conn).await }
        })
        .await
    }

    async fn exists(&self, session_id: &str) -> Result<bool, StoreError> {
        let key = format!("{KEY_PREFIX}{session_id}");
        self.run(|mut conn| {
            let key = key.clone();
            async move { redis::cmd("EXISTS").arg(key).query_async(&mut conn).await }
        })
        .await
    }
}

impl RevocationStore for RedisStore {
    fn revoke<'a>(
        &'a self,
        session_id: &'a str,
        until_unix: u64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.revoke_until(session_id, until_unix).boxed()
    }

    fn is_revoked<'a>(&'a self, session_id: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.exists(session_id).boxed()
    }
}

/// Whether a request failed because its connection broke or could not be made (worth one more
/// attempt on a new connection), rather than because Redis answered with an error.
fn broken(e: &RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_connection_refusal()
}

/// Shows the URL without its credentials or query, and the timeout.
impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.url.shown())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revocation_redis_errors_never_repeat_the_url() {
        for url in [
            "not a url :hunter2",
            "redis://:hunter2@[::1",
            "rediss://:hunter2@127.0.0.1:6390/",
            "http://:hunter2@127.0.0.1:6390/",
        ] {
            let error = RedisStore::open(url).map(|_| ()).unwrap_err();
            assert!(
                matches!(error, StoreError::InvalidUrl(_)),
                "{url}: {error:?}"
            );
            let text = format!("{error} {error:?}");
            assert!(!text.contains("hunter2"), "{url}: {text}");
        }
        let store = RedisStore::open("redis://user:hunter2@127.0.0.1:1/").unwrap();
        assert_eq!(store.scrub("a hunter2 b"), "a *** b");
        let shown = format!("{store:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("user"),
            "{shown}"
        );
    }
}

//! The store contract, run against both implementations, and Redis going away and coming back.
//! The Redis tests start their own `redis-server` on a free loopback port ([`RedisServer`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::contract::check_revocation_store;
use super::{MemoryStore, RedisStore, RevocationStore, StoreError};
use crate::server::clock::now as unix_now;

mod redis_server;
use redis_server::{RedisServer, PASSWORD};

#[tokio::test]
async fn revocation_contract_memory() {
    let store: Arc<dyn RevocationStore> = Arc::new(MemoryStore::new());
    check_revocation_store(store.as_ref()).await;
}

#[tokio::test]
async fn revocation_contract_redis() {
    let redis = RedisServer::start();
    let store: Arc<dyn RevocationStore> = Arc::new(connect(&redis).await);
    check_revocation_store(store.as_ref()).await;
}

/// The key and its absolute expiry, as another Redis client sees them.
#[tokio::test]
async fn revocation_redis_keys_expire_at_the_session_expiry() {
    let redis = RedisServer::start();
    let store = connect(&redis).await;
    let until = unix_now() + 3600;
    store.revoke("sid-1", until).await.unwrap();
    store.revoke("sid-1", until - 60).await.unwrap();
    let client = redis::Client::open(redis.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let expiry: u64 = redis::cmd("EXPIRETIME")
        .arg("porte:revoked:sid-1")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(expiry, until);
    store.revoke("sid-1", until + 60).await.unwrap();
    let expiry: u64 = redis::cmd("EXPIRETIME")
        .arg("porte:revoked:sid-1")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(expiry, until + 60);
}

/// Redis killed → `Unavailable`, never a hang; started again on the same port → the same store
/// works again by itself.
#[tokio::test]
async fn revocation_redis_down_then_back() {
    let mut redis = RedisServer::start();
    let store = connect(&redis).await;
    let until = unix_now() + 3600;
    store.revoke("before", until).await.unwrap();

    redis.kill();
    for _ in 0..3 {
        let error = returns(store.is_revoked("before")).await.unwrap_err();
        assert_unavailable(&error);
        let error = returns(store.revoke("during", until)).await.unwrap_err();
        assert_unavailable(&error);
    }

    redis.restart();
    let revoked = works_again(|| store.is_revoked("before")).await;
    assert!(!revoked, "a fresh redis-server without persistence forgets");
    store.revoke("after", until).await.unwrap();
    assert!(store.is_revoked("after").await.unwrap());
}

/// Redis restarted while the store sat idle on its old connection: the very first call after
/// Redis is back succeeds (it used to fail once with a broken pipe, answering 503 to a user).
#[tokio::test]
async fn revocation_redis_first_call_after_a_restart_succeeds() {
    let mut redis = RedisServer::start();
    let store = connect(&redis).await;
    let until = unix_now() + 3600;
    store.revoke("before", until).await.unwrap();
    redis.kill();
    redis.restart(); // returns once Redis itself answers
    store.revoke("after", until).await.unwrap();
    assert!(store.is_revoked("after").await.unwrap());
}

/// Redis hung (SIGSTOP) → `Unavailable` within the timeout; resumed → works again.
#[tokio::test]
async fn revocation_redis_hung_then_resumed() {
    let redis = RedisServer::start();
    let store = connect(&redis)
        .await
        .with_timeout(Duration::from_millis(200));
    store.revoke("before", unix_now() + 3600).await.unwrap();

    redis.signal("STOP");
    for _ in 0..5 {
        let error = returns(store.is_revoked("before")).await.unwrap_err();
        assert_unavailable(&error);
    }
    redis.signal("CONT");
    assert!(works_again(|| store.is_revoked("before")).await);
}

#[tokio::test]
async fn revocation_redis_hides_the_password() {
    let redis = RedisServer::start();
    let store = connect(&redis).await;
    let shown = format!("{store:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(
        shown.contains(&format!("127.0.0.1:{}", redis.port)),
        "{shown}"
    );

    let wrong = RedisStore::connect(&redis.url_with_password("Wr0ng-Pa55word"))
        .await
        .unwrap_err();
    assert!(matches!(wrong, StoreError::Rejected(_)), "{wrong:?}");
    assert!(
        !format!("{wrong} {wrong:?}").contains("Wr0ng-Pa55word"),
        "{wrong}"
    );

    // A port that accepts connections and never answers (held by this test, so no other
    // test's server can appear there).
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let url = format!("redis://:{PASSWORD}@127.0.0.1:{port}/");
    let down = returns(RedisStore::connect(&url)).await.unwrap_err();
    assert_unavailable(&down);
}

fn assert_unavailable(error: &StoreError) {
    assert!(matches!(error, StoreError::Unavailable(_)), "{error:?}");
    let text = format!("{error} {error:?}");
    assert!(!text.contains(PASSWORD), "the password leaked: {text}");
}

/// `call`'s result; fails the test if it does not return at all (within a generous bound).
async fn returns<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("a store call hung instead of failing")
}

/// Polls `call` until it succeeds (the store reconnected), within a deadline.
async fn works_again<'a, T, F>(call: impl Fn() -> F) -> T
where
    F: std::future::Future<Output = Result<T, StoreError>> + 'a,
{
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match returns(call()).await {
            Ok(value) => return value,
            Err(e) if Instant::now() < deadline => {
                assert_unavailable(&e);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("the store did not reconnect by itself: {e}"),
        }
    }
}

async fn connect(redis: &RedisServer) -> RedisStore {
    RedisStore::connect(&redis.url())
        .await
        .unwrap_or_else(|e| panic!("connecting to the test's redis-server: {e}"))
}

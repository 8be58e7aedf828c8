#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![warn(missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// The crate docs (the README) link the server's items, which a browser-only build (`hydrate`
// without `ssr`) does not have; its docs would otherwise fail on those links.
#![cfg_attr(not(feature = "ssr"), allow(rustdoc::broken_intra_doc_links))]
// Leptos view types nest deeply.
#![recursion_limit = "256"]
// A build with neither `ssr` nor `hydrate` (e.g. docs) uses only the shared types.
#![cfg_attr(
    not(any(feature = "ssr", feature = "hydrate")),
    allow(dead_code, unused_imports)
)]

// The crate's parts; imports flow one way: `server` and `client` use `shared`, `client` uses
// `web`, and neither `shared` nor `web` uses anything above it.
mod client;
mod shared;
mod web;

// Shared: what the server and the browser both know.
pub use shared::{
    AccessToken, Authorization, Error, ErrorCode, Group, InvalidProviderId, JsonObject, LoginEvent,
    LogoutEvent, ProviderId, ProviderInfo, Providers, SealedToken, SessionTimes, TokenInfo,
    UserProfile,
};
pub(crate) use shared::{Completion, LoginRequest, LoginStart, LOGIN_CHANNEL};

// Browser (client): the login API, the components, and the calls that carry the sessions.
pub use client::{
    in_group, signed_in, Auth, LoginButton, LoginButtons, LoginError, LoginOptions, LogoutButton,
    OpenMode, ProviderMark, SessionClient, SignedIn, SignedOut,
};

// Server (feature `ssr`): configuration, providers, the Axum integration, the signed-in session,
// the revocation store.
#[cfg(feature = "ssr")]
mod server;
#[cfg(feature = "test-util")]
pub use server::check_revocation_store;
#[cfg(feature = "ssr")]
pub use server::{
    optional_session, providers, require_group, require_session, require_session_for,
    secret_key_file, ClientSecret, ConfigError, MemoryStore, Porte, PorteBuilder, PorteRouter,
    RedisStore, RevocationStore, Session, StoreError, SystemBrowser,
};

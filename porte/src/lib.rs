#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// Leptos view types nest deeply.
#![recursion_limit = "256"]
// A build with neither `ssr` nor `hydrate` (e.g. docs) uses only the shared types.
#![cfg_attr(
    not(any(feature = "ssr", feature = "hydrate")),
    allow(dead_code, unused_imports)
)]

mod auth;
mod authorization;
mod components;
mod error;
mod guards;
mod refresh;
mod server_fns;
mod session_client;
mod session_header;
mod sync;
mod types;

pub use auth::{Auth, LoginOptions, OpenMode};
pub use authorization::{
    AccessToken, Authorization, Group, LoginEvent, LogoutEvent, SealedToken, SessionTimes,
    TokenInfo, UserProfile,
};
pub use components::{LoginButton, LoginButtons, LogoutButton, ProviderMark, SignedIn, SignedOut};
pub use error::{Error, ErrorCode};
pub use guards::{in_group, signed_in};
pub use server_fns::use_providers;
pub use session_client::SessionClient;
pub use types::{InvalidProviderId, ProviderId, ProviderInfo, Providers};

pub(crate) use authorization::{Completion, LoginRequest};
pub(crate) use types::{LoginStart, LOGIN_CHANNEL};

#[cfg(feature = "ssr")]
mod server;
#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(not(feature = "hydrate"))]
#[path = "browser_stub.rs"]
mod browser;

#[cfg(feature = "hydrate")]
mod browser_session;
#[cfg(not(feature = "hydrate"))]
#[path = "browser_session_stub.rs"]
mod browser_session;

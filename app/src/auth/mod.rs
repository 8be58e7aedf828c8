//! Porte's auth library: "Login with X" for Leptos.
//!
//! - [`types`]: what both sides exchange (provider ids, the user, login errors, completion).
//! - `server` (feature `ssr`): configuration, providers, flow cookie, redirect endpoint.
//! - `browser` (feature `hydrate`): the popup and the completion channel.

pub mod types;

pub use types::*;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
pub mod browser;

#[cfg(not(feature = "hydrate"))]
#[path = "browser_stub.rs"]
pub mod browser;

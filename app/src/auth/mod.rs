//! Porte's auth library: "Login with X" for Leptos.
//!
//! - [`types`] and [`authorization`]: what both sides exchange (provider ids, errors, the
//!   authorization with its user and token facts, the completion of a flow).
//! - [`client`]: the login API for components ([`Auth`], [`LoginOptions`]) and its server
//!   functions.
//! - `server` (feature `ssr`): configuration, providers, flow cookie, session token, redirect
//!   endpoint.
//! - `browser`, `browser_session` (feature `hydrate`): the popup, the tab, the completion
//!   channel; stored sessions, the tabs' channel, the refresh leader.

pub mod authorization;
pub mod client;
mod sync;
pub mod types;

pub use authorization::*;
pub use client::{Auth, LoginOptions, OpenMode};
pub use types::*;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
pub mod browser;

#[cfg(not(feature = "hydrate"))]
#[path = "browser_stub.rs"]
pub mod browser;

#[cfg(feature = "hydrate")]
pub mod browser_session;

#[cfg(not(feature = "hydrate"))]
#[path = "browser_session_stub.rs"]
pub mod browser_session;

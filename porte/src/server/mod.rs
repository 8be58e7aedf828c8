//! The server half (feature `ssr`): configuration, providers, the login flows, the sealed
//! session, and the Axum integration. Client secrets and keys never leave this module tree.

mod alive;
mod api;
#[cfg(test)]
mod bench_tests;
mod binding;
mod builder;
mod config;
mod current;
mod discovery;
mod error;
mod flow_cookie;
mod flows;
mod fn_context;
#[cfg(test)]
mod fuzz_tests;
mod id_token;
mod lifetime;
mod login;
mod logout;
mod plain_start;
mod profile;
mod protect;
pub mod providers;
mod redirect;
mod refusal;
mod return_path;
mod revocation;
mod router;
mod secret;
mod session;
mod sessions;
mod state;
mod token;
#[cfg(test)]
mod trust;

pub use builder::PorteBuilder;
pub use config::{ClientSecret, ConfigError};
pub use current::{optional_session, require_group, require_session, require_session_for, Session};
pub use revocation::{MemoryStore, RedisStore, RevocationStore, StoreError};
pub use router::PorteRouter;
pub use state::Porte;

pub(crate) use error::AuthError;
pub(crate) use fn_context::{answer, cookie_header, here, sent_sessions, set_cookie};

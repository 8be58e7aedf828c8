//! The server half (feature `ssr`): configuration, providers, the login flows, the sealed
//! session, and the Axum integration. Client secrets and keys never leave this module tree.

mod builder;
mod clock;
mod config;
mod cookie_header;
mod error;
mod http;
mod key_file;
mod login;
mod loopback;
mod oauth;
mod porte;
pub mod providers;
mod revocation;
mod secret;
mod session;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod trust;

pub use builder::PorteBuilder;
pub use config::{ClientSecret, ConfigError};
pub use http::extract::{optional_session, require_group, require_session, require_session_for};
pub use http::router::PorteRouter;
pub use http::session::Session;
pub use key_file::secret_key_file;
pub use loopback::browser::SystemBrowser;
pub use porte::Porte;
#[cfg(feature = "test-util")]
pub use revocation::contract::check_revocation_store;
pub use revocation::{MemoryStore, RedisStore, RevocationStore, StoreError};

pub(crate) use error::AuthError;
// What Porte's own server functions (compiled on both sides, outside this tree) call.
pub(crate) use http::server_fn::{
    answer, answering, cookie_header, here, providers_for_page, sent_sessions, set_cookie,
};
pub(crate) use login::flow::start_login;
pub(crate) use loopback::flow::{
    await_login, cancel_login, open_provider_logout, start_login as start_system_login, AWAIT_SLICE,
};
pub(crate) use session::lifecycle::{logout, rebind, refresh, restore};

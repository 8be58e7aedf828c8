//! What the server and the browser both know: the providers and a login's start (`types`), what
//! a login produces (`authorization`), what went wrong (`error`), and the headers, channel
//! names and JSON reading that carry them between the two (`wire`), and the compact format a
//! session's data travels in (`compact`). Imports nothing from the
//! rest of the crate.

mod authorization;
pub(crate) mod compact;
mod error;
mod json;
mod types;
pub(crate) mod wire;

pub use authorization::{
    AccessToken, Authorization, Group, LoginEvent, LogoutEvent, SealedToken, SessionTimes,
    TokenInfo, UserProfile,
};
pub use error::{Error, ErrorCode};
pub use json::JsonObject;
pub use types::{InvalidProviderId, ProviderId, ProviderInfo, Providers};

pub(crate) use authorization::{Completion, LoginRequest};
pub(crate) use types::LoginStart;
pub(crate) use wire::LOGIN_CHANNEL;

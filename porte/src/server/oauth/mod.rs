//! Talking to providers: the token endpoint (oauth2), ID-token validation (jsonwebtoken),
//! discovery, the profile and groups APIs (with their paging), and RP-initiated logout.

pub(crate) mod api;
pub(crate) mod client_cache;
pub(crate) mod discovery;
pub(crate) mod id_token;
pub(crate) mod profile;
pub(crate) mod rp_logout;
pub(crate) mod token;

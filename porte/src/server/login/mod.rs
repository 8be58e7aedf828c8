//! A login from start to finish: the run-time provider (authorization URL, code exchange, user
//! and groups), the flow cookie that carries a login across the provider's round trip, the
//! return path, and the flow that ties them together.

pub(crate) mod flow;
pub(crate) mod flow_cookie;
pub(crate) mod provider;
pub(crate) mod redirect_query;
pub(crate) mod return_path;
pub(crate) mod scopes;

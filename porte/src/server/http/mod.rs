//! The Axum side: the router an app mounts, the middleware every request passes, the extractor
//! of the signed-in session, the provider's redirect, the no-JavaScript start form, the
//! completion page, and the context of Porte's own server functions.

pub(crate) mod callback;
pub(crate) mod completion;
pub(crate) mod extract;
pub(crate) mod middleware;
pub(crate) mod refusal;
pub(crate) mod router;
pub(crate) mod server_fn;
pub(crate) mod session;
pub(crate) mod start_form;

//! The demo's one middleware, around every route: the request limits ([`limits`]), then the
//! response headers ([`security`], [`caching`]).
//!
//! One layer rather than one per concern: each `from_fn` layer costs every request a boxed
//! future and a clone of the inner service. Three layers made one saved about 15 k instructions
//! a request, 4 % of a login's on the server (`scripts/instructions`).

use crate::security::{self, Security};
use crate::{caching, limits};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// The middleware (`axum::middleware::from_fn_with_state` with the app's [`Security`]).
pub async fn edge(State(sec): State<Security>, mut request: Request, next: Next) -> Response {
    if let Some(mut refusal) = limits::refusal(&request) {
        security::add_headers(&sec, None, &mut refusal);
        return refusal;
    }
    let nonce = security::page_nonce(&mut request);
    let policy = caching::policy_for(request.uri().path());
    let mut response = next.run(request).await;
    caching::mark(policy, &mut response);
    security::add_headers(&sec, nonce.as_ref(), &mut response);
    response
}

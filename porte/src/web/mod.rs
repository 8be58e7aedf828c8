//! The browser's objects Porte uses, by what they are: `storage` (session tokens, logout
//! receipts), `channel` (the tabs' channel), `leader` (the tab that refreshes for all), `timers`,
//! `fetch` (server-function calls that carry the sessions), `login_window` and `popup_watch` (the
//! sign-in window and the wait for its result), and `page` (what a tab keeps across its own
//! navigation). With `hydrate` they are the real ones (`real`); otherwise (the server) inert
//! ones with the same names (`inert`), so the client compiles unchanged for both. Nothing here
//! knows about `Auth` or the client's state.

#[cfg(not(feature = "hydrate"))]
mod inert;
#[cfg(feature = "hydrate")]
mod real;

#[cfg(not(feature = "hydrate"))]
pub(crate) use inert::*;
#[cfg(feature = "hydrate")]
pub(crate) use real::*;

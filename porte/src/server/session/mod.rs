//! The sealed session: sealing and opening ([`seal`]), the browser binding, lifetimes and
//! renewal, the check every protected request makes (sealed, bound, alive, not revoked), and what
//! happens to a session after its login: restore, refresh, logout.

pub(crate) mod binding;
pub(crate) mod check;
pub(crate) mod lifecycle;
pub(crate) mod lifetime;
pub(crate) mod seal;

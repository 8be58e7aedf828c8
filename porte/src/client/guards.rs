//! Conditions for leptos_router's `ProtectedRoute` (and anything else that takes a
//! `Fn() -> Option<bool>`): `None` while stored sessions are being restored, so the route shows
//! its fallback instead of redirecting a user who is in fact signed in.
//!
//! ```no_run
//! use leptos::prelude::*;
//! use leptos_router::components::{ProtectedRoute, Route, Router, Routes};
//! use leptos_router::path;
//!
//! # #[component] fn Home() -> impl IntoView { () }
//! # #[component] fn Admin() -> impl IntoView { () }
//! #[component]
//! fn App() -> impl IntoView {
//!     porte::Auth::provide();
//!     view! {
//!         <Router>
//!             <Routes fallback=|| "Not found.">
//!                 <Route path=path!("/") view=Home />
//!                 <ProtectedRoute path=path!("/admin") view=Admin
//!                     condition=porte::in_group("local", "admins") redirect_path=|| "/" />
//!             </Routes>
//!         </Router>
//!     }
//! }
//! ```

use crate::Auth;

/// Signed in with any provider; `None` while unknown.
pub fn signed_in() -> impl Fn() -> Option<bool> + Send + Sync + Clone + 'static {
    let auth = Auth::expect();
    move || auth.signed_in_with(None)
}

/// Signed in with `provider`, in the group with id `group` there; `None` while unknown. A
/// group of the same name at another provider never counts.
pub fn in_group(
    provider: impl Into<String>,
    group: impl Into<String>,
) -> impl Fn() -> Option<bool> + Send + Sync + Clone + 'static {
    let auth = Auth::expect();
    let (provider, group) = (provider.into(), group.into());
    move || auth.in_group(&provider, &group)
}

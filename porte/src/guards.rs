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
//!                     condition=porte::in_group("admins") redirect_path=|| "/" />
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

/// Signed in, in `group` (with any provider); `None` while unknown.
pub fn in_group(
    group: impl Into<String>,
) -> impl Fn() -> Option<bool> + Send + Sync + Clone + 'static {
    let auth = Auth::expect();
    let group = group.into();
    move || auth.in_group(&group)
}

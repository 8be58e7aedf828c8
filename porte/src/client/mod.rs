//! The browser half: [`Auth`] (every method of the login API, in `auth`) over the page's state
//! (`state`), which the parts below it work on without knowing `Auth`: a login (`login`,
//! `options`), the tabs in agreement (`sync`, `message`), logout and its server function
//! (`logout`), calls that carry the sessions (`session_client`), refreshes asked for
//! (`refresh`), a session's life in this tab and its scheduled refresh (`session`), Porte's
//! other server functions (`server_fns`), the provider list sent with the page (`providers`),
//! route guards (`guards`) and the components (`components`). The browser's own objects are in
//! `crate::web`.
//!
//! Imports flow one way, down this list: `components`, `guards`; `auth`; `login`, `sync`;
//! `logout`; `session_client`; `refresh`; `session`; `server_fns`, `options`, `message`;
//! `state`; `providers`.

mod auth;
mod components;
mod guards;
mod login;
mod logout;
mod message;
mod options;
mod providers;
mod refresh;
mod server_fns;
mod session;
mod session_client;
mod state;
mod sync;

pub use auth::Auth;
pub use components::{
    LoginButton, LoginButtons, LoginError, LogoutButton, ProviderMark, SignedIn, SignedOut,
};
pub use guards::{in_group, signed_in};
pub use options::{LoginOptions, OpenMode};
pub use session_client::SessionClient;

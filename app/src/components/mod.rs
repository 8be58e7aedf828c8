//! UI components.

pub mod login;

pub use login::LoginPanel;

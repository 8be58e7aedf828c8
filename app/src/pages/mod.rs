//! Routed pages.

pub mod home;

pub use home::HomePage;

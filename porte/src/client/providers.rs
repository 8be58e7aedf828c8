//! The provider list, sent with the page: the server reads it while it renders the page, and the
//! browser reads it back from the page as it hydrates — no request and no `<Suspense>` (the
//! resource and its suspense boundary were about a tenth of Porte's wasm). The page's
//! [`Auth`](crate::Auth) keeps it, so buttons rendered later (after a logout) have it too.

use crate::shared::compact;
use crate::{Error, Providers};
use leptos::server::SharedValue;

/// The providers configured on the server, as the page was rendered with them.
pub(crate) fn sent_with_page() -> Result<Providers, Error> {
    SharedValue::<_, CompactText>::new_with_encoding(read).into_inner()
}

/// On the server: the providers of the Porte mounted on this request's router.
#[cfg(feature = "ssr")]
fn read() -> Result<Providers, Error> {
    let (porte, _) = crate::server::here()?;
    Ok(crate::server::providers_for_page(&porte))
}

/// In the browser, only when the page was not rendered by the server (nothing to read back).
#[cfg(not(feature = "ssr"))]
fn read() -> Result<Providers, Error> {
    Err(Error::new(
        crate::ErrorCode::ServerError,
        Some(
            "the provider list comes with the server-rendered page: render the app on the \
             server (leptos_axum) and hydrate it (leptos::mount::hydrate_body)"
                .into(),
        ),
    ))
}

/// A value sent along with the page in the compact wire's text form (`shared::compact`), like
/// every other value that reaches the browser's `Auth`: one reader per type in the wasm.
struct CompactText;

impl<T: serde::Serialize> leptos::server::codee::Encoder<T> for CompactText {
    type Error = std::convert::Infallible;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, Self::Error> {
        Ok(compact::to_text(value))
    }
}

impl<T: serde::de::DeserializeOwned> leptos::server::codee::Decoder<T> for CompactText {
    type Error = &'static str;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, Self::Error> {
        compact::from_text(text).ok_or("not Porte's compact text")
    }
}

//! Provider marks for the sign-in buttons: small inline SVGs (no image or font downloads), drawn
//! here in each provider's colours. Decorative: the button's text names the provider.

use leptos::prelude::*;

/// A provider's mark, as a 20 px inline SVG (`class="porte-mark"`, hidden from screen readers).
///
/// ```no_run
/// use leptos::prelude::*;
/// use porte::ProviderMark;
/// view! { <ProviderMark brand="github" /> "GitHub" };
/// ```
#[component]
pub fn ProviderMark(
    /// The provider's brand ([`ProviderInfo::brand`](crate::ProviderInfo::brand)): `github`,
    /// `google`, `microsoft`, `linkedin`, `auth0`, `authgear`, `openid`; anything else gets a
    /// neutral arrow.
    #[prop(into)]
    brand: String,
) -> impl IntoView {
    // The drawing as markup: a fixed string per brand (never the app's or the user's text), so
    // one element with inner HTML instead of a view type per mark (≈ 10 KB less wasm).
    let lettered = |bg: &str, fg: &str, text: &str| {
        format!(
            r#"<rect width="24" height="24" rx="6" fill="{bg}"></rect><text x="12" y="16.5" text-anchor="middle" font-size="12" font-weight="700" font-family="system-ui, sans-serif" fill="{fg}">{text}</text>"#
        )
    };
    let body = match brand.as_str() {
        // Four squares, as Microsoft's own mark.
        "microsoft" => concat!(
            r##"<rect x="2" y="2" width="9.5" height="9.5" fill="#f25022"></rect>"##,
            r##"<rect x="12.5" y="2" width="9.5" height="9.5" fill="#7fba00"></rect>"##,
            r##"<rect x="2" y="12.5" width="9.5" height="9.5" fill="#00a4ef"></rect>"##,
            r##"<rect x="12.5" y="12.5" width="9.5" height="9.5" fill="#ffb900"></rect>"##,
        )
        .to_owned(),
        "google" => lettered("#ffffff", "#4285f4", "G"),
        "github" => lettered("#24292f", "#ffffff", "GH"),
        "linkedin" => lettered("#0a66c2", "#ffffff", "in"),
        "auth0" => lettered("#eb5424", "#ffffff", "A0"),
        "authgear" => lettered("#176df3", "#ffffff", "Ag"),
        "openid" => lettered("#f78c40", "#1c1f2b", "iD"),
        _ => lettered("#4d5468", "#ffffff", "⟶"),
    };
    view! {
        <svg class="porte-mark" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"
            inner_html=body></svg>
    }
}

//! Names of the site's built assets. With cargo-leptos `hash-files` the stylesheet, script and
//! wasm carry a content hash (`porte.<hash>.css`), so browsers may cache them for good; the
//! hashes are in the file cargo-leptos writes next to the server binary, read once here.

use leptos::config::LeptosOptions;
use std::sync::OnceLock;

/// The stylesheet's URL path, hashed when the build hashed it.
///
/// ```
/// use leptos::config::LeptosOptions;
/// let options = LeptosOptions::builder().output_name("porte").build();
/// assert_eq!(app::assets::stylesheet_href(&options), "/pkg/porte.css");
/// ```
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    static CSS_HASH: OnceLock<Option<String>> = OnceLock::new();
    let hash = CSS_HASH.get_or_init(|| options.hash_files.then(|| css_hash(options)).flatten());
    let base = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    match hash {
        Some(hash) => format!("{base}.{hash}.css"),
        None => format!("{base}.css"),
    }
}

/// The `css: <hash>` line of the hash file, as leptos reads the `js`/`wasm` ones.
fn css_hash(options: &LeptosOptions) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let text = std::fs::read_to_string(exe.parent()?.join(&*options.hash_file)).ok()?;
    parse_css_hash(&text)
}

fn parse_css_hash(text: &str) -> Option<String> {
    text.lines()
        .filter_map(|l| l.trim().split_once(':'))
        .find(|(file, _)| file.trim() == "css")
        .map(|(_, hash)| hash.trim().to_owned())
        .filter(|h| !h.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_css_line_of_cargo_leptos_hash_file_is_found() {
        let text = "js: Ab_1\nwasm: Cd-2\ncss: Ef3\n";
        assert_eq!(super::parse_css_hash(text).as_deref(), Some("Ef3"));
        assert_eq!(super::parse_css_hash("js: x\n"), None);
    }
}

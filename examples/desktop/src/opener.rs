//! What opens the sign-in page: the platform's opener (the user's default browser), or, in the
//! end-to-end tests' build only, the browser the test controls.

/// Opens a URL in the system browser; an error is shown to the user as the login's failure.
pub type Open = Box<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// The user's default browser, through `tauri-plugin-opener`.
#[cfg(not(feature = "test-opener"))]
pub fn system_browser(app: &tauri::AppHandle) -> Open {
    use tauri_plugin_opener::OpenerExt;
    let app = app.clone();
    Box::new(move |url| {
        app.opener()
            .open_url(url, None::<&str>)
            .map_err(|e| e.to_string())
    })
}

/// The tests' browser: the URL goes, as one line, to the TCP address in `PORTE_TEST_OPENER`,
/// where the test drives a browser to it. `xdg-open` cannot be redirected while a display is
/// set, hence this build-time switch instead of a variable a normal build would read.
#[cfg(feature = "test-opener")]
pub fn system_browser(_: &tauri::AppHandle) -> Open {
    use std::io::Write;
    let address = std::env::var("PORTE_TEST_OPENER").unwrap_or_default();
    Box::new(move |url| {
        let mut test = std::net::TcpStream::connect(&address)
            .map_err(|e| format!("the test's opener at {address:?}: {e}"))?;
        writeln!(test, "{url}").map_err(|e| e.to_string())
    })
}

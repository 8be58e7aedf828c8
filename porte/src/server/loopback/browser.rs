//! The configuration of a desktop app's system-browser logins ([`SystemBrowser`]) and the
//! logins waiting for the browser ([`Loopback`]), each with its result once known.

use crate::server::error::AuthError;
use crate::server::session::binding::BrowserBinding;
use crate::Completion;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// How long a login may wait for the browser by default: the web flow cookie's lifetime.
pub(super) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// How long a finished login's result waits for the webview to ask for it.
pub(super) const KEEP_RESULT: Duration = Duration::from_secs(60);

type Open = dyn Fn(&str) -> Result<(), String> + Send + Sync;

/// Sign-in through the user's own browser, for a desktop app ([`PorteBuilder::system_browser`](
/// crate::PorteBuilder::system_browser)): how to open it, and the loopback redirect.
///
/// ```
/// use porte::SystemBrowser;
/// // In a Tauri app: `move |url| app.opener().open_url(url, None::<&str>).map_err(|e| e.to_string())`
/// let browser = SystemBrowser::new(|url| Err(format!("no browser in doc tests: {url}")))
///     .port(53682)
///     .timeout(std::time::Duration::from_secs(300));
/// let porte = porte::Porte::builder().production(false).system_browser(browser).build()?;
/// # Ok::<(), porte::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct SystemBrowser {
    pub(super) open: Arc<Open>,
    pub(super) port: u16,
    pub(super) timeout: Duration,
}

impl SystemBrowser {
    /// Logins open the authorization URL with `open` (the platform's opener, e.g.
    /// `tauri-plugin-opener`); its error is shown to the user.
    pub fn new(open: impl Fn(&str) -> Result<(), String> + Send + Sync + 'static) -> Self {
        Self {
            open: Arc::new(open),
            port: 0,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The loopback port of the redirect, for a provider that wants the exact registered one;
    /// by default any free port (RFC 8252 §7.3: providers must accept any).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// How long a login waits for the browser before giving up (`login_timed_out`: the tab was
    /// likely closed); 10 minutes by default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl fmt::Debug for SystemBrowser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SystemBrowser")
            .field("port", &self.port)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The logins waiting for the browser, by `state`, and the provider logouts sent there.
#[derive(Debug)]
pub(crate) struct Loopback {
    pub(super) browser: SystemBrowser,
    waiting: Mutex<HashMap<String, Waiting>>,
    /// The logout-state values of provider logouts opened in the browser, which comes back to
    /// `<base>/logged-out` without the webview's cookie: the newest few, each taken once.
    logouts: Mutex<Vec<String>>,
}

/// How many provider logouts may be awaited at once (older ones are forgotten).
const LOGOUTS_KEPT: usize = 8;

/// One login: which browser (webview) may hear its result, and the result once known.
#[derive(Debug)]
pub(super) struct Waiting {
    pub(super) browser: String,
    pub(super) result: Arc<watch::Sender<Option<Completion>>>,
}

impl Loopback {
    pub(crate) fn new(browser: SystemBrowser) -> Self {
        Self {
            browser,
            waiting: Mutex::default(),
            logouts: Mutex::default(),
        }
    }

    /// Opens `url` in the system browser.
    pub(crate) fn open(&self, url: &str) -> Result<(), String> {
        (self.browser.open)(url)
    }

    /// Remembers a provider logout opened in the browser, by its logout-state cookie value.
    pub(crate) fn remember_logout(&self, value: String) {
        let mut logouts = self.logouts.lock().unwrap_or_else(|e| e.into_inner());
        if logouts.len() == LOGOUTS_KEPT {
            logouts.remove(0);
        }
        logouts.push(value);
    }

    /// Takes the remembered logout that `matches` (given a value), if any.
    pub(crate) fn take_logout(&self, matches: impl Fn(&str) -> bool) -> bool {
        let mut logouts = self.logouts.lock().unwrap_or_else(|e| e.into_inner());
        match logouts.iter().position(|v| matches(v)) {
            Some(i) => {
                logouts.remove(i);
                true
            }
            None => false,
        }
    }

    pub(super) fn waiting(&self) -> std::sync::MutexGuard<'_, HashMap<String, Waiting>> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The result channel of `state`'s login, when the webview asking is the one that started it.
    pub(super) fn result_for(
        &self,
        state: &str,
        cookie_header: Option<&str>,
        https: bool,
    ) -> Option<Arc<watch::Sender<Option<Completion>>>> {
        let binding = BrowserBinding::from_cookie_header(cookie_header, https)?;
        let waiting = self.waiting();
        let w = waiting.get(state)?;
        (w.browser == binding.fingerprint()).then(|| w.result.clone())
    }
}

/// Sets the result once: later ones (a second callback, a cancel after success) change nothing.
pub(crate) fn settle(
    result: &watch::Sender<Option<Completion>>,
    state: &str,
    outcome: Result<crate::Authorization, AuthError>,
) {
    result.send_if_modified(|current| {
        if current.is_some() {
            return false;
        }
        *current = Some(Completion {
            state: Some(state.to_owned()),
            outcome: outcome.map_err(Into::into),
        });
        true
    });
}

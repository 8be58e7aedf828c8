//! Logout: the session ends in every tab at once, the server ends it everywhere (revocation
//! store, the provider's tokens, the provider's own session when asked for) in its server
//! function `end_session`, and a logout the server could not record is presented again until it
//! is.

use super::session::{end, renewed};
use super::session_client::call_with_sessions;
use super::state::State;
use crate::web::page::{leave_notice, navigate_here};
use crate::web::storage::{note_logout, pending_logouts};
use crate::web::timers::set_timer;
use crate::{Authorization, Error, ErrorCode, ProviderId, SealedToken};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A logout the server could not record is presented again this often while the page is open
/// (and at every page load).
const LOGOUT_RETRY_MS: u32 = 5_000;

/// Signs out of `provider` in every tab, revokes its tokens at the provider, and with
/// `provider_logout` also ends the provider's own session (the tab goes there and back).
pub(crate) fn logout(state: State, provider: &ProviderId, provider_logout: bool) {
    let Some(a) = state.authorization(provider) else {
        return;
    };
    end(state, provider, None, true);
    leptos::task::spawn_local(async move {
        let args = EndSession {
            sealed: a.sealed,
            provider_logout,
        };
        match call_with_sessions(&args).await {
            Ok(out) => logged_out(state, out),
            Err(e) => leptos::logging::warn!("porte: logout at the server failed: {e}"),
        }
    });
}

/// The server's answer to a logout: the other sessions sealed for the browser's new binding;
/// when the end could not be recorded for the app's other servers, the user is told and the
/// receipt kept to present again; then the provider's logout page, when asked for.
fn logged_out(state: State, out: LoggedOut) {
    for a in out.resealed {
        renewed(state, a);
    }
    if let Some((why, receipt)) = &out.unrecorded {
        note_logout(receipt, true);
        state.error.set(Some(why.clone()));
        retry_logouts_soon(state);
    }
    if let Some(url) = out.provider_logout_url {
        if let Some((why, _)) = &out.unrecorded {
            leave_notice(&why.to_string());
        }
        navigate_here(&url, false);
    }
}

/// Presents the receipts of logouts the server could not record again (at each page load,
/// then every few seconds until each is recorded). Safe to call at any time.
pub(crate) fn retry_logouts(state: State) {
    for receipt in pending_logouts() {
        leptos::task::spawn_local(async move {
            let recorded = matches!(
                call_with_sessions(&EndSession {
                    sealed: receipt.clone(),
                    provider_logout: false,
                })
                .await,
                Ok(LoggedOut {
                    unrecorded: None,
                    ..
                })
            );
            note_logout(&receipt, !recorded);
            if !recorded {
                retry_logouts_soon(state);
            } else if pending_logouts().is_empty()
                && state.error.with_untracked(|e| {
                    e.as_ref()
                        .is_some_and(|e| e.error == ErrorCode::LogoutIncomplete)
                })
            {
                state.error.set(None);
            }
        });
    }
}

fn retry_logouts_soon(state: State) {
    let scheduled = state
        .sync
        .try_update_value(|s| std::mem::replace(&mut s.logout_retry, true));
    if scheduled == Some(false) {
        set_timer(LOGOUT_RETRY_MS, move || {
            state.sync.update_value(|s| s.logout_retry = false);
            retry_logouts(state);
        });
    }
}

/// What a logout answers: the provider's logout URL when asked for, the browser's other
/// sessions sealed for its new binding, and, when the end could not be recorded for the app's
/// other servers, why and the receipt to present again.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct LoggedOut {
    pub(crate) provider_logout_url: Option<String>,
    pub(crate) resealed: Vec<Authorization>,
    pub(crate) unrecorded: Option<(Error, SealedToken)>,
}

/// Ends a session: its id everywhere (revocation store), its tokens at the provider (best
/// effort), gives the browser a new binding (the other sessions it sent come back sealed for
/// it), and, when asked, returns the provider's logout URL (its `state` goes into a cookie
/// checked on return). `sealed` may be a receipt of a logout not recorded yet: the record is
/// tried again.
#[server(prefix = "/api/porte", endpoint = "end_session", input = leptos::server_fn::codec::Json,
    output = crate::shared::compact::Compact)]
pub(crate) async fn end_session(
    sealed: SealedToken,
    provider_logout: bool,
) -> Result<LoggedOut, Error> {
    let (porte, parts) = crate::server::answering()?;
    let cookies = crate::server::cookie_header(&parts);
    let mut out = crate::server::logout(&porte, &sealed, cookies, provider_logout)
        .await
        .map_err(crate::server::answer)?;
    if let Some(loopback) = porte.loopback() {
        // A desktop app: the provider's logout opens in the system browser instead.
        let (url, cookie) = (out.provider_logout_url.take(), out.state_cookie.take());
        crate::server::open_provider_logout(loopback, url, cookie)
            .map_err(crate::server::answer)?;
    }
    if let Some(c) = &out.state_cookie {
        crate::server::set_cookie(c);
    }
    let mut resealed = Vec::new();
    if out.rebind {
        let others = crate::server::sent_sessions(&parts);
        let (binding, kept) =
            crate::server::rebind(&porte, cookies, others).map_err(crate::server::answer)?;
        crate::server::set_cookie(&binding);
        resealed = kept;
    }
    let unrecorded = out.unrecorded.map(|receipt| {
        let why = crate::server::AuthError::LogoutIncomplete("store unavailable".into());
        (Error::from(why), receipt)
    });
    Ok(LoggedOut {
        provider_logout_url: out.provider_logout_url,
        resealed,
        unrecorded,
    })
}

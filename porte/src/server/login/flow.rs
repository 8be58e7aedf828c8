//! The login flow on the server: start (authorization URL + flow cookie) and completion (the
//! redirect's code exchanged, the user fetched, the session sealed for this browser).

use crate::server::error::AuthError;
use crate::server::login::flow_cookie::PendingLogin;
use crate::server::login::redirect_query::RedirectQuery;
use crate::server::login::return_path;
use crate::server::session::binding::BrowserBinding;
use crate::server::session::check;
use crate::server::session::seal::SessionData;
use crate::server::Porte;
use crate::{Authorization, Completion, LoginRequest, LoginStart, SealedToken, TokenInfo};
use cookie::Cookie;

/// The longest custom completion page accepted (it travels in the flow cookie).
pub(crate) const MAX_COMPLETE_PAGE_HTML: usize = 2048;

/// A finished redirect: what the completion page shows and does.
pub(crate) struct Finished {
    /// The result, for the page that started the login.
    pub completion: Completion,
    /// Deletes the flow cookie.
    pub removal: Option<Cookie<'static>>,
    /// Same-tab logins: where to go next.
    pub return_to: Option<String>,
    /// The login's custom completion page body.
    pub page_html: Option<String>,
}

/// A started login: where to send the browser, and the cookies to set (the flow's, and the
/// browser binding when the browser had none yet).
#[derive(Debug)]
pub(crate) struct Started {
    pub start: LoginStart,
    pub cookies: Vec<Cookie<'static>>,
}

/// Starts a login for the browser that sent `cookie_header`: the URL to open, the flow's
/// secrets in a cookie, and a binding cookie for a browser that has none (the flow is bound
/// to it, so only this browser can finish it).
pub(crate) async fn start_login(
    porte: &Porte,
    request: &LoginRequest,
    cookie_header: Option<&str>,
) -> Result<Started, AuthError> {
    if request
        .complete_page_html
        .as_ref()
        .is_some_and(|h| h.len() > MAX_COMPLETE_PAGE_HTML)
    {
        return Err(AuthError::InvalidRequest(format!(
            "complete_page_html is longer than {MAX_COMPLETE_PAGE_HTML} bytes"
        )));
    }
    let return_to = request.return_to.as_deref().map(|raw| {
        return_path::safe_return_path(raw).unwrap_or_else(|| {
            tracing::warn!("refused a return path that is not a same-origin path");
            porte.config().home_path.clone()
        })
    });
    let redirect_uri = porte.config().redirect_uri();
    let bound = bound_flow(porte, request, cookie_header, &redirect_uri, return_to).await?;
    let mut cookies = vec![porte.cookies().seal(&bound.flow)];
    cookies.extend(bound.new_binding_cookie);
    Ok(Started {
        start: LoginStart {
            authorization_url: bound.authorization_url,
            state: bound.flow.state,
            in_system_browser: false,
        },
        cookies,
    })
}

/// A flow started for the browser that sent `cookie_header`, and bound to it.
pub(crate) struct BoundFlow {
    pub authorization_url: String,
    pub flow: PendingLogin,
    pub binding: BrowserBinding,
    /// The binding cookie to set, for a browser that had none.
    pub new_binding_cookie: Option<Cookie<'static>>,
}

/// Starts `request`'s flow with `redirect_uri`, bound to the browser of `cookie_header` (or to a
/// new binding, whose cookie the browser is to get).
pub(crate) async fn bound_flow(
    porte: &Porte,
    request: &LoginRequest,
    cookie_header: Option<&str>,
    redirect_uri: &str,
    return_to: Option<String>,
) -> Result<BoundFlow, AuthError> {
    let provider = porte.provider(&request.provider)?;
    let secure = porte.config().is_https();
    let known = BrowserBinding::from_cookie_header(cookie_header, secure);
    let binding = known.clone().unwrap_or_else(BrowserBinding::generate);
    let (authorization_url, mut flow) = porte
        .within(provider.start(porte.http(), redirect_uri, request, return_to))
        .await?;
    flow.browser = binding.fingerprint();
    Ok(BoundFlow {
        authorization_url,
        flow,
        new_binding_cookie: known.is_none().then(|| binding.cookie(secure)),
        binding,
    })
}

/// Finishes the flow named by the redirect's `state`, and deletes its cookie (so the
/// `state` cannot be used again). Only the browser that started the flow can: its flow
/// cookie and the same binding cookie must both come back.
pub(crate) async fn complete_login(
    porte: &Porte,
    query: &RedirectQuery,
    cookie_header: Option<&str>,
) -> Finished {
    let Some(state) = query.state.clone() else {
        return Finished {
            completion: Completion {
                state: None,
                outcome: Err(AuthError::NoLoginPending.into()),
            },
            removal: None,
            return_to: None,
            page_html: None,
        };
    };
    let binding = BrowserBinding::from_cookie_header(cookie_header, porte.config().is_https());
    let removal = porte.cookies().removal(&state);
    let flow = porte.cookies().open(cookie_header, &state);
    let outcome = match (&flow, &binding) {
        (Some(flow), Some(binding)) if flow.browser == binding.fingerprint() => {
            let redirect_uri = porte.config().redirect_uri();
            finish(porte, query, flow, binding, &redirect_uri).await
        }
        (Some(_), _) => {
            tracing::warn!(
                "a login finished in a browser other than the one that started it \
                 (a planted flow cookie, or the binding changed meanwhile): refused"
            );
            Err(AuthError::NoLoginPending)
        }
        (None, _) => Err(AuthError::NoLoginPending),
    };
    if let Err(e) = &outcome {
        tracing::warn!(error = %e, "login not completed");
    }
    let (return_to, page_html) = flow
        .map(|f| (f.return_to, f.complete_page_html))
        .unwrap_or_default();
    Finished {
        completion: Completion {
            state: Some(state),
            outcome: outcome.map_err(Into::into),
        },
        removal: Some(removal),
        return_to,
        page_html,
    }
}

/// Exchanges the code of `flow` (started with `redirect_uri`) and seals the session for
/// `binding`'s browser.
pub(crate) async fn finish(
    porte: &Porte,
    query: &RedirectQuery,
    flow: &PendingLogin,
    binding: &BrowserBinding,
    redirect_uri: &str,
) -> Result<Authorization, AuthError> {
    let provider = porte.provider(&flow.provider)?;
    let data = porte
        .within(provider.finish(
            porte.http(),
            redirect_uri,
            query,
            flow,
            porte.new_lifetime(),
        ))
        .await?;
    let sealed = check::seal(porte, &data, binding)?;
    tracing::info!(provider = %flow.provider, "login completed");
    authorization(porte, &data, sealed)
}

pub(crate) fn authorization(
    porte: &Porte,
    data: &SessionData,
    sealed: SealedToken,
) -> Result<Authorization, AuthError> {
    let provider = porte.provider(&data.provider)?.info();
    Ok(Authorization {
        provider,
        token: TokenInfo::from(data),
        user: data.user.clone(),
        session: check::times(porte, data),
        sealed,
    })
}

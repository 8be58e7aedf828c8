//! The login flow on the server: start (authorization URL + flow cookie) and completion (the
//! redirect's code exchanged, the user fetched, the session sealed for this browser).

use super::binding::BrowserBinding;
use super::error::AuthError;
use super::flow_cookie::PendingLogin;
use super::redirect::RedirectQuery;
use super::return_path;
use super::session::SessionData;
use super::Porte;
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
    /// Sets the browser binding cookie when the browser had none.
    pub binding_cookie: Option<Cookie<'static>>,
}

impl Porte {
    /// Starts a login: the URL to open and the `Set-Cookie` holding the flow's secrets.
    pub(crate) async fn start_login(
        &self,
        request: &LoginRequest,
    ) -> Result<(LoginStart, Cookie<'static>), AuthError> {
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
                self.0.config.home_path.clone()
            })
        });
        let redirect_uri = self.0.config.redirect_uri();
        let provider = self.provider(&request.provider)?;
        let (authorization_url, flow) = self
            .within(provider.start(&self.0.http, &redirect_uri, request, return_to))
            .await?;
        let cookie = self.0.cookies.seal(&flow);
        Ok((
            LoginStart {
                authorization_url,
                state: flow.state,
            },
            cookie,
        ))
    }

    /// Finishes the flow named by the redirect's `state`, and deletes its cookie (so the
    /// `state` cannot be used again).
    pub(crate) async fn complete_login(
        &self,
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
                binding_cookie: None,
            };
        };
        let secure = self.0.config.is_https();
        let known = BrowserBinding::from_cookie_header(cookie_header, secure);
        let binding = known.clone().unwrap_or_else(BrowserBinding::generate);
        let removal = self.0.cookies.removal(&state);
        let flow = self.0.cookies.open(cookie_header, &state);
        let outcome = match &flow {
            Some(flow) => self.finish(query, flow, &binding).await,
            None => Err(AuthError::NoLoginPending),
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
            binding_cookie: known.is_none().then(|| binding.cookie(secure)),
        }
    }

    async fn finish(
        &self,
        query: &RedirectQuery,
        flow: &PendingLogin,
        binding: &BrowserBinding,
    ) -> Result<Authorization, AuthError> {
        let provider = self.provider(&flow.provider)?;
        let redirect_uri = self.0.config.redirect_uri();
        let data = self
            .within(provider.finish(
                &self.0.http,
                &redirect_uri,
                query,
                flow,
                self.new_lifetime(),
            ))
            .await?;
        tracing::info!(provider = %flow.provider, "login completed");
        let sealed = self.0.sealer.seal(&data, binding);
        self.authorization(&data, sealed)
    }

    pub(crate) fn authorization(
        &self,
        data: &SessionData,
        sealed: SealedToken,
    ) -> Result<Authorization, AuthError> {
        let provider = self.provider(&data.provider)?.info();
        Ok(Authorization {
            provider,
            token: TokenInfo::from(data),
            user: data.user.clone(),
            session: crate::SessionTimes::from(&data.lifetime),
            sealed,
        })
    }
}

//! [`SessionClient`]: the server-function client that sends the browser's sessions with each call,
//! so the server function can ask [`require_session`](crate::require_session) who is signed in;
//! it refreshes and sends again on `token_expired`, keeps a session the server sealed again, and
//! ends one the server refuses for good.

use super::refresh::{refreshed, sessions, sessions_for_call};
use super::server_fns::{answer, json, read, request, Answer};
use super::session::{end, renewed};
use super::state::{on_this_page, State};
use crate::shared::wire;
use crate::web::fetch::{detach, fetch};
use crate::{Error, ErrorCode, ProviderId, SealedToken};
use bytes::Bytes;
use futures::Stream;
use leptos::server_fn::client::browser::BrowserClient;
use leptos::server_fn::client::Client;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::request::browser::BrowserRequest;
use leptos::server_fn::response::ClientRes;
use send_wrapper::SendWrapper;
use std::future::Future;
use std::pin::Pin;

/// Sends the signed-in sessions with a server-function call. Name it in the functions that ask
/// who is signed in:
///
/// ```no_run
/// use leptos::prelude::*;
///
/// #[server(client = porte::SessionClient)]
/// pub async fn my_notes() -> Result<Vec<String>, ServerFnError> {
///     let session = porte::require_session().await?;
///     Ok(vec![format!("a note for {}", session.user_id())])
/// }
/// ```
///
/// Each call carries the page's session tokens (header `x-porte-session`; the browser binding
/// cookie goes along as usual). When an access token has expired and can be refreshed, the call
/// waits for the refresh first (done by the one tab that refreshes for all); if the server still
/// answers `token_expired` (clocks disagree), the call is sent once more after a refresh. A
/// session the server refuses for good (`invalid_session`, `session_expired`, `session_ended`)
/// ends in every tab. A function without this client sends no session and gets
/// `not_signed_in` (401): it fails closed.
///
/// Streaming responses arrive whole (one chunk) through this client.
#[derive(Debug)]
pub struct SessionClient;

impl<E, IS, OS> Client<E, IS, OS> for SessionClient
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = SessionResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        let sending = sending(req.into());
        SendWrapper::new(async move {
            sending
                .await
                .map(|r| SessionResponse(SendWrapper::new(r)))
                .map_err(|e| E::from_server_fn_error(ServerFnErrorErr::Request(e)))
        })
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                impl futures::Sink<Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, IS, OS>>::spawn(future)
    }
}

/// Calls Porte's server function `A` with `args` and the page's sessions, as [`SessionClient`]
/// sends an app's.
pub(crate) async fn call_with_sessions<A>(args: &A) -> Result<A::Output, Error>
where
    A: leptos::server_fn::ServerFn + serde::Serialize,
    A::Output: serde::de::DeserializeOwned,
{
    let path = A::PATH;
    let body = json(args);
    let sent: Answer = Box::pin(async move { answer(sending(request(path, &body)?).await).await });
    read(&sent.await?)
}

/// [`send_with_sessions`], boxed: one copy of the sending in the wasm, not one inlined into
/// every server function that names this client.
fn sending(
    raw: web_sys::Request,
) -> Pin<Box<dyn Future<Output = Result<web_sys::Response, String>>>> {
    Box::pin(send_with_sessions(raw))
}

/// Sends a server-function call with the page's sessions; refreshes and sends again once on
/// `token_expired`; ends a session the server refuses for good.
async fn send_with_sessions(raw: web_sys::Request) -> Result<web_sys::Response, String> {
    let (first, spare) = detach(raw)?;
    let Some(state) = on_this_page() else {
        return fetch(&first, None).await;
    };
    let sent = sessions_for_call(state).await;
    let response = fetch(&first, header_value(&sent).as_deref()).await?;
    let Some((code, Some(provider))) = refusal(&response) else {
        keep_renewal(state, &sent, &response);
        return Ok(response);
    };
    if code == ErrorCode::TokenExpired && refreshed(state, &provider).await.is_ok() {
        let sent = sessions(state);
        let response = fetch(&spare, header_value(&sent).as_deref()).await?;
        keep_renewal(state, &sent, &response);
        return Ok(response);
    }
    if code.ends_session() {
        // The server refused the session for good: it ends in every tab.
        end(state, &provider, Some(Error::new(code, None)), true);
    }
    Ok(response)
}

/// A session the server sealed again with a later idle expiry (`x-porte-renewed`).
fn keep_renewal(state: State, sent: &[(ProviderId, SealedToken)], response: &web_sys::Response) {
    let Some(value) = response.headers().get(wire::RENEWED_HEADER).ok().flatten() else {
        return;
    };
    let Some((item, idle)) = value.rsplit_once(';') else {
        return;
    };
    let (Some((provider, fresh)), Ok(idle_until)) = (
        wire::parse(item).into_iter().next(),
        idle.trim().parse::<u64>(),
    ) else {
        return;
    };
    if let Some((_, token)) = sent.iter().find(|(p, _)| *p == provider) {
        renewed_by_call(state, &provider, token, fresh, idle_until);
    }
}

/// A call made with `sent` came back with that session sealed again (`x-porte-renewed`):
/// keep it, unless the session moved on meanwhile (a refresh holds the newer refresh token).
fn renewed_by_call(
    state: State,
    provider: &ProviderId,
    sent: &SealedToken,
    fresh: SealedToken,
    idle_until: u64,
) {
    let Some(mut a) = state.authorization(provider) else {
        return;
    };
    if &a.sealed != sent {
        return;
    }
    a.sealed = fresh;
    a.session.idle_until = idle_until;
    renewed(state, a);
}

fn header_value(sessions: &[(ProviderId, SealedToken)]) -> Option<String> {
    (!sessions.is_empty()).then(|| wire::format(sessions.iter().map(|(p, t)| (p, t))))
}

/// The code and provider of a refused call (from its headers; the body stays unread).
fn refusal(response: &web_sys::Response) -> Option<(ErrorCode, Option<ProviderId>)> {
    if response.status() != 401 {
        return None;
    }
    let headers = response.headers();
    let code = headers.get(wire::ERROR_HEADER).ok().flatten()?;
    let provider = headers
        .get(wire::PROVIDER_HEADER)
        .ok()
        .flatten()
        .and_then(|p| ProviderId::parse(&p).ok());
    Some((ErrorCode::from(code), provider))
}

/// The response to a call made through [`SessionClient`].
pub struct SessionResponse(SendWrapper<web_sys::Response>);

impl std::fmt::Debug for SessionResponse {
    // Not the response itself: it can only be read on the page's thread.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionResponse").finish_non_exhaustive()
    }
}

impl SessionResponse {
    fn header(&self, name: &str) -> Option<String> {
        self.0.headers().get(name).ok().flatten()
    }
}

impl<E: FromServerFnError> ClientRes<E> for SessionResponse {
    fn try_into_string(self) -> impl Future<Output = Result<String, E>> + Send {
        SendWrapper::new(async move {
            let text = body(&self.0, |r| r.text()).await?;
            text.as_string()
                .ok_or_else(|| deserialize_error("the response is not text"))
        })
    }

    fn try_into_bytes(self) -> impl Future<Output = Result<Bytes, E>> + Send {
        SendWrapper::new(async move {
            let buffer = body(&self.0, |r| r.array_buffer()).await?;
            Ok(Bytes::from(js_sys::Uint8Array::new(&buffer).to_vec()))
        })
    }

    fn try_into_stream(
        self,
    ) -> Result<impl Stream<Item = Result<Bytes, Bytes>> + Send + Sync + 'static, E> {
        let whole = async move {
            let bytes: Result<Bytes, E> = self.try_into_bytes().await;
            bytes.map_err(|e| e.ser())
        };
        Ok(SendWrapper::new(futures::stream::once(Box::pin(whole))))
    }

    fn status(&self) -> u16 {
        self.0.status()
    }

    fn status_text(&self) -> String {
        self.0.status_text()
    }

    fn location(&self) -> String {
        self.header("Location").unwrap_or_else(|| self.0.url())
    }

    fn has_redirect(&self) -> bool {
        self.header(leptos::server_fn::redirect::REDIRECT_HEADER)
            .is_some()
    }
}

/// Reads the body with `read` (`text()`, `arrayBuffer()`).
async fn body<E: FromServerFnError>(
    response: &web_sys::Response,
    read: impl FnOnce(&web_sys::Response) -> Result<js_sys::Promise, wasm_bindgen::JsValue>,
) -> Result<wasm_bindgen::JsValue, E> {
    let promise = read(response).map_err(|e| deserialize_error(&format!("{e:?}")))?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|e| deserialize_error(&format!("{e:?}")))
}

fn deserialize_error<E: FromServerFnError>(detail: &str) -> E {
    E::from_server_fn_error(ServerFnErrorErr::Deserialization(detail.to_owned()))
}

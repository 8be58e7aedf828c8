//! What a login produces, as the browser sees it: the [`Authorization`] (token facts, user,
//! provider, sealed token) and the events the app listens to. Nothing here is secret: the
//! refresh token and the client secret stay inside [`SealedToken`] or on the server.

use super::{Error, ErrorCode, JsonObject, ProviderId, ProviderInfo};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The signed-in user: the fields Porte normalises, plus every field the provider sent.
///
/// Read a provider field by name like Flet's `page.auth.user["login"]`: `user.field("login")`;
/// missing fields read as `null`.
///
/// ```
/// use porte::{ProviderId, UserProfile};
/// let mut user = UserProfile::new(ProviderId::parse("github").unwrap(), "1001");
/// user.fields = serde_json::json!({"login": "alice"}).as_object().unwrap().clone().into();
/// assert_eq!(user.field("login"), "alice");
/// assert!(user.field("nope").is_null());
/// assert_eq!(user.display_name(), "1001");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserProfile {
    /// The provider that signed the user in.
    pub provider: ProviderId,
    /// The provider's stable user id (`sub`, GitHub's numeric `id`, Entra's `oid`).
    pub id: String,
    /// Full name.
    pub name: Option<String>,
    /// Login name.
    pub preferred_username: Option<String>,
    /// E-mail address; only ever one the provider says is verified, when it says so at all.
    pub email: Option<String>,
    /// Whether the provider verified the e-mail address.
    pub email_verified: Option<bool>,
    /// Avatar URL.
    pub picture: Option<String>,
    /// The groups the user is in, as the server reads them for this provider (see
    /// [`ProviderSpec::with_groups`](https://docs.rs/porte/latest/porte/providers/struct.ProviderSpec.html#method.with_groups)):
    /// at sign-in and again at every refresh. Empty when the server reads none.
    pub groups: Vec<Group>,
    /// The provider's own profile document, as received (parsed when first read).
    #[serde(default)]
    pub fields: JsonObject,
}

impl UserProfile {
    /// A profile with only the provider and the user id set.
    pub fn new(provider: ProviderId, id: impl Into<String>) -> Self {
        Self {
            provider,
            id: id.into(),
            name: None,
            preferred_username: None,
            email: None,
            email_verified: None,
            picture: None,
            groups: Vec::new(),
            fields: JsonObject::default(),
        }
    }

    /// The field `name` of the provider's profile document (Flet's `page.auth.user["login"]`);
    /// `null` when missing.
    pub fn field(&self, name: &str) -> Value {
        self.fields.get(name).unwrap_or(Value::Null)
    }

    /// The best name to greet the user with: name, login, e-mail, then the id.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .or(self.preferred_username.as_deref())
            .or(self.email.as_deref())
            .unwrap_or(&self.id)
    }
}

/// A group the user is in. `id` is what a group check compares: the provider's own unique,
/// administrator-controlled identifier (Entra: `<tenant id>/<group object id>`, GitHub:
/// `<org>/<team slug>`, OpenID providers: the value of their groups claim). `name` is for people
/// (Entra's display name); it is absent where it would repeat the id.
///
/// ```
/// use porte::Group;
/// let g = Group::new("4ae1…/7b1d…", Some("Admins".into()));
/// assert_eq!((g.id.as_str(), g.name()), ("4ae1…/7b1d…", "Admins"));
/// assert_eq!(Group::new("admins", None).name(), "admins");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Group {
    /// The identifier group checks compare.
    pub id: String,
    /// The display name, when it differs from the id.
    pub name: Option<String>,
}

impl Group {
    /// A group with its id and, where the provider has one apart from the id, its name.
    pub fn new(id: impl Into<String>, name: Option<String>) -> Self {
        let id = id.into();
        let name = name.filter(|n| *n != id);
        Self { id, name }
    }

    /// The name to show: the display name, else the id.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// `{"id", "name"}` (no `name` when there is none) in JSON; `(id, name)` in the compact wire,
/// which has no optional fields.
impl Serialize for Group {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        if !s.is_human_readable() {
            return (&self.id, &self.name).serialize(s);
        }
        let mut group = s.serialize_struct("Group", 1 + usize::from(self.name.is_some()))?;
        group.serialize_field("id", &self.id)?;
        if let Some(name) = &self.name {
            group.serialize_field("name", name)?;
        }
        group.end()
    }
}

/// Read from `{"id", "name"}`, or from a bare string (sessions sealed before groups had ids);
/// from `(id, name)` in the compact wire.
impl<'de> Deserialize<'de> for Group {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !d.is_human_readable() {
            let (id, name) = <(String, Option<String>)>::deserialize(d)?;
            return Ok(Group::new(id, name));
        }
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Group;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a group")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Group, E> {
                Ok(Group::new(v, None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Group, A::Error> {
                let (mut id, mut name) = (None, None);
                while let Some(key) = m.next_key::<std::borrow::Cow<'de, str>>()? {
                    match &*key {
                        "id" => id = Some(m.next_value::<String>()?),
                        "name" => name = m.next_value::<Option<String>>()?,
                        _ => m.next_value::<serde::de::IgnoredAny>().map(|_| ())?,
                    }
                }
                let id = id.ok_or_else(|| serde::de::Error::missing_field("id"))?;
                Ok(Group::new(id, name))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// An access token: shown only when asked for ([`AccessToken::secret`]), never by `Debug`.
///
/// ```
/// let t = porte::AccessToken::new("gho_secret");
/// assert_eq!(t.secret(), "gho_secret");
/// assert_eq!(format!("{t:?}"), "AccessToken(**redacted**)");
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself, for an `Authorization: Bearer` header.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(**redacted**)")
    }
}

/// The token as the page may see it: everything but the refresh token itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenInfo {
    /// The access token, for calling the provider's API from the browser if the app wants to.
    pub access_token: AccessToken,
    /// Usually `Bearer`.
    pub token_type: String,
    /// The scopes the provider granted (GitHub's comma list is split too).
    pub scope: Vec<String>,
    /// Lifetime in seconds at issue, when the provider said.
    pub expires_in: Option<u64>,
    /// Unix time the access token expires, when known.
    pub expires_at: Option<u64>,
    /// Whether a refresh token is held (inside the sealed token, never here).
    pub has_refresh_token: bool,
    /// The validated ID token's claims (OpenID providers only; parsed when first read).
    pub id_token_claims: Option<JsonObject>,
}

/// The encrypted session token: provider, tokens (refresh token included) and user, sealed by
/// the server. Only the server can open it; the browser stores it and sends it back.
///
/// ```
/// use porte::SealedToken;
/// let t = SealedToken::new("p1.abcd.xyz");
/// assert_eq!(t.as_str(), "p1.abcd.xyz");
/// assert_eq!(format!("{t:?}"), "SealedToken(p1.abcd…)");
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SealedToken(String);

impl SealedToken {
    /// Wraps a sealed token string (as stored by the browser).
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    /// The token as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SealedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head: String = self.0.chars().take(7).collect();
        write!(f, "SealedToken({head}…)")
    }
}

/// When a session ends (Unix seconds): `expires_at` whatever happens, `idle_until` unless it is
/// used before (a refresh, a restore, a protected call). Past either, Porte ends it in every tab
/// with `session_expired`.
///
/// ```
/// let t = porte::SessionTimes::new(100, 1_000, 400);
/// assert_eq!((t.expires_at, t.ends_at()), (1_000, 400));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionTimes {
    /// The sign-in.
    pub signed_in_at: u64,
    /// The absolute end.
    pub expires_at: u64,
    /// The end unless the session is used before.
    pub idle_until: u64,
}

impl SessionTimes {
    /// The times of a session signed in at `signed_in_at` that ends at `expires_at` whatever
    /// happens, and at `idle_until` unless it is used before.
    pub fn new(signed_in_at: u64, expires_at: u64, idle_until: u64) -> Self {
        Self {
            signed_in_at,
            expires_at,
            idle_until,
        }
    }

    /// When the session ends if it is not used again.
    pub fn ends_at(&self) -> u64 {
        self.expires_at.min(self.idle_until)
    }
}

/// One provider's sign-in: Flet's `page.auth` (`token`, `user`, `provider`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Authorization {
    /// Which provider, and its label.
    pub provider: ProviderInfo,
    /// The token facts.
    pub token: TokenInfo,
    /// The user (absent when the login asked for `fetch_user: false`).
    pub user: Option<UserProfile>,
    /// When the session ends.
    pub session: SessionTimes,
    /// The encrypted token to keep and send back to server functions.
    pub sealed: SealedToken,
}

/// What `on_login` receives: an empty `error` means success (Flet's `LoginEvent`).
///
/// ```
/// use porte::{Error, LoginEvent};
/// assert!(LoginEvent::success(None).is_ok());
/// let e = LoginEvent::failure(None, &Error::new("access_denied", Some("No".into())));
/// assert_eq!((e.error.as_str(), e.error_description.as_deref()), ("access_denied", Some("No")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoginEvent {
    /// The provider the login was for, when known.
    pub provider: Option<ProviderId>,
    /// Empty on success, else the error code.
    pub error: String,
    /// What went wrong, for people.
    pub error_description: Option<String>,
}

impl LoginEvent {
    /// A successful login.
    pub fn success(provider: Option<ProviderId>) -> Self {
        Self {
            provider,
            error: String::new(),
            error_description: None,
        }
    }

    /// A failed login.
    pub fn failure(provider: Option<ProviderId>, e: &Error) -> Self {
        Self {
            provider,
            error: e.error.to_string(),
            error_description: e.description.clone(),
        }
    }

    /// Whether the login succeeded.
    pub fn is_ok(&self) -> bool {
        self.error.is_empty()
    }
}

/// What `on_logout` receives.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogoutEvent {
    /// The provider signed out of.
    pub provider: ProviderId,
    /// Why, when the user did not ask for it (e.g. the provider revoked the grant).
    pub reason: Option<String>,
    /// Why, as a code, when the session ended by itself: `session_expired`, `session_ended`,
    /// `invalid_session`, the provider's `invalid_grant`, …
    pub code: Option<ErrorCode>,
}

/// What the page asks the server for when a login starts (the serialisable part of
/// `LoginOptions`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    /// The provider.
    pub provider: ProviderId,
    /// Extra scopes for this login only.
    #[serde(default)]
    pub scope: Vec<String>,
    /// Fetch the user's profile (default true; plain OAuth 2.0 providers always do: the profile
    /// is their only way to say who signed in).
    pub fetch_user: bool,
    /// A custom completion page body (HTML; scripts do not run in it).
    pub complete_page_html: Option<String>,
    /// Same-tab logins only: the same-origin path to land on afterwards.
    pub return_to: Option<String>,
}

/// The result of one login flow, as the completion page hands it to the page that opened it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    /// The `state` of the flow this result belongs to (absent when the request had none).
    pub state: Option<String>,
    /// The authorization, or why the login failed.
    pub outcome: Result<Authorization, Error>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_completion_survives_its_trip_through_json() {
        use super::{Completion, Error};
        let c = Completion {
            state: Some("abc".into()),
            outcome: Err(Error::new("access_denied", None)),
        };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Completion>(&json).unwrap(), c);
    }
}

//! The scopes a login asks for: the provider's own, the user's and the groups' when they are
//! read, then the page's extra scopes, checked (the page is not trusted to send valid ones).

use crate::server::error::AuthError;
use crate::server::providers::{Endpoints, ProviderSpec};

/// The scopes of one login: `openid` for an OpenID provider, the provider's base scopes, the
/// user's when the user is fetched and the groups' when groups are read, then the login's extra
/// scopes (RFC 6749 §3.3 characters only), without duplicates.
pub fn for_login(
    spec: &ProviderSpec,
    fetches_user: bool,
    extra: &[String],
) -> Result<Vec<String>, AuthError> {
    check_extra_scopes(extra)?;
    let scopes = &spec.scopes;
    let mut all: Vec<String> = Vec::new();
    if matches!(spec.endpoints, Endpoints::Discovery { .. }) {
        all.push("openid".into());
    }
    let groups = spec.reads_groups();
    let chosen = scopes
        .base
        .iter()
        .chain(scopes.user.iter().filter(|_| fetches_user))
        .chain(scopes.groups.iter().filter(|_| groups))
        .chain(extra.iter());
    for s in chosen {
        if !all.contains(s) {
            all.push(s.clone());
        }
    }
    Ok(all)
}

/// At most this many extra scopes per login, each at most this long.
const MAX_EXTRA_SCOPES: usize = 32;
const MAX_SCOPE_LEN: usize = 256;

/// A login's extra scopes, from the page: a bounded number of RFC 6749 §3.3 scope tokens.
fn check_extra_scopes(scopes: &[String]) -> Result<(), AuthError> {
    if scopes.len() > MAX_EXTRA_SCOPES {
        return Err(AuthError::InvalidRequest(format!(
            "at most {MAX_EXTRA_SCOPES} extra scopes"
        )));
    }
    for s in scopes {
        let ok = !s.is_empty()
            && s.len() <= MAX_SCOPE_LEN
            && s.bytes()
                .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b));
        if !ok {
            return Err(AuthError::InvalidRequest(format!("invalid scope {s:?}")));
        }
    }
    Ok(())
}

//! A login belongs to the browser that started it: its flow carries that browser's binding, so
//! a flow cookie planted in another browser (login CSRF by cookie tossing from a sibling
//! subdomain) finishes nothing; on https both cookies are `__Host-` cookies, which a sibling
//! cannot set at all.

use super::fixtures::{porte, Browser};
use crate::server::login::flow;
use crate::server::login::flow_cookie::PendingLogin;
use crate::server::login::redirect_query::RedirectQuery;
use crate::server::session::lifecycle;
use crate::{Error, ErrorCode, LoginRequest, ProviderId};

fn query(state: &str) -> RedirectQuery {
    RedirectQuery {
        code: Some("the-attackers-code".into()),
        state: Some(state.into()),
        ..RedirectQuery::default()
    }
}

async fn outcome(porte: &crate::Porte, state: &str, header: &str) -> Result<(), ErrorCode> {
    let finished = flow::complete_login(porte, &query(state), Some(header)).await;
    finished
        .completion
        .outcome
        .map(|_| ())
        .map_err(|e: Error| e.error)
}

#[tokio::test]
async fn a_flow_planted_in_another_browser_finishes_nothing() {
    let porte = porte(&[]);
    let (attacker, victim) = (Browser::new(), Browser::new());
    // The attacker starts a login in their own browser…
    let mut flow = PendingLogin::new(ProviderId::parse("corp").unwrap(), "s1");
    flow.browser = attacker.binding.fingerprint();
    let planted = porte.cookies().seal(&flow).encoded().stripped().to_string();
    // …plants its flow cookie in the victim's browser and sends the victim to the callback.
    let in_victim = format!("{planted}; {}", victim.cookie());
    assert_eq!(
        outcome(&porte, "s1", &in_victim).await,
        Err(ErrorCode::InvalidState)
    );
    // A victim with no binding cookie yet: refused too.
    assert_eq!(
        outcome(&porte, "s1", &planted).await,
        Err(ErrorCode::InvalidState)
    );
    // In the browser that started it, the flow goes on (to the provider, which is down here).
    let own = format!("{planted}; {}", attacker.cookie());
    assert_eq!(
        outcome(&porte, "s1", &own).await,
        Err(ErrorCode::ProviderUnavailable)
    );
}

fn acme(origin: &str) -> crate::Porte {
    porte(&[
        ("PORTE_ORIGIN", origin),
        (
            "OAUTH_ACME_AUTHORIZATION_URL",
            "https://acme.example/authorize",
        ),
        ("OAUTH_ACME_TOKEN_URL", "https://acme.example/token"),
        ("OAUTH_ACME_USERINFO_URL", "https://acme.example/me"),
        ("OAUTH_ACME_CLIENT_ID", "id"),
        ("OAUTH_ACME_CLIENT_SECRET", "secret"),
    ])
}

fn request() -> LoginRequest {
    LoginRequest {
        provider: ProviderId::parse("acme").unwrap(),
        scope: Vec::new(),
        fetch_user: true,
        complete_page_html: None,
        return_to: None,
    }
}

#[tokio::test]
async fn a_login_binds_its_flow_to_the_browser_giving_it_a_binding_when_it_has_none() {
    let porte = acme("http://127.0.0.1:3000");
    let started = flow::start_login(&porte, &request(), None).await.unwrap();
    let [flow_cookie, binding_cookie] = &started.cookies[..] else {
        panic!("a flow cookie and a binding cookie: {:?}", started.cookies);
    };
    let header = format!(
        "{}; {}",
        flow_cookie.encoded().stripped(),
        binding_cookie.encoded().stripped()
    );
    let flow = porte
        .cookies()
        .open(Some(&header), &started.start.state)
        .unwrap();
    let binding = lifecycle::binding(&porte, Some(&header)).unwrap();
    assert_eq!(flow.browser, binding.fingerprint());
    // A browser that has a binding keeps it; the flow is bound to it.
    let browser = Browser::new();
    let again = flow::start_login(&porte, &request(), Some(&browser.cookie()))
        .await
        .unwrap();
    assert_eq!(again.cookies.len(), 1, "no new binding");
}

#[tokio::test]
async fn on_https_the_flow_and_binding_are_host_cookies() {
    let porte = acme("https://app.example");
    let started = flow::start_login(&porte, &request(), None).await.unwrap();
    for cookie in &started.cookies {
        assert!(cookie.name().starts_with("__Host-"), "{cookie}");
        assert_eq!(
            (cookie.path(), cookie.domain(), cookie.secure()),
            (Some("/"), None, Some(true))
        );
    }
}

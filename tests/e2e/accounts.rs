//! Accounts (`rtux::accounts`) on SQLite and PostgreSQL, and what a session
//! means to sockets: a guarded topic admits signed-in users only, signing out
//! closes the session's sockets (code 4003) and its token connects no more,
//! and attempts past the limits are refused.

use axum::http::{HeaderMap, HeaderValue};
use rtux::JoinError;
use rtux::accounts::{AccountError, Accounts, AttemptLimits, SignedIn};
use rtux::auth::Claims;
use rtux::testing::Connect;
use rtux::wire::Code;
use std::time::Duration;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use rtux_tests::{Client, SECRET, TestServer, backends, refused, unique};

const PASSWORD: &str = "correct horse battery";

/// The request headers of a browser holding `cookie` (a `Set-Cookie` value).
fn browser(cookie: &HeaderValue) -> HeaderMap {
    let pair = cookie
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("pair");
    let mut headers = HeaderMap::new();
    headers.insert("cookie", pair.parse().expect("header"));
    headers
}

fn email() -> String {
    format!("{}@example.com", unique("ana"))
}

fn signed_in(claims: &Claims) -> Result<(), JoinError> {
    claims
        .sid
        .as_ref()
        .map(|_| ())
        .ok_or_else(|| JoinError::new(Code::Unauthorized, "sign in to join"))
}

#[tokio::test]
async fn sign_up_in_and_out_on_every_backend() {
    for at in backends().await {
        let store = at.open().await;
        let accounts = Accounts::new(&store, SECRET.as_bytes()).expect("accounts");
        let (email, from) = (email(), unique("addr"));
        let ana = accounts
            .sign_up(&email.to_uppercase(), " Ana ", PASSWORD, &from)
            .await
            .expect("sign up");
        assert_eq!(
            (
                ana.session.account.email.as_str(),
                ana.session.account.name.as_str()
            ),
            (email.as_str(), "Ana")
        );
        let cookie = ana.cookie.to_str().expect("ascii");
        for part in [
            "rtux_session=",
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=1209600",
        ] {
            assert!(cookie.contains(part), "{}: {cookie}", at.name());
        }

        let taken = accounts.sign_up(&email, "Other", PASSWORD, &from).await;
        assert!(matches!(taken, Err(AccountError::EmailTaken)), "{taken:?}");
        let bad = accounts.sign_up("ana", "", "short", &from).await;
        let Err(AccountError::Invalid(problems)) = bad else {
            panic!("{bad:?}")
        };
        let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            ["email", "name", "password"],
            "every field to fix at once"
        );

        // Wrong password or unknown email: the same words.
        let wrong = accounts
            .sign_in(&email, "wrong horse battery", &from)
            .await
            .expect_err("wrong");
        let unknown = accounts
            .sign_in(&unique("x"), PASSWORD, &from)
            .await
            .expect_err("unknown");
        assert_eq!(wrong.to_string(), "Wrong email or password.");
        assert_eq!(unknown.to_string(), wrong.to_string());

        // Two browsers of Ana's: one signs out, the other stays; then everywhere.
        let phone = accounts
            .sign_in(&email, PASSWORD, &from)
            .await
            .expect("sign in");
        let (laptop_headers, phone_headers) = (browser(&ana.cookie), browser(&phone.cookie));
        let laptop = accounts
            .session(&laptop_headers)
            .await
            .expect("store")
            .expect("live");
        assert_eq!(laptop, ana.session);
        accounts.sign_out(&laptop).await.expect("sign out");
        assert_eq!(
            accounts.session(&laptop_headers).await.expect("store"),
            None
        );
        assert!(
            accounts
                .session(&phone_headers)
                .await
                .expect("store")
                .is_some()
        );
        let third = accounts
            .sign_in(&email, PASSWORD, &from)
            .await
            .expect("sign in");
        assert_eq!(
            accounts
                .sign_out_everywhere(&ana.session.account.id)
                .await
                .expect("store"),
            2
        );
        assert_eq!(accounts.session(&phone_headers).await.expect("store"), None);
        assert_eq!(
            accounts
                .session(&browser(&third.cookie))
                .await
                .expect("store"),
            None
        );

        // A cookie with its signature changed, or made with another secret, is nobody.
        let forged = HeaderValue::from_str(&cookie.replacen("rtux_session=", "rtux_session=A", 1))
            .expect("header");
        assert_eq!(
            accounts.session(&browser(&forged)).await.expect("store"),
            None
        );
        let theirs =
            Accounts::new(&store, b"another secret, also 32 bytes or more").expect("accounts");
        assert_eq!(theirs.session(&phone_headers).await.expect("store"), None);
    }
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_address_and_nobody_locks_the_owner_out() {
    let at = backends().await.remove(0);
    let store = at.open().await;
    let limits = AttemptLimits {
        sign_in_per_account_and_address: 3,
        sign_in_per_address: 5,
        failures_per_account: 4,
        sign_up_per_address: 10,
    };
    let accounts = Accounts::new(&store, SECRET.as_bytes())
        .expect("accounts")
        .attempt_limits(limits);
    let email = email();
    let owner = unique("addr");
    accounts
        .sign_up(&email, "Ana", PASSWORD, &owner)
        .await
        .expect("sign up");
    // Eve guesses from one address: three tries, then she waits.
    let eve = unique("addr");
    for _ in 0..3 {
        let e = accounts
            .sign_in(&email, "wrong horse battery", &eve)
            .await
            .expect_err("wrong");
        assert!(matches!(e, AccountError::WrongCredentials), "{e:?}");
    }
    let limited = accounts
        .sign_in(&email, "wrong horse battery", &eve)
        .await
        .expect_err("limited");
    let AccountError::TooManyAttempts(wait) = limited else {
        panic!("{limited:?}")
    };
    assert!(
        wait > Duration::ZERO && wait <= Duration::from_secs(20),
        "{wait:?}"
    );
    assert!(
        limited.to_string().starts_with("Too many attempts: wait "),
        "{limited}"
    );
    // From ten more addresses she fails the account more than it allows:
    // sign-ins to it slow down, but the owner, from their own address, is
    // never refused.
    for _ in 0..10 {
        let e = accounts
            .sign_in(&email, "wrong horse battery", &unique("addr"))
            .await
            .expect_err("wrong");
        assert!(matches!(e, AccountError::WrongCredentials), "{e:?}");
    }
    let started = std::time::Instant::now();
    let signed = accounts.sign_in(&email, PASSWORD, &owner).await;
    assert!(
        signed.is_ok(),
        "the owner signs in during the attack: {signed:?}"
    );
    assert!(
        started.elapsed() <= rtux::accounts::SLOWDOWN + Duration::from_secs(3),
        "slowed down at most by the slowdown: {:?}",
        started.elapsed()
    );

    // One address trying many accounts is limited too.
    let spray = unique("addr");
    for _ in 0..5 {
        let e = accounts
            .sign_in(&unique("x"), PASSWORD, &spray)
            .await
            .expect_err("unknown");
        assert!(matches!(e, AccountError::WrongCredentials), "{e:?}");
    }
    let e = accounts
        .sign_in(&unique("x"), PASSWORD, &spray)
        .await
        .expect_err("limited");
    assert!(matches!(e, AccountError::TooManyAttempts(_)), "{e:?}");
}

#[tokio::test]
async fn a_password_change_needs_the_current_one_and_ends_every_other_session() {
    let store = backends().await.remove(0).open().await;
    let accounts = Accounts::new(&store, SECRET.as_bytes()).expect("accounts");
    let email = email();
    let here = accounts
        .sign_up(&email, "Ana", PASSWORD, "10.0.0.1")
        .await
        .expect("sign up");
    let other = accounts
        .sign_in(&email, PASSWORD, "10.0.0.2")
        .await
        .expect("another browser");
    let wrong = accounts
        .change_password(
            &here.session,
            "not my password",
            "a brand new passphrase",
            "10.0.0.1",
        )
        .await
        .expect_err("wrong current");
    assert!(matches!(wrong, AccountError::WrongPassword), "{wrong:?}");
    let weak = accounts
        .change_password(&here.session, PASSWORD, "short", "10.0.0.1")
        .await
        .expect_err("too short");
    assert!(
        matches!(weak, AccountError::Invalid(ref p) if p[0].field == "new_password"),
        "{weak:?}"
    );
    let ended = accounts
        .change_password(
            &here.session,
            PASSWORD,
            "a brand new passphrase",
            "10.0.0.1",
        )
        .await
        .expect("changed");
    assert_eq!(ended, vec![other.session.id.clone()]);
    assert!(
        accounts
            .session(&browser(&here.cookie))
            .await
            .expect("store")
            .is_some(),
        "this browser stays"
    );
    assert!(
        accounts
            .session(&browser(&other.cookie))
            .await
            .expect("store")
            .is_none(),
        "the other is out"
    );
    assert!(
        accounts
            .sign_in(&email, PASSWORD, "10.0.0.3")
            .await
            .is_err(),
        "the old password is gone"
    );
    assert!(
        accounts
            .sign_in(&email, "a brand new passphrase", "10.0.0.3")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn form_tokens_are_bound_to_the_browser_and_the_site() {
    let store = backends().await.remove(0).open().await;
    let accounts = Accounts::new(&store, SECRET.as_bytes()).expect("accounts");
    // A signed-out browser gets a cookie to bind its token to.
    let page = accounts.form_token(&HeaderMap::new(), None);
    let cookie = page.cookie.expect("a form cookie for a new browser");
    let headers = browser(&cookie);
    assert!(accounts.form_token_ok(&headers, None, &page.token));
    assert_eq!(
        accounts.form_token(&headers, None).token,
        page.token,
        "the same while the cookie lasts"
    );
    assert!(
        !accounts.form_token_ok(&HeaderMap::new(), None, &page.token),
        "no cookie, no form"
    );
    let other = accounts.form_token(&HeaderMap::new(), None);
    assert!(
        !accounts.form_token_ok(&headers, None, &other.token),
        "another browser's token"
    );
    let mut cross = headers.clone();
    cross.insert("host", HeaderValue::from_static("127.0.0.1:4000"));
    cross.insert("origin", HeaderValue::from_static("https://evil.example"));
    assert!(
        !accounts.form_token_ok(&cross, None, &page.token),
        "a form posted from another site"
    );

    // Signed in: bound to the session.
    let ana = accounts
        .sign_up(&email(), "Ana", PASSWORD, &unique("addr"))
        .await
        .expect("sign up");
    let token = accounts.form_token(&HeaderMap::new(), Some(&ana.session));
    assert_eq!(token.cookie, None);
    assert!(accounts.form_token_ok(&HeaderMap::new(), Some(&ana.session), &token.token));
    assert!(!accounts.form_token_ok(&headers, None, &token.token));
}

/// A socket token for a session, as the app's pages mint them.
fn session_token(server: &TestServer, signed: &SignedIn) -> String {
    let account = &signed.session.account;
    let tokens = server.endpoint.tokens();
    tokens.issue_in_session(
        &account.id,
        Some(&account.name),
        &signed.session.id,
        Duration::from_secs(600),
    )
}

#[tokio::test]
async fn signing_out_closes_the_sessions_sockets_and_their_tokens_connect_no_more() {
    let store = backends().await.remove(0).open().await;
    let accounts = Accounts::new(&store, SECRET.as_bytes()).expect("accounts");
    let check = accounts.connect_check();
    let server =
        TestServer::with(|b| b.guard("room:members", signed_in).connect_check(check)).await;
    let email = email();
    let laptop = accounts
        .sign_up(&email, "Ana", PASSWORD, &unique("addr"))
        .await
        .expect("sign up");
    let phone = accounts
        .sign_in(&email, PASSWORD, &unique("addr"))
        .await
        .expect("sign in");

    // A visitor (a token of no session) connects, but the guarded topic refuses them.
    let mut visitor = Client::connect(&server, "visitor").await;
    refused(
        &visitor.join("room:members", serde_json::json!({})).await,
        Code::Unauthorized,
    );
    assert_eq!(
        visitor.join("room:lobby", serde_json::json!({})).await["status"],
        "ok"
    );

    let laptop_token = session_token(&server, &laptop);
    let mut on_laptop = Client::connect_token(&server, &laptop_token).await;
    assert_eq!(
        on_laptop.join("room:members", serde_json::json!({})).await["status"],
        "ok"
    );
    let mut on_phone = Client::connect_token(&server, &session_token(&server, &phone)).await;
    on_phone.join_ok("room:members").await;

    accounts.sign_out(&laptop.session).await.expect("sign out");
    assert_eq!(
        server
            .endpoint
            .end_session(&laptop.session.account.id, Some(&laptop.session.id)),
        1
    );
    let frame = on_laptop.closed().await.expect("a close frame");
    assert_eq!(frame.code, CloseCode::from(4003), "{frame:?}");
    let url = rtux::testing::socket_url(server.addr, &laptop_token);
    let Connect::Refused(status, body) = Client::try_url(&url, None).await else {
        panic!("an ended session's token connected")
    };
    assert_eq!(status, 403);
    assert!(body.contains("session has ended"), "{body}");
    // The phone's session is another: still connected, still joined.
    assert_eq!(
        on_phone
            .push("room:members", "echo", serde_json::json!({}))
            .await["status"],
        "ok"
    );

    // Everywhere: the rest of Ana's sockets close.
    accounts
        .sign_out_everywhere(&phone.session.account.id)
        .await
        .expect("store");
    assert_eq!(
        server.endpoint.end_session(&phone.session.account.id, None),
        1
    );
    assert_eq!(
        on_phone.closed().await.expect("close").code,
        CloseCode::from(4003)
    );
}

#[tokio::test]
async fn an_account_keeps_its_newest_fifty_sessions() {
    let store = backends().await.remove(0).open().await;
    let accounts = Accounts::new(&store, SECRET.as_bytes()).expect("accounts");
    let email = email();
    let first = accounts
        .sign_up(&email, "Ana", PASSWORD, &unique("addr"))
        .await
        .expect("sign up");
    let mut last = None;
    for _ in 0..rtux::accounts::SESSIONS_PER_ACCOUNT {
        last = Some(
            accounts
                .sign_in(&email, PASSWORD, &unique("addr"))
                .await
                .expect("sign in"),
        );
    }
    assert!(
        accounts
            .session(&browser(&first.cookie))
            .await
            .expect("store")
            .is_none(),
        "the oldest of 51 went"
    );
    let last = last.expect("signed in");
    assert!(
        accounts
            .session(&browser(&last.cookie))
            .await
            .expect("store")
            .is_some()
    );
}

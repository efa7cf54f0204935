//! Accounts, tested as people use them: the sign-up and sign-in forms (every
//! bad input said clearly, nothing said about who has an account, forged
//! forms refused, attempts limited), the board showing who is signed in,
//! signing out, which ends the session's cookie, token and sockets, and a
//! password change, which signs out every other browser.

mod common;

use common::auth::{self, PASSWORD};
use rtux::testing::{Connect, TestClient, TestServer};
use serde_json::json;

use << crate_name >>::views::BOARD_TOPIC;

/// The app on a fresh store of its own.
async fn app(name: &str) -> (axum::Router, rtux::Endpoint) {
    let config = common::config(name).await;
    << crate_name >>::build(&config).await.expect("the app starts")
}

#[tokio::test]
async fn the_forms_say_what_to_fix_and_refuse_forgeries() {
    let (app, _) = app("auth_forms").await;
    let page = auth::request(&app, "/sign-up", None, None).await;
    assert_eq!(page.status, 200);
    let (csrf, browser) = (page.form_token(), page.cookie("rtux_form"));

    // Every field to fix at once; what was typed is kept, but not the password.
    let bad = [("_csrf", csrf.as_str()), ("email", "ana"), ("name", " "), ("password", "tiny pw")];
    let refused = auth::request(&app, "/sign-up", Some(&browser), Some(&bad)).await;
    assert_eq!(refused.status, 422);
    for said in ["Enter an email address like ana@example.com.", "Enter your name", "at least 12 characters", "value=\"ana\""] {
        assert!(refused.body.contains(said), "{said}: {}", refused.body);
    }
    assert!(!refused.body.contains("tiny pw"), "the password is never sent back");

    // A form without this browser's token (posted from another site): refused.
    let forged = [("_csrf", "forged"), ("email", "ana@example.com"), ("name", "Ana"), ("password", PASSWORD)];
    let refused = auth::request(&app, "/sign-up", Some(&browser), Some(&forged)).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("This form has expired or came from another site"), "{}", refused.body);
    let elsewhere = auth::request(&app, "/sign-up", None, Some(&[("_csrf", csrf.as_str()), ("email", "ana@example.com"), ("name", "Ana"), ("password", PASSWORD)])).await;
    assert_eq!(elsewhere.status, 403, "a token without its browser's cookie");
    assert_eq!(auth::get(&app, "/", None).await.1.matches("Signed in as").count(), 0);
}

#[tokio::test]
async fn people_sign_up_sign_in_and_out() {
    let (app, endpoint) = app("auth_people").await;
    let ana = auth::sign_up(&app, &endpoint, "Ana").await;
    let (_, board) = auth::get(&app, "/", Some(&ana.cookie)).await;
    assert!(board.contains("Signed in as <strong>Ana</strong>"), "{board}");

    // The email is taken: sign-up says so (it cannot help it); sign-in never
    // tells a wrong password from an unknown email.
    let page = auth::request(&app, "/sign-in", None, None).await;
    let (csrf, browser) = (page.form_token(), page.cookie("rtux_form"));
    let again = auth::request(&app, "/sign-up", Some(&browser), Some(&[("_csrf", csrf.as_str()), ("email", "ANA@example.com"), ("name", "Ana 2"), ("password", PASSWORD)])).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("This email has an account already: sign in instead."), "{}", again.body);
    let wrong = auth::request(&app, "/sign-in", Some(&browser), Some(&[("_csrf", csrf.as_str()), ("email", "ana@example.com"), ("password", "not the password")])).await;
    let unknown = auth::request(&app, "/sign-in", Some(&browser), Some(&[("_csrf", csrf.as_str()), ("email", "zoe@example.com"), ("password", PASSWORD)])).await;
    assert_eq!((wrong.status, unknown.status), (401, 401));
    assert!(wrong.body.contains("Wrong email or password.") && unknown.body.contains("Wrong email or password."));
    let empty = auth::request(&app, "/sign-in", Some(&browser), Some(&[("_csrf", csrf.as_str())])).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Enter your email address.") && empty.body.contains("Enter your password."));

    // Signed in on a second device, sent back where they were going.
    let form = [("_csrf", csrf.as_str()), ("email", "ana@example.com"), ("password", PASSWORD), ("next", "/?from=x")];
    let phone = auth::request(&app, "/sign-in", Some(&browser), Some(&form)).await;
    assert_eq!((phone.status, phone.location.as_str()), (303, "/"), "a next with a query is not followed");
    let phone = phone.cookie("rtux_session");

    // Signing out ends this session only: its cookie and token route stop working.
    let form_token = auth::request(&app, "/", Some(&ana.cookie), None).await.form_token();
    let out = auth::request(&app, "/sign-out", Some(&ana.cookie), Some(&[("_csrf", form_token.as_str())])).await;
    assert_eq!((out.status, out.location.as_str()), (303, "/"));
    assert_eq!(out.cookie("rtux_session"), "rtux_session=", "the cookie is removed");
    assert!(auth::get(&app, "/", Some(&ana.cookie)).await.1.contains("Create an account"));
    assert_eq!(auth::get(&app, "/rtux/token", Some(&ana.cookie)).await.0, 401);
    assert!(auth::get(&app, "/", Some(&phone)).await.1.contains("Signed in as"));

    // Too many wrong attempts at one account from one place: wait.
    let mut last = 0;
    for _ in 0..6 {
        let wrong = [("_csrf", csrf.as_str()), ("email", "ana@example.com"), ("password", "still not it")];
        last = auth::request(&app, "/sign-in", Some(&browser), Some(&wrong)).await.status;
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn a_password_change_signs_out_every_other_browser() {
    let (app, endpoint) = app("auth_password").await;
    let ana = auth::sign_up(&app, &endpoint, "Ana").await;
    let page = auth::request(&app, "/sign-in", None, None).await;
    let (csrf, browser) = (page.form_token(), page.cookie("rtux_form"));
    let form = [("_csrf", csrf.as_str()), ("email", "ana@example.com"), ("password", PASSWORD)];
    let laptop = auth::request(&app, "/sign-in", Some(&browser), Some(&form)).await.cookie("rtux_session");
    assert_eq!(auth::get(&app, "/settings/password", None).await.1, "/sign-in?next=/settings/password", "signed-in people only");

    let page = auth::request(&app, "/settings/password", Some(&ana.cookie), None).await;
    assert_eq!(page.status, 200);
    let token = page.form_token();
    let wrong = [("_csrf", token.as_str()), ("current_password", "not it at all"), ("new_password", "a brand new passphrase")];
    let refused = auth::request(&app, "/settings/password", Some(&ana.cookie), Some(&wrong)).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("That is not your current password."), "{}", refused.body);
    let change = [("_csrf", token.as_str()), ("current_password", PASSWORD), ("new_password", "a brand new passphrase")];
    let changed = auth::request(&app, "/settings/password", Some(&ana.cookie), Some(&change)).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert!(changed.body.contains("your other session is signed out"), "{}", changed.body);
    assert!(auth::get(&app, "/", Some(&ana.cookie)).await.1.contains("Signed in as"), "this browser stays signed in");
    assert!(auth::get(&app, "/", Some(&laptop)).await.1.contains("Create an account"), "the other is signed out");
    let old = auth::request(&app, "/sign-in", Some(&browser), Some(&form)).await;
    assert_eq!(old.status, 401, "the old password no longer signs in");
}

#[tokio::test]
async fn signing_out_closes_the_sessions_sockets() {
    let (app, endpoint) = app("auth_sockets").await;
    let ana = auth::sign_up(&app, &endpoint, "Ana").await;
    let form_token = auth::request(&app, "/", Some(&ana.cookie), None).await.form_token();
    let server = TestServer::serve_app(endpoint, app.clone()).await;
    let mut socket = TestClient::connect_token(&server, &ana.token).await;
    let seen = socket.join(BOARD_TOPIC, json!({})).await;
    assert_eq!(seen["status"], "ok", "{seen}");
    let here = socket.presence_until(BOARD_TOPIC, |p| p.contains_key(&ana.id)).await;
    assert_eq!(here[&ana.id][0]["name"], "Ana", "presence shows the account's name");

    auth::request(&app, "/sign-out", Some(&ana.cookie), Some(&[("_csrf", form_token.as_str())])).await;
    let closed = socket.closed().await.expect("a close frame");
    assert_eq!(u16::from(closed.code), 4003, "{closed:?}");
    let url = rtux::testing::socket_url(server.addr, &ana.token);
    assert!(matches!(TestClient::try_url(&url, None).await, Connect::Refused(403, _)), "the token connects no more");
}

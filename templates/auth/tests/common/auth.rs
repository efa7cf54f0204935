//! Signing up and in through the app's own pages, as a browser does (made
//! by `rtux gen auth`): tests of pages and channels for signed-in people
//! start here.
#![allow(dead_code, reason = "each test file uses the part it needs")]

use axum::body::Body;
use axum::http::Request;
use axum::http::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use tower::ServiceExt;

/// The password test members sign up with.
pub const PASSWORD: &str = "correct horse battery staple";

/// A signed-up person: their user id, session cookie and socket token.
pub struct Member {
    /// The user id (presence keys, the ledger).
    pub id: String,
    /// `rtux_session=…`, to send as a `Cookie` header.
    pub cookie: String,
    /// A socket token of their session, from `/rtux/token`.
    pub token: String,
}

/// What the app answered.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// Where a redirect goes (empty otherwise).
    pub location: String,
    /// The `name=value` of each cookie set.
    pub cookies: Vec<String>,
    /// The body.
    pub body: String,
}

impl Answer {
    /// The `name=value` of the cookie `name` it set.
    pub fn cookie(&self, name: &str) -> String {
        let prefix = format!("{name}=");
        let found = self.cookies.iter().find(|c| c.starts_with(&prefix));
        found.unwrap_or_else(|| panic!("no {name} cookie in {:?}", self.cookies)).clone()
    }

    /// The form token in the page's forms.
    pub fn form_token(&self) -> String {
        let marker = "name=\"_csrf\" value=\"";
        let start = self.body.find(marker).map(|i| i + marker.len());
        let token = start.and_then(|s| self.body[s..].split('"').next());
        token.unwrap_or_else(|| panic!("no form token in {}", self.body)).to_owned()
    }
}

/// Sends a request through the router: a GET, or a POST of `form`.
pub async fn request(app: &axum::Router, path: &str, cookie: Option<&str>, form: Option<&[(&str, &str)]>) -> Answer {
    let builder = match form {
        Some(_) => Request::post(path).header(CONTENT_TYPE, "application/x-www-form-urlencoded"),
        None => Request::get(path),
    };
    let builder = match cookie {
        Some(cookie) => builder.header(COOKIE, cookie),
        None => builder,
    };
    let body = form.map(|f| serde_urlencoded::to_string(f).expect("a form")).unwrap_or_default();
    let response = app.clone().oneshot(builder.body(Body::from(body)).expect("request")).await.expect("response");
    let header = |v: &axum::http::HeaderValue| v.to_str().unwrap_or_default().to_owned();
    let location = response.headers().get(LOCATION).map(header).unwrap_or_default();
    let cookies = response.headers().get_all(SET_COOKIE).iter().map(header);
    let cookies = cookies.map(|c| c.split(';').next().unwrap_or_default().to_owned()).collect();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
    Answer { status, location, cookies, body: String::from_utf8_lossy(&bytes).into_owned() }
}

/// `GET path`: the status, and where it redirects (or the body).
pub async fn get(app: &axum::Router, path: &str, cookie: Option<&str>) -> (u16, String) {
    let answer = request(app, path, cookie, None).await;
    let said = if answer.location.is_empty() { answer.body } else { answer.location };
    (answer.status, said)
}

/// Signs `name` up (as `<name>@example.com`) through the sign-up page, and
/// gets a socket token of the session.
pub async fn sign_up(app: &axum::Router, endpoint: &rtux::Endpoint, name: &str) -> Member {
    let page = request(app, "/sign-up", None, None).await;
    let email = format!("{}@example.com", name.to_lowercase());
    let form = [("_csrf", page.form_token()), ("name", name.into()), ("email", email), ("password", PASSWORD.into())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let signed = request(app, "/sign-up", Some(&page.cookie("rtux_form")), Some(&form)).await;
    assert_eq!(signed.status, 303, "sign-up of {name}: {}", signed.body);
    let cookie = signed.cookie("rtux_session");
    let answer = request(app, "/rtux/token", Some(&cookie), None).await;
    let token: serde_json::Value = serde_json::from_str(&answer.body).expect("a token");
    let token = token["token"].as_str().expect("a token").to_owned();
    let id = endpoint.tokens().verify(&token).expect("a valid token").sub;
    Member { id, cookie, token }
}

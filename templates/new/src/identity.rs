//! Who opens a page: a visitor, named with `?name=Ana` and kept in a signed
//! cookie, or (after `rtux gen auth`) a signed-in person.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{FromRequestParts, Query};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue};
use rtux::auth::{Tokens, Visitor};
use serde::{Deserialize, Serialize};

use crate::app::App;

/// How long a socket token lasts: an hour (the visitor cookie, a week, is
/// not a token; it only gets one from these pages). rtux.js renews it from
/// `/rtux/token` when its socket closes at expiry.
const TOKEN_TTL: Duration = Duration::from_secs(3600);

/// Who opens a page: what the page shows of them and the socket token says.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    /// The user id: presence, locks and the op ledger key on it.
    pub id: String,
    /// The name the others see.
    pub name: String,
    /// The sign-in session (`rtux gen auth`); `None` for a visitor.
    pub session: Option<String>,
    /// The token forms of a signed-in person carry (`rtux gen auth`).
    pub form_token: Option<String>,
    /// Whether the request's cookies named them (a new visitor's do not).
    #[serde(skip)]
    pub(crate) returning: bool,
    /// Cookies to send with the page.
    #[serde(skip)]
    pub(crate) cookies: Vec<HeaderValue>,
}

/// `?name=Ana` names a visitor.
#[derive(Deserialize)]
struct Named {
    name: Option<String>,
}

impl Person {
    /// The visitor of the request's cookie, or a new one.
    fn visitor(parts: &Parts, app: &App) -> Person {
        let tokens = app.endpoint.tokens();
        let name = Query::<Named>::try_from_uri(&parts.uri).ok().and_then(|q| q.0.name);
        let returning = Visitor::returning(tokens, &parts.headers).is_some();
        let visitor = Visitor::from_headers(tokens, &parts.headers, name.as_deref());
        Person {
            cookies: vec![visitor.cookie(tokens, app.secure)],
            id: visitor.id,
            name: visitor.name,
            session: None,
            form_token: None,
            returning,
        }
    }

    /// A socket token for them: of their session when signed in.
    pub(crate) fn socket_token(&self, tokens: &Tokens) -> String {
        match &self.session {
            Some(session) => tokens.issue_in_session(&self.id, Some(&self.name), session, TOKEN_TTL),
            None => tokens.issue(&self.id, Some(&self.name), TOKEN_TTL),
        }
    }

    /// The `Set-Cookie` headers to send with their page.
    pub(crate) fn set_cookies(&self) -> Vec<(HeaderName, HeaderValue)> {
        self.cookies.iter().map(|c| (SET_COOKIE, c.clone())).collect()
    }
}

impl FromRequestParts<App> for Person {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Person, Infallible> {
        // rtux:person (rtux gen auth looks for a signed-in person above this line)
        Ok(Person::visitor(parts, app))
    }
}

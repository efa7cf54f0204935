//! Anonymous visitors with a stable identity: a signed cookie keeps one user
//! id across reloads and restarts, so ops queued before a reload are the same
//! user's ops after it (the ledger dedupes them), and presence shows one
//! person, not one per page load.

use std::time::Duration;

use axum::http::HeaderMap;
use axum::http::header::{COOKIE, HeaderValue};
use cookie::{Cookie, CookieJar, SameSite};

use super::Tokens;

/// The cookie that holds a visitor's identity.
pub const VISITOR_COOKIE: &str = "rtux_visitor";
/// How long a visitor cookie lasts: 7 days, renewed by every page and token
/// renewal (a visitor away for longer comes back as a new one; their ops
/// older than the ledger's 7 days could not be replayed anyway).
pub const VISITOR_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
/// The longest display name kept, in characters.
pub const MAX_NAME_CHARS: usize = 40;

/// An anonymous visitor: a random user id kept in a signed, HttpOnly cookie
/// (signed with the server's secret for the audience
/// [`VISITOR_AUDIENCE`](crate::auth::VISITOR_AUDIENCE), so it cannot be
/// forged or edited, and is not a socket token: the app's page exchanges it
/// for a short-lived one), and a display name.
///
/// ```
/// use rtux::auth::{Tokens, Visitor};
/// use axum::http::HeaderMap;
///
/// let tokens = Tokens::new(b"an example secret of at least 32 bytes!").unwrap();
/// let first = Visitor::from_headers(&tokens, &HeaderMap::new(), Some(" Ana\u{7} "));
/// assert_eq!(first.name, "Ana");
/// // The browser sends the cookie back: the same visitor.
/// let mut headers = HeaderMap::new();
/// headers.insert("cookie", first.cookie(&tokens, false).try_into().unwrap());
/// let again = Visitor::from_headers(&tokens, &headers, None);
/// assert_eq!((again.id, again.name), (first.id, first.name));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visitor {
    /// The user id: `v-` and a fresh UUID (v7: time and random bits), never
    /// reused.
    pub id: String,
    /// The display name: the one asked for, else the one kept, else
    /// a guest name picked from the id ([`guest_name`](super::guest_name):
    /// "Swift Otter").
    pub name: String,
}

impl Visitor {
    /// The visitor whose cookie came with the request, or a new one; `name`
    /// (trimmed, control characters removed, at most [`MAX_NAME_CHARS`])
    /// replaces the kept name when it is not empty.
    pub fn from_headers(tokens: &Tokens, headers: &HeaderMap, name: Option<&str>) -> Visitor {
        let kept = kept(tokens, headers);
        let id = kept.as_ref().map_or_else(
            || format!("v-{}", uuid::Uuid::now_v7().simple()),
            |c| c.sub.clone(),
        );
        let name = name
            .map(clean_name)
            .filter(|n| !n.is_empty())
            .or_else(|| kept.and_then(|c| c.name))
            .unwrap_or_else(|| super::guest_name(&id));
        Visitor { id, name }
    }

    /// The visitor whose valid cookie came with the request, if one did (for a
    /// token endpoint: a fresh socket token for the same visitor, never a new
    /// one).
    pub fn returning(tokens: &Tokens, headers: &HeaderMap) -> Option<Visitor> {
        kept(tokens, headers).map(|c| Visitor::from_headers(tokens, headers, c.name.as_deref()))
    }

    /// The `Set-Cookie` value that keeps this visitor (send it with every
    /// page and token renewal, which renews it): HttpOnly, SameSite=Lax, for
    /// [`VISITOR_TTL`], and `Secure` when the app is served over HTTPS (pass
    /// `true` in production).
    pub fn cookie(&self, tokens: &Tokens, secure: bool) -> HeaderValue {
        let token = tokens.issue_visitor(&self.id, &self.name, VISITOR_TTL);
        let cookie = Cookie::build((VISITOR_COOKIE, token))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .max_age(cookie::time::Duration::seconds(
                i64::try_from(VISITOR_TTL.as_secs()).unwrap_or(i64::MAX),
            ))
            .build();
        HeaderValue::from_str(&cookie.to_string())
            .unwrap_or_else(|e| unreachable!("a cookie of a token is a valid header: {e}"))
    }
}

/// The claims of the request's visitor cookie, if it holds a valid token.
fn kept(tokens: &Tokens, headers: &HeaderMap) -> Option<super::Claims> {
    request_cookies(headers)
        .get(VISITOR_COOKIE)
        .and_then(|c| tokens.verify_visitor(c.value()).ok())
}

/// The cookies a request came with (every `Cookie` header).
pub(crate) fn request_cookies(headers: &HeaderMap) -> CookieJar {
    let mut jar = CookieJar::new();
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .for_each(|c| jar.add_original(c.into_owned()));
    jar
}

/// A display name as people should see it: trimmed, without control
/// characters, at most [`MAX_NAME_CHARS`] characters.
///
/// ```
/// assert_eq!(rtux::auth::clean_name("  Ana\u{0}\n Lee "), "Ana Lee");
/// assert_eq!(rtux::auth::clean_name(&"x".repeat(100)).chars().count(), 40);
/// ```
pub fn clean_name(name: &str) -> String {
    let kept: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    kept.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_NAME_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> Tokens {
        Tokens::new(b"a test secret of at least thirty-two bytes").expect("tokens")
    }

    #[test]
    fn a_forged_or_foreign_cookie_makes_a_new_visitor() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("rtux_visitor=v-forged; other=1"),
        );
        let v = Visitor::from_headers(&tokens(), &headers, None);
        assert_ne!(v.id, "v-forged");
        assert!(v.id.starts_with("v-") && v.id.len() == 34, "{}", v.id);
        assert_eq!(v.name, super::super::guest_name(&v.id));
        let other = Tokens::new(b"another secret of at least thirty-two bytes").expect("t");
        let foreign = v.cookie(&other, false);
        headers.insert(COOKIE, foreign);
        assert_ne!(Visitor::from_headers(&tokens(), &headers, None).id, v.id);
    }

    #[test]
    fn the_cookie_is_http_only_lax_a_week_long_and_no_socket_token() {
        let v = Visitor::from_headers(&tokens(), &HeaderMap::new(), Some("Bo"));
        let cookie = v.cookie(&tokens(), true);
        let text = cookie.to_str().expect("ascii");
        for part in [
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=604800",
        ] {
            assert!(text.contains(part), "{text}");
        }
        let value = text
            .split(';')
            .next()
            .and_then(|c| c.strip_prefix("rtux_visitor="))
            .expect("the cookie's value");
        assert!(
            tokens().verify(value).is_err(),
            "a visitor cookie never opens a socket"
        );
        let token = tokens().issue(&v.id, Some("Bo"), std::time::Duration::from_secs(60));
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("{VISITOR_COOKIE}={token}")).expect("header"),
        );
        assert!(
            Visitor::returning(&tokens(), &headers).is_none(),
            "nor is a socket token a visitor cookie"
        );
    }
}

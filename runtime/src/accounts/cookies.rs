//! The cookies of sign-in: the session's (a random secret, signed with a key
//! derived from the app's secret) and the form-token binding of a browser not
//! signed in. Both HttpOnly and SameSite=Lax; `Secure` when the app says it
//! is served over HTTPS.

use axum::http::HeaderMap;
use axum::http::header::HeaderValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cookie::{Cookie, CookieJar, Key, SameSite};
use rand_core::{OsRng, RngCore};

use crate::auth::request_cookies;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "rtux_session";
/// The cookie a signed-out browser's form tokens are bound to.
pub const FORM_COOKIE: &str = "rtux_form";

/// 32 random bytes from the operating system, URL-safe base64.
pub(crate) fn random_secret() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The value of the signed cookie `name`, if it came with a valid signature.
pub(crate) fn signed(headers: &HeaderMap, key: &Key, name: &str) -> Option<String> {
    request_cookies(headers)
        .signed(key)
        .get(name)
        .map(|c| c.value().to_owned())
}

/// The value of the plain cookie `name`.
pub(crate) fn plain(headers: &HeaderMap, name: &str) -> Option<String> {
    request_cookies(headers)
        .get(name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` for `name = value`, signed with `key` when given, lasting
/// `max_age` seconds (a browser session's length with `None`; removal with 0).
pub(crate) fn set(
    name: &'static str,
    value: String,
    key: Option<&Key>,
    max_age: Option<i64>,
    secure: bool,
) -> HeaderValue {
    let mut cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure);
    if let Some(seconds) = max_age {
        cookie = cookie.max_age(cookie::time::Duration::seconds(seconds));
    }
    let cookie = cookie.build();
    let cookie = match key {
        Some(key) => {
            let mut jar = CookieJar::new();
            jar.signed_mut(key).add(cookie);
            jar.get(name)
                .cloned()
                .unwrap_or_else(|| unreachable!("just added"))
        }
        None => cookie,
    };
    HeaderValue::from_str(&cookie.to_string())
        .unwrap_or_else(|e| unreachable!("a cookie of base64 is a valid header: {e}"))
}

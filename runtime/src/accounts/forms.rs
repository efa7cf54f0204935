//! Form tokens against cross-site request forgery. A form carries a token
//! that only this server can make (an HMAC with a key of its own) and that is
//! bound to the browser: to the session when signed in, else to a random
//! cookie. A forged form from another site has no such token; its `Origin`
//! (or `Sec-Fetch-Site`) gives it away too, and is checked as well.

use axum::http::HeaderMap;
use axum::http::header::{HOST, HeaderValue, ORIGIN};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The hidden field forms carry their token in.
pub const FORM_TOKEN_FIELD: &str = "_csrf";

/// A page's form token, and the cookie to send with the page when the
/// browser has none to bind it to yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormToken {
    /// Put it in each form as `<input type="hidden" name="_csrf" value="…">`.
    pub token: String,
    /// Send it as a `Set-Cookie` header with the page, when there is one.
    pub cookie: Option<HeaderValue>,
}

/// The token for `binding` under `key`.
pub(crate) fn token(key: &[u8], binding: &str) -> String {
    URL_SAFE_NO_PAD.encode(mac(key, binding).finalize().into_bytes())
}

/// Whether `submitted` is the token for `binding`, compared in constant time.
pub(crate) fn matches(key: &[u8], binding: &str, submitted: &str) -> bool {
    URL_SAFE_NO_PAD
        .decode(submitted)
        .is_ok_and(|bytes| mac(key, binding).verify_slice(&bytes).is_ok())
}

fn mac(key: &[u8], binding: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|e| unreachable!("HMAC takes keys of any length: {e}"));
    mac.update(b"rtux form token\0");
    mac.update(binding.as_bytes());
    mac
}

/// Whether the request comes from a page of this site: no `Sec-Fetch-Site`
/// other than same-origin, and an `Origin` (when the browser sends one) whose
/// host is the request's `Host`.
pub(crate) fn same_site(headers: &HeaderMap) -> bool {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if header("sec-fetch-site").is_some_and(|s| s != "same-origin" && s != "none") {
        return false;
    }
    match (header(ORIGIN.as_str()), header(HOST.as_str())) {
        (None, _) => true,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_holds_for_its_binding_and_key_only() {
        let t = token(b"k1", "s:abc");
        assert!(matches(b"k1", "s:abc", &t));
        assert!(!matches(b"k1", "s:abd", &t));
        assert!(!matches(b"k2", "s:abc", &t));
        assert!(!matches(b"k1", "s:abc", "not base64 ✗"));
        assert!(!matches(b"k1", "s:abc", ""));
    }

    #[test]
    fn cross_site_requests_are_told_apart() {
        let mut h = HeaderMap::new();
        assert!(same_site(&h), "no Origin: an old browser or a test client");
        h.insert(HOST, HeaderValue::from_static("127.0.0.1:4000"));
        h.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:4000"));
        assert!(same_site(&h));
        h.insert(ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!same_site(&h));
        h.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:4000"));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_site(&h));
    }
}

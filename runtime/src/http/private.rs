//! Pages that carry a socket token (or a form token) are private to the
//! person they were rendered for: never cached, never framed by another site,
//! and their tokens never written to request logs.

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue, Uri};

/// The headers of a page rendered for one person: `Cache-Control: no-store`
/// (no shared cache or back button keeps their token), `Content-Security-Policy:
/// frame-ancestors 'none'` and `X-Frame-Options: DENY` (no other site frames
/// it to click for them), `Referrer-Policy: same-origin`.
///
/// ```
/// let headers = rtux::http::private_page_headers();
/// assert!(headers.iter().any(|(n, v)| n == "cache-control" && v == "no-store"));
/// ```
pub fn private_page_headers() -> [(HeaderName, HeaderValue); 4] {
    [
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        ),
        (X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (REFERRER_POLICY, HeaderValue::from_static("same-origin")),
    ]
}

/// Query parameters whose values are secrets.
const SECRET_PARAMS: [&str; 3] = ["token", "access_token", "auth"];

/// A request's URI as a log may show it: the values of `token` (the socket's
/// connect parameter) and other secret parameters replaced by `<redacted>`.
///
/// ```
/// let uri: axum::http::Uri = "/socket/websocket?vsn=2.0.0&token=eyJhbGciOi.x.y".parse().unwrap();
/// assert_eq!(rtux::http::redacted_uri(&uri), "/socket/websocket?vsn=2.0.0&token=<redacted>");
/// ```
pub fn redacted_uri(uri: &Uri) -> String {
    let Some(query) = uri.query() else {
        return uri.path().to_owned();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|part| match part.split_once('=') {
            Some((name, _)) if SECRET_PARAMS.contains(&name) => format!("{name}=<redacted>"),
            _ => part.to_owned(),
        })
        .collect();
    format!("{}?{}", uri.path(), parts.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_secret_values_go() {
        let uri: Uri = "/p?a=1&token=s3cret&auth=x&b".parse().expect("uri");
        assert_eq!(
            redacted_uri(&uri),
            "/p?a=1&token=<redacted>&auth=<redacted>&b"
        );
        let plain: Uri = "/tasks".parse().expect("uri");
        assert_eq!(redacted_uri(&plain), "/tasks");
    }
}

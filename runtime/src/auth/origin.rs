use axum::http::{HeaderMap, header};

/// Which browser origins may open a socket.
///
/// A request without an `Origin` header is not from a browser page (native and
/// server-side clients send none) and is always allowed: the origin check guards
/// against other web pages riding on a user's cookies, and the token is what
/// identifies the user.
///
/// ```
/// use rtux::auth::OriginPolicy;
/// use axum::http::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("host", HeaderValue::from_static("app.example.com"));
/// headers.insert("origin", HeaderValue::from_static("https://evil.example"));
/// assert!(!OriginPolicy::SameOrigin.allows(&headers));
///
/// let list = OriginPolicy::AllowList(vec!["https://evil.example".into()]);
/// assert!(list.allows(&headers));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum OriginPolicy {
    /// The origin's host (and port) must equal the request's `Host` header.
    #[default]
    SameOrigin,
    /// The origin must be one of these, written as `scheme://host[:port]`.
    AllowList(Vec<String>),
    /// Any origin (for development only).
    Any,
}

impl OriginPolicy {
    /// Whether a request with these headers may connect.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN) else {
            return true;
        };
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        match self {
            OriginPolicy::Any => true,
            OriginPolicy::AllowList(list) => list
                .iter()
                .any(|allowed| allowed.trim_end_matches('/').eq_ignore_ascii_case(origin)),
            OriginPolicy::SameOrigin => {
                let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
                let origin_host = origin.split_once("://").map(|(_, rest)| rest);
                matches!((host, origin_host), (Some(h), Some(o)) if h.eq_ignore_ascii_case(o))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(host: &str, origin: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).expect("host"));
        if let Some(o) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_str(o).expect("origin"));
        }
        h
    }

    #[test]
    fn same_origin() {
        let p = OriginPolicy::SameOrigin;
        assert!(p.allows(&headers("127.0.0.1:4000", Some("http://127.0.0.1:4000"))));
        assert!(!p.allows(&headers("127.0.0.1:4000", Some("http://127.0.0.1:4001"))));
        assert!(!p.allows(&headers("a.test", Some("https://a.test.evil"))));
        assert!(!p.allows(&headers("a.test", Some("null"))));
        assert!(p.allows(&headers("a.test", None)));
    }

    #[test]
    fn allow_list() {
        let p = OriginPolicy::AllowList(vec!["https://app.test/".into()]);
        assert!(p.allows(&headers("api.test", Some("https://app.test"))));
        assert!(!p.allows(&headers("api.test", Some("http://app.test"))));
    }
}

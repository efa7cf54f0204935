//! The browser client (`rtux.js`, `rtux.css`), served by the endpoint under
//! `/_rtux/` with a content hash in the file name: cached forever, replaced on
//! deploy. `GET /_rtux/version` tells a reconnecting client whether the assets
//! it runs are still the server's.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use sha2::{Digest, Sha256};

mod bundle;

/// The served assets: names with their content hash, and the combined version.
#[derive(Debug)]
pub struct Assets {
    /// `rtux-<hash>.js`.
    pub js: String,
    /// `rtux-<hash>.css`.
    pub css: String,
    /// A hash of both: what `/_rtux/version` reports.
    pub version: String,
}

fn short_hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for p in parts {
        hasher.update(p.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The assets of this build.
///
/// ```
/// let a = rtux::assets::assets();
/// assert!(a.js.starts_with("rtux-") && a.js.ends_with(".js"));
/// assert_eq!(rtux::assets::script_url(), format!("/_rtux/{}", a.js));
/// ```
pub fn assets() -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let (js, css) = sources();
        Assets {
            js: format!("rtux-{}.js", short_hash(&[js])),
            css: format!("rtux-{}.css", short_hash(&[css])),
            version: short_hash(&[js, css]),
        }
    })
}

/// The URL of the client script.
pub fn script_url() -> String {
    format!("/_rtux/{}", assets().js)
}

/// The URL of the stylesheet.
pub fn stylesheet_url() -> String {
    format!("/_rtux/{}", assets().css)
}

/// The JS and CSS as served: rtux.js's modules bundled into one script, both
/// minified (by esbuild, checked in under `runtime/assets/dist/`).
pub fn sources() -> (&'static str, &'static str) {
    (bundle::script(), bundle::stylesheet())
}

async fn file(Path(name): Path<String>) -> Response {
    let a = assets();
    let (js, css) = sources();
    let (body, kind) = if name == a.js {
        (js, "text/javascript; charset=utf-8")
    } else if name == a.css {
        (css, "text/css; charset=utf-8")
    } else {
        let msg = format!(
            "no asset {name:?}: this server serves {} and {}",
            a.js, a.css
        );
        return (StatusCode::NOT_FOUND, msg).into_response();
    };
    let headers = [
        (header::CONTENT_TYPE, kind),
        (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
    ];
    (headers, body).into_response()
}

async fn version() -> Response {
    let headers = [(header::CACHE_CONTROL, "no-store")];
    (headers, axum::Json(json!({ "assets": assets().version }))).into_response()
}

/// `GET /_rtux/version` and `GET /_rtux/{file}`.
pub(crate) fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/_rtux/version", get(version))
        .route("/_rtux/{file}", get(file))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzipped(text: &str) -> usize {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(text.as_bytes()).expect("gzip");
        gz.finish().expect("gzip").len()
    }

    #[test]
    fn the_client_fits_the_size_budget() {
        let (js, css) = sources();
        let total = gzipped(js) + gzipped(css);
        eprintln!("rtux.js + rtux.css as served, gzipped: {total} bytes");
        // Phoenix LiveView with phoenix.js is ~46 KiB (without drag and
        // drop: apps add a sortable library). 12 KiB held until cross-device
        // drafts and the signed-out banner (about 370 bytes), 12.5 KiB until
        // live reference selects (about 420), 13 KiB until sorted lists with
        // drag and drop (about 1,170), 14.5 KiB until locks kept by edits
        // (previews sent while typing), codes instead of wording and deleted
        // replies removing their element (about 80), 15 KiB until conflict
        // panels labelled from the form and refusals shown beside their field
        // (about 550), 16 KiB until esbuild bundled the ES modules and
        // shortened their names (15,683 bytes before, about 2 KiB less);
        // 14 KiB until irreversible actions held while offline, optimistic
        // counters, the hooks for app code, others' live previews and the
        // toasts of what others do (13,696 before, about 1,700).
        assert!(
            total <= 16 * 1024,
            "{total} bytes gzipped; the budget is 16 KiB"
        );
    }

    #[test]
    fn names_carry_the_content_hash() {
        let a = assets();
        let (js, css) = sources();
        assert_eq!(a.js, format!("rtux-{}.js", short_hash(&[js])));
        assert_ne!(short_hash(&[js]), short_hash(&[css]));
        assert_eq!(a.version.len(), 10);
    }
}

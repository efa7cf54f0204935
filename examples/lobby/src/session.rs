//! `GET /session?name=Ana`: a guest identity and its signed socket token.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use rtux::Endpoint;
use serde::Deserialize;
use serde_json::{Value, json};

/// Longest display name, in characters.
const MAX_NAME_CHARS: usize = 40;

#[derive(Debug, Deserialize)]
pub(crate) struct SessionParams {
    name: Option<String>,
}

pub(crate) async fn issue(
    State(endpoint): State<Endpoint>,
    Query(params): Query<SessionParams>,
) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    static NEXT_GUEST: AtomicU64 = AtomicU64::new(1);
    let name = params.name.as_deref().map(str::trim).unwrap_or_default();
    let count = name.chars().count();
    if count == 0 || count > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        let reason = format!("name must be 1 to {MAX_NAME_CHARS} characters");
        return Err((StatusCode::BAD_REQUEST, Json(json!({ "error": reason }))));
    }
    let user = format!("guest-{}", NEXT_GUEST.fetch_add(1, Ordering::Relaxed));
    let token = endpoint
        .tokens()
        .issue(&user, Some(name), Duration::from_secs(12 * 3600));
    Ok(Json(json!({ "user": user, "name": name, "token": token })))
}

//! `GET /socket/websocket?vsn=2.0.0&token=…`: checks, then the WebSocket upgrade.

use std::sync::Arc;

use std::net::SocketAddr;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Shared;

/// The protocol version rtux speaks.
pub(crate) const VSN: &str = "2.0.0";

/// Connect parameters; others (the app's own) are ignored.
#[derive(Debug, Deserialize)]
pub(crate) struct ConnectParams {
    vsn: Option<String>,
    token: Option<String>,
}

pub(crate) async fn upgrade(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<ConnectParams>,
    headers: HeaderMap,
    extensions: Extensions,
    ws: WebSocketUpgrade,
) -> Response {
    if params.vsn.as_deref() != Some(VSN) {
        let msg = format!("rtux speaks Phoenix Channels V2 only: connect with ?vsn={VSN}");
        return (StatusCode::BAD_REQUEST, msg).into_response();
    }
    if !shared.origins.allows(&headers) {
        let msg = "origin not allowed: serve the page from this host or add its origin to the endpoint's OriginPolicy";
        return (StatusCode::FORBIDDEN, msg).into_response();
    }
    let Some(token) = params.token else {
        let msg = "missing token: connect with ?token=<a token issued by this server>";
        return (StatusCode::FORBIDDEN, msg).into_response();
    };
    let claims = match shared.tokens.verify(&token) {
        Ok(claims) => claims,
        Err(e) => return (StatusCode::FORBIDDEN, e.to_string()).into_response(),
    };
    if let Some(check) = &shared.connect_check
        && !check(claims.clone()).await
    {
        let msg = "this token's session has ended: sign in again for a fresh token";
        return (StatusCode::FORBIDDEN, msg).into_response();
    }
    let limits = &shared.limits;
    let address = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(at)| at.ip());
    let slot = match shared.slots.take(
        &claims.sub,
        address,
        limits.sockets_per_user,
        limits.sockets_per_address,
    ) {
        Ok(slot) => slot,
        Err(full) => {
            tracing::info!(user = %claims.sub, ?address, "connect refused: {}", full.reason());
            let wait = [(header::RETRY_AFTER, "5")];
            return (StatusCode::TOO_MANY_REQUESTS, wait, full.reason()).into_response();
        }
    };
    ws.read_buffer_size(limits.read_buffer_bytes)
        .write_buffer_size(limits.write_buffer_bytes)
        .max_message_size(limits.max_frame_bytes)
        .max_frame_size(limits.max_frame_bytes)
        .on_upgrade(move |socket| super::session::run(socket, shared, claims, slot))
}

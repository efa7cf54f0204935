//! The endpoint: channels, pub/sub, presence, tokens and limits, served as an
//! axum [`Router`] at `/socket/websocket`.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use serde_json::Value;

use crate::auth::{OriginPolicy, TokenError, Tokens};
use crate::channel::{Channel, DynChannel, PatternError, Registry};
use crate::presence::{Presence, PresenceConfig};
use crate::pubsub::{Broadcast, LocalPubSub, PubSub};
use crate::socket::{self, Limits, Shared};

/// Why an endpoint could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The token secret is unusable.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// A topic pattern is unusable.
    #[error(transparent)]
    Pattern(#[from] PatternError),
    /// A limit is zero.
    #[error("limit {0} must be greater than zero")]
    ZeroLimit(&'static str),
}

/// A real-time endpoint. Cheap to clone.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use rtux::{Channel, ChannelSocket, Endpoint, JoinError, Reply};
/// use serde_json::{Value, json};
///
/// struct Lobby;
/// impl Channel for Lobby {
///     type State = ();
///     async fn join(&self, _: &str, _: Value, _: &mut ChannelSocket) -> Result<((), Value), JoinError> {
///         Ok(((), json!({})))
///     }
///     async fn handle_in(&self, event: &str, payload: Value, _: &mut (), socket: &mut ChannelSocket) -> Reply {
///         socket.broadcast(event, payload);
///         Reply::NoReply
///     }
/// }
///
/// let endpoint = Endpoint::builder(std::env::var("RTUX_SECRET").unwrap_or("a development secret of 32 bytes or more".into()))
///     .channel("room:*", Lobby)
///     .build()
///     .expect("valid endpoint");
/// let app: axum::Router = axum::Router::new().merge(endpoint.router());
/// # let _ = app;
/// # }
/// ```
#[derive(Clone)]
pub struct Endpoint {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("limits", &self.shared.limits)
            .field("origins", &self.shared.origins)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// Starts building an endpoint whose tokens are signed with `secret` (at
    /// least 32 bytes).
    pub fn builder(secret: impl AsRef<[u8]>) -> EndpointBuilder {
        EndpointBuilder {
            tokens: Tokens::new(secret.as_ref()),
            channels: Vec::new(),
            limits: Limits::default(),
            origins: OriginPolicy::default(),
            pubsub: None,
            presence: PresenceConfig::default(),
        }
    }

    /// The routes to merge into the app: `GET /socket/websocket`, and the
    /// browser client under `/_rtux/` (see [`crate::assets`]).
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        Router::new()
            .route("/socket/websocket", get(socket::upgrade))
            .with_state(self.shared.clone())
            .merge(crate::assets::router())
    }

    /// Broadcasts an event to every subscriber of a topic (from outside a channel,
    /// for example after a background job).
    pub fn broadcast(&self, topic: &str, event: &str, payload: Value) {
        self.shared
            .pubsub
            .broadcast(&Broadcast::new(topic, event, payload));
    }

    /// Closes every socket of a user on this node (for example after logout);
    /// returns how many were open. Their clients may reconnect: revoke the
    /// user's tokens to keep them out.
    pub fn disconnect(&self, user_id: &str) -> usize {
        self.shared.sockets.disconnect(user_id)
    }

    /// The endpoint's presence tracker.
    pub fn presence(&self) -> &Presence {
        &self.shared.presence
    }

    /// The endpoint's pub/sub.
    pub fn pubsub(&self) -> &Arc<dyn PubSub> {
        &self.shared.pubsub
    }

    /// Issues and verifies this endpoint's socket tokens.
    pub fn tokens(&self) -> &Tokens {
        &self.shared.tokens
    }

    /// The bounds in force.
    pub fn limits(&self) -> &Limits {
        &self.shared.limits
    }
}

/// Configures an [`Endpoint`].
pub struct EndpointBuilder {
    tokens: Result<Tokens, TokenError>,
    channels: Vec<(String, Arc<dyn DynChannel>)>,
    limits: Limits,
    origins: OriginPolicy,
    pubsub: Option<Arc<dyn PubSub>>,
    presence: PresenceConfig,
}

impl std::fmt::Debug for EndpointBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointBuilder")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl EndpointBuilder {
    /// Routes topics matching `pattern` (`"room:lobby"`, or a prefix such as
    /// `"doc:*"`) to `channel`. An exact pattern beats a prefix; a longer prefix
    /// beats a shorter one.
    pub fn channel(mut self, pattern: &str, channel: impl Channel) -> Self {
        self.channels.push((pattern.to_owned(), Arc::new(channel)));
        self
    }

    /// Replaces the default [`Limits`].
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Which browser origins may connect (same-origin by default).
    pub fn origins(mut self, origins: OriginPolicy) -> Self {
        self.origins = origins;
        self
    }

    /// Uses another pub/sub (a cluster adapter) instead of [`LocalPubSub`].
    pub fn pubsub(mut self, pubsub: Arc<dyn PubSub>) -> Self {
        self.pubsub = Some(pubsub);
        self
    }

    /// Replaces the default presence timings.
    pub fn presence(mut self, config: PresenceConfig) -> Self {
        self.presence = config;
        self
    }

    /// Builds the endpoint and starts its presence timers on the current Tokio
    /// runtime.
    ///
    /// # Errors
    /// A short secret, a bad or duplicate topic pattern, or a zero limit.
    ///
    /// # Panics
    /// Outside a Tokio runtime.
    pub fn build(self) -> Result<Endpoint, BuildError> {
        let tokens = self.tokens?;
        let mut channels = Registry::default();
        for (pattern, channel) in self.channels {
            channels.add(&pattern, channel)?;
        }
        let l = &self.limits;
        let nonzero = [
            ("max_frame_bytes", l.max_frame_bytes == 0),
            ("events_per_second", l.events_per_second == 0),
            ("event_burst", l.event_burst == 0),
            ("outbound_queue", l.outbound_queue == 0),
            ("max_topics", l.max_topics == 0),
            ("heartbeat_timeout", l.heartbeat_timeout.is_zero()),
        ];
        if let Some((name, _)) = nonzero.iter().find(|(_, zero)| *zero) {
            return Err(BuildError::ZeroLimit(name));
        }
        let pubsub = self
            .pubsub
            .unwrap_or_else(|| Arc::new(LocalPubSub::default()));
        let presence = Presence::start(pubsub.clone(), self.presence);
        Ok(Endpoint {
            shared: Arc::new(Shared {
                channels,
                pubsub,
                presence,
                tokens,
                limits: self.limits,
                origins: self.origins,
                sockets: socket::Sockets::default(),
            }),
        })
    }
}

//! The endpoint: channels, pub/sub, presence, tokens and limits, served as an
//! axum [`Router`] at `/socket/websocket`.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use rtux_rules::topic_pattern;
use serde_json::Value;

use crate::action::{Resource, ResourceError};
use crate::auth::{Claims, OriginPolicy, TokenError, Tokens};
use crate::channel::{Channel, DynChannel, Guard, JoinError, PatternError, Registry};
use crate::dashboard::Dashboard;
use crate::model::{Model, ModelBuilder};
use crate::presence::{Presence, PresenceConfig};
use crate::pubsub::{Broadcast, LocalPubSub, PubSub};
use crate::socket::{self, ConnectCheck, Limits, Shared};
use crate::store::Store;
use crate::ui::Views;

/// Why an endpoint could not be built.
#[derive(Debug, thiserror::Error)]
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
    /// A resource registered with [`EndpointBuilder::resource`] could not be
    /// built, or not on that topic.
    #[error("the resource on {topic:?}: {source}")]
    Resource {
        /// The topic (pattern) it was registered on.
        topic: String,
        /// Why.
        source: ResourceError,
    },
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
    /// Whether the router serves the dashboard's page.
    dashboard: bool,
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
            resources: Vec::new(),
            views: None,
            guards: Vec::new(),
            connect_check: None,
            dashboard: None,
        }
    }

    /// The routes to merge into the app: `GET /socket/websocket`, the
    /// browser client under `/_rtux/` (see [`crate::assets`]), and with a
    /// [dashboard](EndpointBuilder::dashboard) its page at `/_rtux/dashboard`.
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        let router = Router::new()
            .route("/socket/websocket", get(socket::upgrade))
            .with_state(self.shared.clone())
            .merge(crate::assets::router());
        if self.dashboard {
            router.merge(crate::dashboard::router())
        } else {
            router
        }
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

    /// Closes the sockets of a sign-in session that ended, on every node of
    /// the cluster: with `Some(session)` those whose token was minted for it
    /// ([`Tokens::issue_in_session`]), with `None` every one of the user's
    /// ("sign out everywhere"). Other nodes hear of it through the pub/sub.
    /// They close with code 4003; rtux.js then asks
    /// for a fresh token before reconnecting, which the app refuses once the
    /// session is gone, as a [connect check](EndpointBuilder::connect_check)
    /// refuses the old token. Returns how many were open on this node.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let endpoint = rtux::Endpoint::builder("a development secret of 32 bytes or more").build().unwrap();
    /// assert_eq!(endpoint.end_session("u-1", Some("s-1")), 0, "no socket of that session is open");
    /// # }
    /// ```
    pub fn end_session(&self, user_id: &str, session: Option<&str>) -> usize {
        socket::end_session(&self.shared, user_id, session)
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
    /// Resources to build with the views, by pattern.
    resources: Vec<(String, BuildResource)>,
    views: Option<Views>,
    guards: Vec<(String, Guard)>,
    connect_check: Option<ConnectCheck>,
    dashboard: Option<Dashboard>,
}

/// Builds a registered resource, given the app's views.
type BuildResource = Box<dyn FnOnce(Option<Views>) -> Result<Resource, ResourceError> + Send>;

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

    /// Serves a derived resource (a [`Model`]) on `pattern`, built on
    /// `store`: one call for `.channel(pattern, M::resource(store)?)`.
    /// `pattern` must lie within the model's `M::TOPIC` (`"notes:board"` or
    /// `"notes:*"` for a `notes:*` model); [`build`](Self::build) says why not.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # use rtux::model::{Model, ModelBuilder};
    /// # #[derive(serde::Serialize, serde::Deserialize)]
    /// # struct Note { id: String, version: i64, title: String }
    /// # impl Model for Note {
    /// #     const TOPIC: &'static str = "notes:*";
    /// #     const ID_FIELD: &'static str = "id";
    /// #     const VERSION_FIELD: &'static str = "version";
    /// #     fn actions(b: ModelBuilder<Self>) -> ModelBuilder<Self> { b.create("add") }
    /// # }
    /// # let dir = std::env::temp_dir().join(format!("rtux-ep-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let store = rtux::store::Store::sqlite(dir.join("notes.db")).await.unwrap();
    /// let secret = "a development secret of 32 bytes or more";
    /// let endpoint = rtux::Endpoint::builder(secret)
    ///     .resource::<Note>("notes:board", &store)
    ///     .build()
    ///     .expect("notes:board is a notes:* topic");
    /// # let _ = endpoint;
    /// let elsewhere = rtux::Endpoint::builder(secret).resource::<Note>("tasks:all", &store).build();
    /// assert!(elsewhere.unwrap_err().to_string().contains("notes:*"));
    /// # }
    /// ```
    pub fn resource<M: Model>(mut self, pattern: &str, store: &Store) -> Self {
        let (here, store) = (pattern.to_owned(), store.clone());
        let build: BuildResource = Box::new(move |views| {
            match (topic_pattern(M::TOPIC), topic_pattern(&here)) {
                (Ok(model), Ok(within)) if model.covers(&within) => {}
                (Ok(_), Ok(_)) => return Err(ResourceError::OutsideModel { model: M::TOPIC }),
                (Err(e), _) | (_, Err(e)) => return Err(e.into()),
            }
            let builder = M::actions(ModelBuilder::new(store));
            let builder = match views {
                Some(views) => builder.configure(|b| b.views(views)),
                None => builder,
            };
            builder.build()
        });
        self.resources.push((pattern.to_owned(), build));
        self
    }

    /// The app's views (the minijinja environment of its pages): resources
    /// registered with [`resource`](Self::resource) render their item view
    /// with it, so pages and patches render alike.
    pub fn views(mut self, views: Views) -> Self {
        self.views = Some(views);
        self
    }

    /// Admits to the topics of `pattern` only the tokens `guard` accepts (its
    /// error is the join's refusal, sent to the client); several guards on a
    /// topic must all accept. For example, topics only signed-in users (tokens
    /// of a session) may join:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use rtux::{Endpoint, JoinError};
    /// use rtux::auth::Claims;
    ///
    /// fn signed_in(claims: &Claims) -> Result<(), JoinError> {
    ///     claims.sid.as_ref().map(|_| ()).ok_or_else(|| JoinError::new(rtux::wire::Code::Unauthorized, "sign in to see this"))
    /// }
    /// let endpoint = Endpoint::builder("a development secret of 32 bytes or more")
    ///     .guard("tasks:*", signed_in)
    ///     .build()
    ///     .expect("a valid pattern");
    /// # let _ = endpoint;
    /// # }
    /// ```
    pub fn guard(
        mut self,
        pattern: &str,
        guard: impl Fn(&Claims) -> Result<(), JoinError> + Send + Sync + 'static,
    ) -> Self {
        self.guards.push((pattern.to_owned(), Arc::new(guard)));
        self
    }

    /// Asks `check` at every connect, after the token's signature and expiry,
    /// whether the token may still connect: an app with sign-in sessions
    /// refuses the tokens of ended ones (`rtux::accounts::Accounts::connect_check`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let endpoint = rtux::Endpoint::builder("a development secret of 32 bytes or more")
    ///     // Anonymous tokens, or sessions the app still knows.
    ///     .connect_check(|claims| async move { claims.sid.as_deref() != Some("ended") })
    ///     .build()
    ///     .unwrap();
    /// # let _ = endpoint;
    /// # }
    /// ```
    pub fn connect_check<F, Fut>(mut self, check: F) -> Self
    where
        F: Fn(Claims) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.connect_check = Some(Arc::new(move |claims| Box::pin(check(claims))));
        self
    }

    /// Serves the live dashboard ([`crate::dashboard`]): its channel on
    /// `rtux:dashboard`, open to whom `dashboard` admits, and its page at
    /// `/_rtux/dashboard` from [`Endpoint::router`]; `None` leaves it off.
    /// Operators' figures: in production, keep it off or behind an admin
    /// claim only you can mint.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use rtux::dashboard::Dashboard;
    ///
    /// let development = cfg!(debug_assertions);
    /// let endpoint = rtux::Endpoint::builder("a development secret of 32 bytes or more")
    ///     .dashboard(development.then(Dashboard::admins))
    ///     .build()
    ///     .expect("endpoint");
    /// # let _ = endpoint;
    /// # }
    /// ```
    pub fn dashboard(mut self, dashboard: impl Into<Option<Dashboard>>) -> Self {
        self.dashboard = dashboard.into();
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
        for (pattern, build) in self.resources {
            let resource = build(self.views.clone()).map_err(|source| BuildError::Resource {
                topic: pattern.clone(),
                source,
            })?;
            channels.add(&pattern, Arc::new(resource))?;
        }
        for (pattern, guard) in self.guards {
            channels.guard(&pattern, guard)?;
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
        let dashboard = self.dashboard.is_some();
        if let Some(Dashboard { guard }) = self.dashboard {
            let channel = crate::dashboard::start(presence.clone(), pubsub.clone());
            channels.add(crate::dashboard::TOPIC, Arc::new(channel))?;
            channels.guard(crate::dashboard::TOPIC, guard)?;
        }
        let shared = Arc::new(Shared {
            channels,
            pubsub,
            presence,
            tokens,
            limits: self.limits,
            origins: self.origins,
            sockets: socket::Sockets::default(),
            slots: socket::Slots::default(),
            connect_check: self.connect_check,
        });
        socket::hear_ended_sessions(&shared);
        Ok(Endpoint { shared, dashboard })
    }
}

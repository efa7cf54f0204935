//! Why the app could not start or stopped: each error says how to fix it.

/// Why the app could not start, or stopped serving.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `DATABASE_URL` does not open.
    #[error("cannot open the store {url:?}: {source}. Set DATABASE_URL to a SQLite file (sqlite:app.db) or unset it.")]
    Store {
        /// The URL tried.
        url: String,
        /// What the store said.
        source: rtux::store::StoreError,
    },
    /// `PUBSUB_URL` names no engine this build can reach.
    #[error("PUBSUB_URL: {0}")]
    PubSub(#[from] rtux::cluster::ClusterError),
    /// A channel, a resource or a view does not fit the endpoint.
    #[error("the real-time endpoint: {0}")]
    Endpoint(#[from] rtux::BuildError),
    /// Production without `RTUX_SECRET`.
    #[error("RTUX_SECRET is not set, and in production (a release build, or RTUX_ENV=production) the app does not start with the development secret: set RTUX_SECRET to 32 or more random bytes (for example `openssl rand -hex 32`).")]
    DevelopmentSecretInProduction,
    /// `PUBLIC_URL` is missing in production, or not an origin.
    #[error("{0}: set PUBLIC_URL to where people open the app, such as PUBLIC_URL=https://board.example.com (in production it is required and must be https://; the app refuses requests for other hosts and sockets from other origins).")]
    PublicUrl(String),
    /// The address is taken or not allowed.
    #[error("cannot listen on {addr}: {source}. Set PORT to a free port, such as PORT=4001.")]
    Listen {
        /// `HOST:PORT`.
        addr: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// Serving stopped on an I/O error.
    #[error("the server stopped: {0}")]
    Serve(#[source] std::io::Error),
}

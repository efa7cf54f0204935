//! The router: pages, the socket, the resources' channels.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode};
use axum::response::AppendHeaders;
use axum::routing::get;
use rtux::Endpoint;
use rtux::dashboard::Dashboard;
use rtux::presence::PresenceMeta;
use rtux::store::Store;
use rtux::ui::Html;
use tower_http::trace::TraceLayer;

use crate::{Config, Error};
use crate::notes::Note;
use crate::identity::Person;
use crate::viewer::Viewer;
use crate::views;

/// What the pages need.
#[derive(Clone)]
pub(crate) struct App {
    pub(crate) endpoint: Endpoint,
    pub(crate) store: Store,
    /// Cookies are `Secure` (sent over HTTPS only): in production.
    pub(crate) secure: bool,
    // rtux:state (rtux gen adds the app's state above this line)
}

/// A page for one person: the cookies that keep who they are, and the HTML.
pub(crate) type Page = (AppendHeaders<Vec<(HeaderName, HeaderValue)>>, Html);

impl App {
    /// A whole page around `body` for the person opening it, with a socket
    /// token for them (and their cookies: a visitor keeps one user id across
    /// reloads and restarts). It is theirs alone: never cached, never framed.
    pub(crate) fn page(&self, person: &Person, body: Html) -> Page {
        let token = person.socket_token(self.endpoint.tokens());
        let mut headers = person.set_cookies();
        headers.extend(rtux::http::private_page_headers());
        (AppendHeaders(headers), views::page(person, &token, body))
    }
}

/// A fragment of records, or why the store could not give them.
pub(crate) type Fragment = Result<Html, (StatusCode, String)>;

/// The first page of `topic`'s records, rendered by `view`. A store error is logged, not
/// shown: visitors get a short message (and the page offers Retry).
pub(crate) async fn fragment(app: &App, topic: &str, view: fn(&str, &[rtux::store::Record]) -> Html) -> Fragment {
    // The first page: rtux.js loads the rest on demand ("Load more").
    match app.store.page(topic, None, rtux::action::PAGE_RECORDS).await {
        Ok(records) => Ok(view(topic, &records)),
        Err(e) => {
            tracing::error!(%topic, "could not load the records: {e}");
            Err((StatusCode::SERVICE_UNAVAILABLE, "This part could not be loaded: try again in a moment.".into()))
        }
    }
}

/// The whole app: pages, static files, the socket and `/_rtux` assets.
///
/// # Errors
/// The store cannot be opened, or a resource or the endpoint cannot be built.
pub async fn router(config: &Config) -> Result<Router, Error> {
    build(config).await.map(|(router, _)| router)
}

/// The app's router and its real-time endpoint (tests use both: see
/// tests/app.rs and `rtux::testing`).
///
/// # Errors
/// As [`router`].
pub async fn build(config: &Config) -> Result<(Router, Endpoint), Error> {
    let store = open_store(&config.database_url).await?;
    let pubsub = rtux::cluster::pubsub_for(config.pubsub_url.as_deref(), Default::default())?;
    if let Some(peers) = pubsub.peers() {
        tracing::info!(node = %peers.node(), "joining the other nodes through PUBSUB_URL");
    }
    // Sockets from the app's own pages only (PUBLIC_URL's origin in production).
    let (origins, _) = config.origin()?;
    // rtux:setup (rtux gen adds what the endpoint needs above this line)
    let endpoint = Endpoint::builder(config.secret.as_str())
        .origins(origins)
        .pubsub(pubsub)
        .presence(Viewer::config())
        .views(views::env())
        // The live dashboard at /_rtux/dashboard (admin tokens only), in
        // development only: `run` prints its URL.
        .dashboard((!config.production).then(Dashboard::admins))
        // The one board's topic only: no visitor can make a collection of their own.
        .resource::<Note>(views::BOARD_TOPIC, &store)
        // rtux:channels (rtux gen adds channels above this line)
        .build()?;
    let app = App {
        endpoint: endpoint.clone(),
        store,
        secure: config.production,
        // rtux:state-init (rtux gen adds the app's state above this line)
    };
    let pages = Router::new()
        .route("/", get(board))
        .route("/rtux/token", get(token))
        .route("/notes/list", get(notes_list))
        // rtux:routes (rtux gen adds routes above this line)
        .with_state(app);
    let files = tower_http::services::ServeDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/static"));
    let router = pages
        .nest_service("/static", files)
        .merge(endpoint.router())
        // One line per request (method, path, status, time): RUST_LOG=tower_http=debug.
        // Socket tokens in the path's query are logged as <redacted>.
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<axum::body::Body>| {
            tracing::debug_span!(target: "tower_http::trace", "request", method = %request.method(), uri = %rtux::http::redacted_uri(request.uri()))
        }));
    Ok((router, endpoint))
}

async fn open_store(url: &str) -> Result<Store, Error> {
    Store::open(url).await.map_err(|source| Error::Store { url: url.to_owned(), source })
}

/// Serves the app on `config.addr` until Ctrl-C (or SIGTERM): then it stops
/// taking connections and lets open requests finish.
///
/// # Errors
/// The app cannot start, or the address is taken.
pub async fn run(config: Config) -> Result<(), Error> {
    if config.development_secret && config.production {
        return Err(Error::DevelopmentSecretInProduction);
    }
    let (_, hosts) = config.origin()?;
    let (app, endpoint) = build(&config).await?;
    // Requests for another host are refused (DNS rebinding).
    let app = app.layer(axum::middleware::from_fn_with_state(hosts, rtux::http::check_host));
    let listener = rtux::listen(&config.addr)
        .await
        .map_err(|source| Error::Listen { addr: config.addr.clone(), source })?;
    if config.development_secret {
        println!("Using the development secret: set RTUX_SECRET (32+ random bytes) in production.");
    }
    println!("<< title >> is running on http://{}: open it in two windows. Ctrl-C stops it.", config.addr);
    if !config.production {
        // An admin token for whoever reads this terminal, valid for 12 hours.
        let token = endpoint.tokens().issue_admin("developer", Some("Developer"), Duration::from_secs(12 * 3600));
        println!("Dashboard (development only): http://{}{}#token={token}", config.addr, rtux::dashboard::PATH);
    }
    // With the client's address (limits per address), a 10 s limit to send a
    // request's headers or stay idle (slow and silent connections are
    // closed), and at most 128 connections per address.
    rtux::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(Error::Serve)?;
    println!("Stopped.");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM (what `docker stop` and systemd send).
async fn shutdown() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    println!("Stopping: open requests finish first.");
}

/// A fresh socket token for the person of the cookies (rtux.js asks for one
/// when its token expires or its session ends), with their visitor cookie
/// renewed; 401 when the cookies name nobody (a session that ended, a
/// visitor never seen).
async fn token(State(app): State<App>, person: Person) -> Result<(AppendHeaders<Vec<(HeaderName, HeaderValue)>>, axum::Json<serde_json::Value>), StatusCode> {
    if !person.returning {
        return Err(StatusCode::UNAUTHORIZED);
    }
    let token = person.socket_token(app.endpoint.tokens());
    let mut headers = person.set_cookies();
    headers.extend(rtux::http::private_page_headers());
    Ok((AppendHeaders(headers), axum::Json(serde_json::json!({ "token": token }))))
}

/// The board.
async fn board(State(app): State<App>, person: Person) -> Page {
    let presence = app.endpoint.presence().list(views::BOARD_TOPIC);
    app.page(&person, views::board(&presence))
}

/// The notes, as the HTML fragment the board loads (behind a skeleton).
async fn notes_list(State(app): State<App>) -> Fragment {
    fragment(&app, views::BOARD_TOPIC, views::notes_list).await
}

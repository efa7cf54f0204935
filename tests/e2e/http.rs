//! The HTTP side of an app, attacked over real connections from other
//! loopback addresses (127.0.0.2 and up are this machine too): slow and
//! silent connections, socket floods from one address, password guessing
//! that must not lock the owner out, and requests for other hosts or from
//! other origins.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, Form, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use rtux::accounts::{AccountError, Accounts};
use rtux::auth::OriginPolicy;
use rtux::http::{AllowedHosts, check_host};
use rtux_tests::{SECRET, backends, unique};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// Serves `app` the way generated apps do, on a loopback port.
async fn serve(app: Router) -> SocketAddr {
    let listener = rtux::listen("127.0.0.1:0").await.expect("listen");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(rtux::serve(listener, app).into_future());
    addr
}

/// A connection to `to` from the loopback address `from` (`127.0.0.N`).
async fn connect_from(from: [u8; 4], to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::from((from, 0)))
        .expect("a loopback address of its own");
    socket.connect(to).await.expect("connect")
}

/// One request from `from`; the status and the body.
async fn request(from: [u8; 4], to: SocketAddr, head: &str, body: &str) -> (u16, String) {
    let mut s = connect_from(from, to).await;
    let text = format!(
        "{head}\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        to.port(),
        body.len()
    );
    s.write_all(text.as_bytes()).await.expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).await.expect("read");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

/// Whether the server closed `s` within `within`.
async fn closed(s: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 512];
    loop {
        match tokio::time::timeout(within, s.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_half_open_connections_are_closed_while_a_page_still_loads() {
    let addr = serve(Router::new().route("/", get(|| async { "here" }))).await;
    let mut held = Vec::new();
    for n in 0..500 {
        let mut s = connect_from([127, 0, 0, 2], addr).await;
        match n % 3 {
            0 => {}
            1 => s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.expect("half"),
            _ => s
                .write_all(b"GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-")
                .await
                .expect("half an upgrade"),
        }
        held.push(s);
    }
    let started = Instant::now();
    let (status, body) = request([127, 0, 0, 1], addr, "GET / HTTP/1.1", "").await;
    assert_eq!(status, 200, "a page loads during the attack: {body}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let deadline = rtux::http::HEADER_READ_TIMEOUT + Duration::from_secs(2);
    for (n, s) in held.iter_mut().enumerate() {
        let left = deadline
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(10));
        assert!(
            closed(s, left).await,
            "connection {n} still held after {deadline:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_holds_at_most_its_sockets() {
    let endpoint = rtux::Endpoint::builder(SECRET).build().expect("endpoint");
    let most = endpoint.limits().sockets_per_address;
    let addr = serve(endpoint.router()).await;
    let mut open = Vec::new();
    let mut refused = 0;
    for n in 0..most + 4 {
        // A different person each time: only the address is the same.
        let token = endpoint
            .tokens()
            .issue(&format!("p{n}"), None, Duration::from_secs(60));
        let url = rtux::testing::socket_url(addr, &token);
        let stream = connect_from([127, 0, 0, 3], addr).await;
        match tokio_tungstenite::client_async(url, stream).await {
            Ok((ws, _)) => open.push(ws),
            Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
                assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
                refused += 1;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((open.len(), refused), (most, 4));
    let token = endpoint
        .tokens()
        .issue("here", None, Duration::from_secs(60));
    let url = rtux::testing::socket_url(addr, &token);
    let elsewhere = connect_from([127, 0, 0, 1], addr).await;
    assert!(
        tokio_tungstenite::client_async(url, elsewhere)
            .await
            .is_ok(),
        "another address connects"
    );
}

#[derive(serde::Deserialize)]
struct SignIn {
    email: String,
    password: String,
}

async fn sign_in(
    State(accounts): State<Accounts>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<SignIn>,
) -> (StatusCode, String) {
    match accounts
        .sign_in(&form.email, &form.password, &peer.ip().to_string())
        .await
    {
        Ok(_) => (StatusCode::OK, "signed in".into()),
        Err(e @ AccountError::TooManyAttempts(_)) => (StatusCode::TOO_MANY_REQUESTS, e.to_string()),
        Err(e) => (StatusCode::UNAUTHORIZED, e.to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_signs_in_while_others_guess_their_password_from_elsewhere() {
    let store = backends().await[0].open().await;
    let accounts = Accounts::new(&store, SECRET.as_bytes()).expect("accounts");
    let email = format!("{}@example.com", unique("owner"));
    let password = "correct horse battery staple";
    accounts
        .sign_up(&email, "Ana", password, "127.0.0.1")
        .await
        .expect("sign up");
    let app = Router::new()
        .route("/sign-in", post(sign_in))
        .with_state(accounts);
    let addr = serve(app).await;
    let form = |p: &str| {
        format!(
            "email={}&password={}",
            email.replace('@', "%40"),
            p.replace(' ', "+")
        )
    };
    // Eve guesses from one address: five tries, then she waits.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(
            request(
                [127, 0, 0, 4],
                addr,
                "POST /sign-in HTTP/1.1",
                &form("wrong guess here"),
            )
            .await
            .0,
        );
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
    // And from ten more addresses, failing the account over and over.
    for n in 5..15 {
        let (status, _) = request(
            [127, 0, 0, n],
            addr,
            "POST /sign-in HTTP/1.1",
            &form("another guess"),
        )
        .await;
        assert_eq!(status, 401);
    }
    // The owner, from their own address, gets in every time (slower, at most
    // by the slowdown).
    for _ in 0..3 {
        let started = Instant::now();
        let (status, body) = request(
            [127, 0, 0, 1],
            addr,
            "POST /sign-in HTTP/1.1",
            &form(password),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(
            started.elapsed() < rtux::accounts::SLOWDOWN + Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn other_hosts_and_origins_are_refused() {
    let endpoint = rtux::Endpoint::builder(SECRET)
        .origins(OriginPolicy::AllowList(vec![
            "https://board.example.com".into(),
        ]))
        .build()
        .expect("endpoint");
    let listener = rtux::listen("127.0.0.1:0").await.expect("listen");
    let addr = listener.local_addr().expect("addr");
    let hosts = AllowedHosts::loopback(addr.port());
    let app = endpoint
        .router()
        .route("/", get(|| async { "board" }))
        .layer(axum::middleware::from_fn_with_state(hosts, check_host));
    tokio::spawn(rtux::serve(listener, app).into_future());

    let (ok, _) = request([127, 0, 0, 1], addr, "GET / HTTP/1.1", "").await;
    assert_eq!(ok, 200);
    // DNS rebinding: a page of rebound.example (pointed at 127.0.0.1) asks.
    let mut s = connect_from([127, 0, 0, 1], addr).await;
    let rebound = format!(
        "GET / HTTP/1.1\r\nHost: rebound.example:{}\r\nConnection: close\r\n\r\n",
        addr.port()
    );
    s.write_all(rebound.as_bytes()).await.expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).await.expect("read");
    assert!(answer.starts_with("HTTP/1.1 421"), "{answer}");
    // Sockets from the public origin only: scheme, host and port.
    let token = endpoint
        .tokens()
        .issue("ana", None, Duration::from_secs(60));
    let url = rtux::testing::socket_url(addr, &token);
    for (origin, allowed) in [
        ("https://board.example.com", true),
        ("http://board.example.com", false),
        ("https://board.example.com:8443", false),
        ("https://evil.example", false),
    ] {
        let connected = rtux::testing::TestClient::try_url(&url, Some(origin)).await;
        assert_eq!(
            matches!(connected, rtux::testing::Connect::Open(_)),
            allowed,
            "{origin}: {connected:?}"
        );
    }
}

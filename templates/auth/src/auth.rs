//! Accounts: sign up, sign in, sign out (here or everywhere), change the
//! password (which signs out every other session), made with `rtux gen auth`
//! on `rtux::accounts` (argon2 password hashes, sessions in the store behind
//! a signed cookie, form tokens, sign-in limits that slow an attacker down
//! without locking the owner out). The pages are yours to change: views/auth/.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use rtux::accounts::{AccountError, Session};
use rtux::auth::Claims;
use rtux::ui::minijinja::context;
use rtux::JoinError;
use serde::Deserialize;

use crate::app::App;
use crate::identity::Person;
use crate::views;

/// The sign-up, sign-in, sign-out and password routes.
pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/sign-up", get(sign_up_page).post(sign_up))
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/sign-out-everywhere", post(sign_out_everywhere))
        .route("/settings/password", get(password_page).post(change_password))
}

/// The person of the request's session cookie, if it names a live session.
pub(crate) async fn signed_in_person(parts: &Parts, app: &App) -> Option<Person> {
    let session = match app.accounts.session(&parts.headers).await {
        Ok(session) => session?,
        Err(e) => {
            tracing::error!("cannot read a session (treated as signed out): {e}");
            return None;
        }
    };
    let form_token = app.accounts.form_token(&parts.headers, Some(&session)).token;
    Some(Person {
        id: session.account.id,
        name: session.account.name,
        session: Some(session.id),
        form_token: Some(form_token),
        returning: true,
        cookies: Vec::new(),
    })
}

/// A signed-in person: pages that take it send everyone else to sign in
/// first, and back here after.
pub(crate) struct SignedIn(pub(crate) Person);

impl FromRequestParts<App> for SignedIn {
    type Rejection = Redirect;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<SignedIn, Redirect> {
        match signed_in_person(parts, app).await {
            Some(person) => Ok(SignedIn(person)),
            None => Err(Redirect::to(&format!("/sign-in?next={}", local(parts.uri.path())))),
        }
    }
}

/// A channel guard (`EndpointBuilder::guard`): tokens of a sign-in session
/// only. The endpoint's connect check has refused the tokens of ended sessions.
pub fn signed_in(claims: &Claims) -> Result<(), JoinError> {
    match claims.sid {
        Some(_) => Ok(()),
        None => Err(JoinError::new(rtux::wire::Code::Unauthorized, "sign in to see this")),
    }
}

/// Where to go after signing in: a path of this site, else the home page
/// (never another site: `next` comes from the address bar).
fn local(next: &str) -> &str {
    let plain = next.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b));
    if plain && next.starts_with('/') && !next.starts_with("//") { next } else { "/" }
}

/// The client's (IP) address, for the limit on attempts from one place:
/// the connection's, as `run` serves the app (behind a proxy, that is the
/// proxy's: read its forwarded header here instead, if you trust it).
pub(crate) struct Address(String);

impl<S: Send + Sync> FromRequestParts<S> for Address {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Address, Self::Rejection> {
        let connected = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(Address(connected.map_or_else(|| "unknown".into(), |ConnectInfo(addr)| addr.ip().to_string())))
    }
}

/// What the sign-up and sign-in forms send.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Fields {
    email: String,
    name: String,
    password: String,
    next: String,
    _csrf: String,
}

/// `?next=/tasks`: where to go once signed in.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Next {
    next: String,
}

/// A form page, as first shown or with what to fix.
struct FormPage<'a> {
    view: &'a str,
    status: StatusCode,
    fields: &'a Fields,
    error: Option<String>,
    problems: Vec<(&'static str, String)>,
}

impl FormPage<'_> {
    fn render(self, app: &App, person: &Person, headers: &HeaderMap) -> Response {
        let form = app.accounts.form_token(headers, None);
        let mut person = person.clone();
        person.cookies.extend(form.cookie);
        let problems: std::collections::BTreeMap<_, _> = self.problems.into_iter().collect();
        let body = views::render(
            self.view,
            context! {
                csrf => form.token,
                next => local(&self.fields.next),
                email => self.fields.email,
                name => self.fields.name,
                error => self.error,
                problems => problems,
            },
        );
        (self.status, app.page(&person, body)).into_response()
    }
}

async fn sign_up_page(State(app): State<App>, person: Person, headers: HeaderMap, Query(q): Query<Next>) -> Response {
    if person.session.is_some() {
        return Redirect::to("/").into_response();
    }
    blank(&app, &person, &headers, "auth/sign_up.html", q.next)
}

async fn sign_in_page(State(app): State<App>, person: Person, headers: HeaderMap, Query(q): Query<Next>) -> Response {
    if person.session.is_some() {
        return Redirect::to(local(&q.next)).into_response();
    }
    blank(&app, &person, &headers, "auth/sign_in.html", q.next)
}

/// A form page as first shown, sending on to `next` once done.
fn blank(app: &App, person: &Person, headers: &HeaderMap, view: &str, next: String) -> Response {
    let fields = Fields { next, ..Fields::default() };
    FormPage { view, status: StatusCode::OK, fields: &fields, error: None, problems: Vec::new() }
        .render(app, person, headers)
}

async fn sign_up(
    State(app): State<App>,
    person: Person,
    headers: HeaderMap,
    Address(address): Address,
    Form(fields): Form<Fields>,
) -> Response {
    let attempt = app.accounts.sign_up(&fields.email, &fields.name, &fields.password, &address);
    submit(&app, &person, &headers, "auth/sign_up.html", &fields, attempt).await
}

async fn sign_in(
    State(app): State<App>,
    person: Person,
    headers: HeaderMap,
    Address(address): Address,
    Form(fields): Form<Fields>,
) -> Response {
    let attempt = app.accounts.sign_in(&fields.email, &fields.password, &address);
    submit(&app, &person, &headers, "auth/sign_in.html", &fields, attempt).await
}

/// A posted form: refused, with a fresh form, when its token is not this
/// browser's (`attempt` does not run); else signed in and sent on, or the
/// form again saying what to fix.
async fn submit(
    app: &App,
    person: &Person,
    headers: &HeaderMap,
    view: &str,
    fields: &Fields,
    attempt: impl Future<Output = Result<rtux::accounts::SignedIn, AccountError>>,
) -> Response {
    let page = |status, error, problems| FormPage { view, status, fields, error, problems };
    if !app.accounts.form_token_ok(headers, None, &fields._csrf) {
        return page(StatusCode::FORBIDDEN, Some(EXPIRED.into()), Vec::new()).render(app, person, headers);
    }
    match attempt.await {
        Ok(signed) => (AppendHeaders([(SET_COOKIE, signed.cookie)]), Redirect::to(local(&fields.next))).into_response(),
        Err(e) => {
            let (status, error, problems) = refusal(e);
            page(status, error, problems).render(app, person, headers)
        }
    }
}

/// What a refused form says: the status, a message above the form, and
/// messages beside fields.
fn refusal(e: AccountError) -> (StatusCode, Option<String>, Vec<(&'static str, String)>) {
    match e {
        AccountError::Invalid(problems) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            problems.into_iter().map(|p| (p.field, p.message)).collect(),
        ),
        AccountError::EmailTaken => (StatusCode::CONFLICT, Some(e.to_string()), Vec::new()),
        AccountError::WrongCredentials => (StatusCode::UNAUTHORIZED, Some(e.to_string()), Vec::new()),
        AccountError::TooManyAttempts(_) => (StatusCode::TOO_MANY_REQUESTS, Some(e.to_string()), Vec::new()),
        AccountError::WrongPassword => (StatusCode::UNPROCESSABLE_ENTITY, None, vec![("current_password", e.to_string())]),
        AccountError::Store(_) | AccountError::Hashing(_) => {
            tracing::error!("sign-up or sign-in failed: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, Some("Something went wrong on our side: try again in a moment.".into()), Vec::new())
        }
    }
}

/// Why a form was refused for its token.
const EXPIRED: &str = "This form has expired or came from another site: try again.";

/// What the sign-out buttons send.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SignOut {
    _csrf: String,
}

/// Ends the session: its cookie and socket tokens stop working, and its
/// sockets close on every node.
async fn sign_out(State(app): State<App>, headers: HeaderMap, Form(form): Form<SignOut>) -> Response {
    end(&app, &headers, &form, false).await
}

/// Ends every session of the account, on every device.
async fn sign_out_everywhere(State(app): State<App>, headers: HeaderMap, Form(form): Form<SignOut>) -> Response {
    end(&app, &headers, &form, true).await
}

async fn end(app: &App, headers: &HeaderMap, form: &SignOut, everywhere: bool) -> Response {
    let session: Session = match app.accounts.session(headers).await {
        Ok(Some(session)) => session,
        Ok(None) => return Redirect::to("/").into_response(),
        Err(e) => {
            tracing::error!("cannot read a session to end it: {e}");
            return (StatusCode::SERVICE_UNAVAILABLE, "Could not sign out: try again in a moment.").into_response();
        }
    };
    if !app.accounts.form_token_ok(headers, Some(&session), &form._csrf) {
        return (StatusCode::FORBIDDEN, EXPIRED).into_response();
    }
    let ended = if everywhere {
        app.accounts.sign_out_everywhere(&session.account.id).await.map(|_| None)
    } else {
        app.accounts.sign_out(&session).await.map(|()| Some(session.id.as_str()))
    };
    match ended {
        Ok(which) => {
            app.endpoint.end_session(&session.account.id, which);
            let removal = app.accounts.removal_cookie();
            (AppendHeaders([(SET_COOKIE, removal)]), Redirect::to("/")).into_response()
        }
        Err(e) => {
            tracing::error!("cannot end a session: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, "Could not sign out: try again in a moment.").into_response()
        }
    }
}

/// What the password form sends.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PasswordChange {
    current_password: String,
    new_password: String,
    _csrf: String,
}

/// The password form of a signed-in person, with what happened or what to fix.
fn password_form(app: &App, person: &Person, status: StatusCode, done: Option<String>, refused: (Option<String>, Vec<(&'static str, String)>)) -> Response {
    let (error, problems) = refused;
    let problems: std::collections::BTreeMap<_, _> = problems.into_iter().collect();
    let body = views::render(
        "auth/password.html",
        context! { csrf => person.form_token, done => done, error => error, problems => problems },
    );
    (status, app.page(person, body)).into_response()
}

/// `GET /settings/password`: the form (signed-in people only).
async fn password_page(State(app): State<App>, SignedIn(person): SignedIn) -> Response {
    password_form(&app, &person, StatusCode::OK, None, (None, Vec::new()))
}

/// `POST /settings/password`: checks the current password, sets the new
/// one, and signs out every other session of the account (their sockets
/// close on every node), so whoever else knew the old password is out.
async fn change_password(
    State(app): State<App>,
    SignedIn(person): SignedIn,
    headers: HeaderMap,
    Address(address): Address,
    Form(form): Form<PasswordChange>,
) -> Response {
    let session = match app.accounts.session(&headers).await {
        Ok(Some(session)) => session,
        Ok(None) => return Redirect::to("/sign-in?next=/settings/password").into_response(),
        Err(e) => {
            tracing::error!("cannot read a session to change its password: {e}");
            return (StatusCode::SERVICE_UNAVAILABLE, "Could not change the password: try again in a moment.").into_response();
        }
    };
    if !app.accounts.form_token_ok(&headers, Some(&session), &form._csrf) {
        return password_form(&app, &person, StatusCode::FORBIDDEN, None, (Some(EXPIRED.into()), Vec::new()));
    }
    match app.accounts.change_password(&session, &form.current_password, &form.new_password, &address).await {
        Ok(ended) => {
            for other in &ended {
                app.endpoint.end_session(&session.account.id, Some(other));
            }
            let done = match ended.len() {
                0 => "Your password is changed.".to_owned(),
                1 => "Your password is changed, and your other session is signed out.".to_owned(),
                n => format!("Your password is changed, and your {n} other sessions are signed out."),
            };
            password_form(&app, &person, StatusCode::OK, Some(done), (None, Vec::new()))
        }
        Err(e) => {
            let (status, error, problems) = refusal(e);
            password_form(&app, &person, status, None, (error, problems))
        }
    }
}

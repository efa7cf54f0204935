//! Accounts in the app's store: sign up, sign in, sign out (here or
//! everywhere), with what a real product needs on day one (feature
//! `accounts`; `rtux gen auth` writes the pages that use it).
//!
//! - Passwords are hashed with Argon2id at OWASP's current parameters, never
//!   stored; checking a password takes as long for an unknown email.
//! - A session is a row in the store and a signed, HttpOnly, SameSite=Lax
//!   cookie holding a random secret (the row keeps its SHA-256 only). Signing
//!   out deletes the row, so a copied cookie stops working at once.
//! - Socket tokens of a session ([`Tokens::issue_in_session`](crate::auth::Tokens::issue_in_session)) are refused at
//!   connect once it has ended ([`Accounts::connect_check`]), and
//!   [`Endpoint::end_session`](crate::Endpoint::end_session) closes the open ones.
//! - Every form carries a token bound to the browser ([`Accounts::form_token`]).
//! - Sign-in attempts are limited per (account, address) and per address, in
//!   the store, so every node counts against one budget; failures to one
//!   account from anywhere slow its next sign-ins down, never refuse them, so
//!   nobody can lock an owner out of their account (OWASP's authentication
//!   cheat sheet). Messages never say whether an email has an account, except
//!   sign-up's, which cannot help it.
//! - A signed-in person changes their password with the current one; every
//!   other session of theirs ends ([`Accounts::change_password`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use rtux::accounts::{AccountError, Accounts};
//! # let dir = std::env::temp_dir().join(format!("rtux-accounts-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! let store = rtux::store::Store::sqlite(dir.join("app.db")).await.unwrap();
//! let accounts = Accounts::new(&store, b"an example secret of at least 32 bytes!").unwrap();
//! let ana = accounts.sign_up("Ana@Example.com", "Ana", "correct horse battery", "127.0.0.1").await.unwrap();
//! assert_eq!(ana.session.account.email, "ana@example.com");
//!
//! let wrong = accounts.sign_in("ana@example.com", "wrong horse battery", "127.0.0.1").await;
//! let unknown = accounts.sign_in("bo@example.com", "wrong horse battery", "127.0.0.1").await;
//! // The same words either way: nobody learns who has an account.
//! assert_eq!(wrong.unwrap_err().to_string(), unknown.unwrap_err().to_string());
//!
//! // The browser sends the cookie back: the same session, until it ends.
//! let mut headers = axum::http::HeaderMap::new();
//! let cookie = ana.cookie.to_str().unwrap().split(';').next().unwrap().to_owned();
//! headers.insert("cookie", cookie.parse().unwrap());
//! let session = accounts.session(&headers).await.unwrap().expect("signed in");
//! accounts.sign_out(&session).await.unwrap();
//! assert_eq!(accounts.session(&headers).await.unwrap(), None);
//! # }
//! ```

mod cookies;
mod forms;
mod password;
mod rules;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use cookie::Key;
use sha2::{Digest, Sha256};

pub use cookies::{FORM_COOKIE, SESSION_COOKIE};
pub use forms::{FORM_TOKEN_FIELD, FormToken};
pub use password::HashError;
pub use rules::{MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, Problem};

use crate::auth::{Claims, MIN_SECRET_BYTES, TokenError};
use crate::store::accounts::{self as rows, AccountRow};
use crate::store::{Store, StoreError, now_ms, quotas};

/// How long a session lasts by default: 14 days from sign-in.
pub const SESSION_TTL: Duration = Duration::from_secs(14 * 24 * 3600);
/// How many sessions (signed-in browsers) one account keeps: 50. A sign-in
/// past it ends the account's oldest session.
pub const SESSIONS_PER_ACCOUNT: u64 = 50;

/// A person's account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    /// The user id: `u-` and a UUID; tokens, presence and the op ledger key on it.
    pub id: String,
    /// The email, trimmed and lowercased.
    pub email: String,
    /// The display name the others see.
    pub name: String,
}

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Session {
    /// The session's id (`s-` and a UUID): public, it names the session in
    /// socket tokens; the cookie's secret is another value.
    pub id: String,
    /// Whose session it is.
    pub account: Account,
    /// When it ends, ms since the Unix epoch.
    pub expires_at: i64,
}

/// A session just started, and the cookie that keeps it.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The session.
    pub session: Session,
    /// Send it as a `Set-Cookie` header with the response.
    pub cookie: HeaderValue,
}

/// Why a sign-up or sign-in did not go through. The messages are written for
/// the person at the form.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Fields to fix, each with its message.
    #[error("{}", .0.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join(" "))]
    Invalid(Vec<Problem>),
    /// Sign-up with an email that has an account already.
    #[error("This email has an account already: sign in instead.")]
    EmailTaken,
    /// No account with this email and password (which one is wrong is not said).
    #[error("Wrong email or password.")]
    WrongCredentials,
    /// Too many attempts to this account from this address, or from this
    /// address to any account.
    #[error("Too many attempts: wait {} seconds, then try again.", .0.as_secs().max(1))]
    TooManyAttempts(Duration),
    /// A password change whose current password is not the account's.
    #[error("That is not your current password.")]
    WrongPassword,
    /// The store failed (log it; show the person a short apology).
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
    /// Hashing failed (the blocking pool is gone: the server is stopping).
    #[error("password hashing failed: {0}")]
    Hashing(#[from] HashError),
}

/// How many attempts a minute go through, in bursts of that many at most,
/// then one each `60 s / n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptLimits {
    /// Sign-ins (and password changes) to one account from one address: 5;
    /// past it that address waits.
    pub sign_in_per_account_and_address: u32,
    /// Sign-ins from one address, to any account: 20.
    pub sign_in_per_address: u32,
    /// Failed sign-ins to one account, from anywhere: 10. Past it, every
    /// sign-in to the account waits up to [`SLOWDOWN`] before its password is
    /// checked — slower, never refused, so the owner still gets in.
    pub failures_per_account: u32,
    /// Sign-ups from one address: 10.
    pub sign_up_per_address: u32,
}

impl Default for AttemptLimits {
    fn default() -> AttemptLimits {
        AttemptLimits {
            sign_in_per_account_and_address: 5,
            sign_in_per_address: 20,
            failures_per_account: 10,
            sign_up_per_address: 10,
        }
    }
}

/// The quota of an account's failed sign-ins, from anywhere.
const FAILURES: &str = "sign_in:failures";

/// The longest a sign-in waits when its account has failed too often.
pub const SLOWDOWN: Duration = Duration::from_secs(2);

/// Accounts and sessions in a store. Cheap to clone.
#[derive(Clone)]
pub struct Accounts {
    store: Store,
    keys: Arc<Keys>,
    limits: AttemptLimits,
    session_ttl: Duration,
    secure: bool,
}

struct Keys {
    cookies: Key,
    forms: [u8; 32],
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts")
            .field("limits", &self.limits)
            .field("session_ttl", &self.session_ttl)
            .field("secure", &self.secure)
            .finish_non_exhaustive()
    }
}

impl Accounts {
    /// Accounts in `store`, with cookies and form tokens signed with keys
    /// derived from `secret` (the app's token secret will do: each use gets
    /// a key of its own).
    ///
    /// # Errors
    /// [`TokenError::SecretTooShort`] below 32 bytes.
    pub fn new(store: &Store, secret: &[u8]) -> Result<Accounts, TokenError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(TokenError::SecretTooShort(secret.len()));
        }
        let forms = Sha256::new()
            .chain_update(b"rtux form tokens\0")
            .chain_update(secret)
            .finalize()
            .into();
        Ok(Accounts {
            store: store.clone(),
            keys: Arc::new(Keys {
                cookies: Key::derive_from(secret),
                forms,
            }),
            limits: AttemptLimits::default(),
            session_ttl: SESSION_TTL,
            secure: false,
        })
    }

    /// Marks cookies `Secure` (sent over HTTPS only): set it when the app is
    /// served over HTTPS, as in production.
    #[must_use]
    pub fn secure_cookies(mut self, secure: bool) -> Accounts {
        self.secure = secure;
        self
    }

    /// Replaces the default [`AttemptLimits`].
    #[must_use]
    pub fn attempt_limits(mut self, limits: AttemptLimits) -> Accounts {
        self.limits = limits;
        self
    }

    /// Sessions last `ttl` from sign-in instead of [`SESSION_TTL`].
    #[must_use]
    pub fn session_ttl(mut self, ttl: impl Into<Duration>) -> Accounts {
        self.session_ttl = ttl.into();
        self
    }

    /// Makes an account and signs it in. `address` is the client's (IP)
    /// address, for the limit on sign-ups from one place.
    ///
    /// # Errors
    /// [`AccountError::Invalid`] with every field to fix,
    /// [`AccountError::EmailTaken`], [`AccountError::TooManyAttempts`], or a
    /// store or hashing failure.
    pub async fn sign_up(
        &self,
        email: &str,
        name: &str,
        password: &str,
        address: &str,
    ) -> Result<SignedIn, AccountError> {
        let email = rules::normalize_email(email);
        let mut problems: Vec<Problem> = rules::email(&email).into_iter().collect();
        let name = rules::name(name).map_err(|p| problems.push(p)).ok();
        problems.extend(rules::password(password, &email));
        let Some(name) = name.filter(|_| problems.is_empty()) else {
            return Err(AccountError::Invalid(problems));
        };
        self.take(&[("sign_up:address", address, self.limits.sign_up_per_address)])
            .await?;
        let password_hash = password::hash(password.to_owned()).await?;
        let account = AccountRow {
            id: format!("u-{}", uuid::Uuid::now_v7().simple()),
            email,
            name,
            password_hash,
        };
        let mut conn = self.store.conn().await?;
        if !rows::insert_account(&mut conn, &account, now_ms()).await? {
            return Err(AccountError::EmailTaken);
        }
        drop(conn);
        self.start(account).await
    }

    /// Signs in with an email and a password. `address` is the client's (IP)
    /// address: attempts are limited per account and per address.
    ///
    /// # Errors
    /// [`AccountError::Invalid`] for an empty field,
    /// [`AccountError::WrongCredentials`] (whether or not the email has an
    /// account), [`AccountError::TooManyAttempts`], or a store or hashing failure.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        address: &str,
    ) -> Result<SignedIn, AccountError> {
        let email = rules::normalize_email(email);
        let mut problems = Vec::new();
        if email.is_empty() {
            problems.push(Problem {
                field: "email",
                message: "Enter your email address.".into(),
            });
        }
        if password.is_empty() {
            problems.push(Problem {
                field: "password",
                message: "Enter your password.".into(),
            });
        }
        if !problems.is_empty() {
            return Err(AccountError::Invalid(problems));
        }
        if email.chars().count() > MAX_EMAIL_CHARS || password.chars().count() > MAX_PASSWORD_CHARS
        {
            return Err(AccountError::WrongCredentials);
        }
        let account_key = hex(&Sha256::digest(email.as_bytes()));
        self.take(&[
            (
                "sign_in:account_address",
                &format!("{account_key}/{address}"),
                self.limits.sign_in_per_account_and_address,
            ),
            ("sign_in:address", address, self.limits.sign_in_per_address),
        ])
        .await?;
        self.slow_down(&account_key).await?;
        let mut conn = self.store.conn().await?;
        let account = rows::account_by_email(&mut conn, &email).await?;
        drop(conn);
        let stored = account.as_ref().map(|a| a.password_hash.clone());
        let matched = password::verify(password.to_owned(), stored).await?;
        match account {
            Some(account) if matched => self.start(account).await,
            _ => {
                self.failed(&account_key).await?;
                Err(AccountError::WrongCredentials)
            }
        }
    }

    /// Changes a signed-in person's password, checking their current one
    /// first (attempts limited per account and address, like sign-ins), and
    /// ends every other session of theirs; the ids of the sessions ended
    /// (close their sockets on every node with
    /// [`Endpoint::end_session`](crate::Endpoint::end_session)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # use rtux::accounts::Accounts;
    /// # let dir = std::env::temp_dir().join(format!("rtux-password-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let store = rtux::store::Store::sqlite(dir.join("app.db")).await.unwrap();
    /// # let accounts = Accounts::new(&store, b"an example secret of at least 32 bytes!").unwrap();
    /// let here = accounts.sign_up("ana@example.com", "Ana", "correct horse battery", "10.0.0.1").await.unwrap();
    /// let there = accounts.sign_in("ana@example.com", "correct horse battery", "10.0.0.2").await.unwrap();
    /// let ended = accounts
    ///     .change_password(&here.session, "correct horse battery", "staple battery horse", "10.0.0.1")
    ///     .await
    ///     .unwrap();
    /// assert_eq!(ended, vec![there.session.id]);
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`AccountError::Invalid`] for a new password to fix,
    /// [`AccountError::WrongPassword`], [`AccountError::TooManyAttempts`], or
    /// a store or hashing failure.
    pub async fn change_password(
        &self,
        session: &Session,
        current: &str,
        new: &str,
        address: &str,
    ) -> Result<Vec<String>, AccountError> {
        if let Some(problem) = rules::password(new, &session.account.email) {
            return Err(AccountError::Invalid(vec![Problem {
                field: "new_password",
                message: problem.message,
            }]));
        }
        if current.chars().count() > MAX_PASSWORD_CHARS {
            return Err(AccountError::WrongPassword);
        }
        let account_key = hex(&Sha256::digest(session.account.email.as_bytes()));
        self.take(&[(
            "sign_in:account_address",
            &format!("{account_key}/{address}"),
            self.limits.sign_in_per_account_and_address,
        )])
        .await?;
        let stored =
            rows::password_hash(&mut *self.store.conn().await?, &session.account.id).await?;
        let matched = password::verify(current.to_owned(), stored).await?;
        if !matched {
            return Err(AccountError::WrongPassword);
        }
        let hash = password::hash(new.to_owned()).await?;
        let mut tx = self.store.begin().await?;
        let ended = rows::set_password(&mut tx, &session.account.id, &hash, &session.id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(ended)
    }

    /// Waits (at most [`SLOWDOWN`]) when the account has failed more sign-ins
    /// than [`AttemptLimits::failures_per_account`] lately.
    async fn slow_down(&self, account_key: &str) -> Result<(), AccountError> {
        let per_minute = self.limits.failures_per_account;
        let mut conn = self.store.conn().await?;
        let wait = quotas::wait(&mut conn, FAILURES, account_key, per_minute, now_ms()).await?;
        drop(conn);
        if let Some(wait) = wait {
            tokio::time::sleep(wait.min(SLOWDOWN)).await;
        }
        Ok(())
    }

    /// Counts a failed sign-in against its account (a full count stays full).
    async fn failed(&self, account_key: &str) -> Result<(), AccountError> {
        let per_minute = self.limits.failures_per_account;
        let mut conn = self.store.conn().await?;
        let _ = quotas::take(&mut conn, FAILURES, account_key, per_minute, now_ms()).await?;
        Ok(())
    }

    /// The session of the request's cookie, if it is signed and still live.
    ///
    /// # Errors
    /// [`StoreError`] on a database failure.
    pub async fn session(&self, headers: &HeaderMap) -> Result<Option<Session>, StoreError> {
        let Some(secret) = cookies::signed(headers, &self.keys.cookies, SESSION_COOKIE) else {
            return Ok(None);
        };
        let mut conn = self.store.conn().await?;
        let row = rows::session_by_secret(&mut conn, &secret_hash(&secret), now_ms()).await?;
        Ok(row.map(|r| Session {
            id: r.id,
            expires_at: r.expires_at,
            account: Account {
                id: r.account_id,
                email: r.email,
                name: r.name,
            },
        }))
    }

    /// Ends a session: its cookie and its socket tokens stop working (close
    /// its open sockets with [`Endpoint::end_session`](crate::Endpoint::end_session)).
    ///
    /// # Errors
    /// [`StoreError`] on a database failure.
    pub async fn sign_out(&self, session: &Session) -> Result<(), StoreError> {
        let mut conn = self.store.conn().await?;
        rows::delete_session(&mut conn, &session.id).await?;
        Ok(())
    }

    /// Ends every session of an account, on every device; how many there were.
    ///
    /// # Errors
    /// [`StoreError`] on a database failure.
    pub async fn sign_out_everywhere(&self, account_id: &str) -> Result<u64, StoreError> {
        let mut conn = self.store.conn().await?;
        rows::delete_sessions(&mut conn, account_id).await
    }

    /// The `Set-Cookie` that removes the session cookie (send it on sign-out).
    pub fn removal_cookie(&self) -> HeaderValue {
        cookies::set(SESSION_COOKIE, String::new(), None, Some(0), self.secure)
    }

    /// The form token for a page of this request: bound to `session` when
    /// signed in, else to the browser's form cookie (a new one, to send with
    /// the page, when it has none).
    pub fn form_token(&self, headers: &HeaderMap, session: Option<&Session>) -> FormToken {
        if let Some(session) = session {
            return FormToken {
                token: forms::token(&self.keys.forms, &format!("s:{}", session.id)),
                cookie: None,
            };
        }
        match cookies::plain(headers, FORM_COOKIE) {
            Some(value) => FormToken {
                token: forms::token(&self.keys.forms, &format!("b:{value}")),
                cookie: None,
            },
            None => {
                let value = cookies::random_secret();
                FormToken {
                    token: forms::token(&self.keys.forms, &format!("b:{value}")),
                    cookie: Some(cookies::set(FORM_COOKIE, value, None, None, self.secure)),
                }
            }
        }
    }

    /// Whether a submitted form comes from a page of this site given to this
    /// browser: its token (the `_csrf` field) is the one [`form_token`](Self::form_token)
    /// gives for the same `session`, and its `Origin` is this site.
    pub fn form_token_ok(
        &self,
        headers: &HeaderMap,
        session: Option<&Session>,
        submitted: &str,
    ) -> bool {
        let binding = match session {
            Some(session) => format!("s:{}", session.id),
            None => match cookies::plain(headers, FORM_COOKIE) {
                Some(value) => format!("b:{value}"),
                None => return false,
            },
        };
        forms::same_site(headers) && forms::matches(&self.keys.forms, &binding, submitted)
    }

    /// For [`EndpointBuilder::connect_check`](crate::EndpointBuilder::connect_check):
    /// a token minted for a session connects while the session is live;
    /// tokens of no session (anonymous visitors) connect as before. A store
    /// failure refuses the connect (the client retries).
    pub fn connect_check(
        &self,
    ) -> impl Fn(Claims) -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync + 'static {
        let store = self.store.clone();
        move |claims: Claims| {
            let store = store.clone();
            Box::pin(async move {
                let Some(sid) = claims.sid else { return true };
                let live = async {
                    let mut conn = store.conn().await?;
                    rows::session_live(&mut conn, &sid, &claims.sub, now_ms()).await
                };
                live.await.unwrap_or_else(|e| {
                    tracing::warn!("cannot check a session at connect (refused): {e}");
                    false
                })
            })
        }
    }

    /// Takes one use of each `(scope, who, per_minute)` quota, in one
    /// transaction: all or none.
    async fn take(&self, quotas: &[(&str, &str, u32)]) -> Result<(), AccountError> {
        let mut tx = self.store.begin().await?;
        let now = now_ms();
        for &(scope, who, per_minute) in quotas {
            if let Err(wait) = quotas::take(&mut tx, scope, who, per_minute, now).await? {
                tx.rollback().await.map_err(StoreError::from)?;
                return Err(AccountError::TooManyAttempts(wait));
            }
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Starts a session of `account`.
    async fn start(&self, account: AccountRow) -> Result<SignedIn, AccountError> {
        let secret = cookies::random_secret();
        let now = now_ms();
        let ttl = i64::try_from(self.session_ttl.as_millis()).unwrap_or(i64::MAX);
        let session = Session {
            id: format!("s-{}", uuid::Uuid::now_v7().simple()),
            expires_at: now.saturating_add(ttl),
            account: Account {
                id: account.id,
                email: account.email,
                name: account.name,
            },
        };
        let mut conn = self.store.conn().await?;
        rows::insert_session(
            &mut conn,
            &session.id,
            &secret_hash(&secret),
            &session.account.id,
            now,
            session.expires_at,
            SESSIONS_PER_ACCOUNT,
        )
        .await?;
        let max_age = i64::try_from(self.session_ttl.as_secs()).unwrap_or(i64::MAX);
        let cookie = cookies::set(
            SESSION_COOKIE,
            secret,
            Some(&self.keys.cookies),
            Some(max_age),
            self.secure,
        );
        Ok(SignedIn { session, cookie })
    }
}

fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

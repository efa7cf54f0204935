use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// Shortest secret [`Tokens::new`] accepts, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;
/// Longest user id a token may carry, in bytes.
pub const MAX_USER_ID_BYTES: usize = 256;
/// The audience of socket tokens: a JWT minted for anything else with the same
/// secret is refused.
pub const AUDIENCE: &str = "rtux";
/// The audience of visitor cookies ([`Visitor`](crate::auth::Visitor)):
/// signed like tokens, but never accepted as one (a stolen cookie does not
/// open a socket; it only gets a short-lived token from the app's own page).
pub const VISITOR_AUDIENCE: &str = "rtux-visitor";
/// The issuer socket tokens name unless [`Tokens::with_issuer`] says otherwise.
pub const ISSUER: &str = "rtux";

/// What a socket token says about its holder.
///
/// Tokens are standard JWTs signed with HMAC-SHA256 (`HS256`), so any service
/// that knows the secret — in any language — can mint them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id: the presence key and the identity handlers see.
    pub sub: String,
    /// Expiry, in seconds since the Unix epoch.
    pub exp: u64,
    /// Issue time, in seconds since the Unix epoch.
    #[serde(default)]
    pub iat: u64,
    /// A display name, when the issuer knows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Who the token is for: [`AUDIENCE`].
    #[serde(default)]
    pub aud: String,
    /// Who issued it: the server's issuer ([`ISSUER`] by default).
    #[serde(default)]
    pub iss: String,
    /// The sign-in session the token was minted for ([`Tokens::issue_in_session`]),
    /// whose end closes the sockets it opened; `None` for anonymous visitors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Whether the token opens the operators' pages ([`Tokens::issue_admin`]):
    /// the dashboard at `/_rtux/dashboard`. Only a server with the secret can
    /// set it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub admin: bool,
}

impl Claims {
    /// How long from now until the token expires (zero if it has).
    pub fn lifetime(&self) -> Duration {
        Duration::from_secs(self.exp.saturating_sub(unix_now()))
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The secret is too short to be safe.
    #[error(
        "the token secret has {0} bytes; use at least {MIN_SECRET_BYTES} random bytes (for example `openssl rand -hex 32`)"
    )]
    SecretTooShort(usize),
    /// The token's expiry has passed.
    #[error("the token has expired; get a fresh one from the server that issued it")]
    Expired,
    /// The user id is empty or too long.
    #[error("the token's user id (sub) must be 1 to {MAX_USER_ID_BYTES} bytes")]
    BadUserId,
    /// The token is not a valid HS256 JWT signed with this server's secret.
    #[error("the token is not valid for this server: {0}")]
    Invalid(String),
}

/// Issues and verifies socket tokens with the server's secret.
///
/// ```
/// use std::time::Duration;
/// use rtux::auth::Tokens;
///
/// let tokens = Tokens::new(b"an example secret of at least 32 bytes!").unwrap();
/// let token = tokens.issue("alice", Some("Alice"), Duration::from_secs(3600));
/// let claims = tokens.verify(&token).unwrap();
/// assert_eq!(claims.sub, "alice");
/// assert!(tokens.verify("forged.token.value").is_err());
/// ```
#[derive(Clone)]
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    visitor_validation: Validation,
    issuer: String,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens { secret: <redacted> }")
    }
}

impl Tokens {
    /// Keys for this secret.
    ///
    /// # Errors
    /// [`TokenError::SecretTooShort`] below [`MIN_SECRET_BYTES`] bytes.
    pub fn new(secret: &[u8]) -> Result<Tokens, TokenError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(TokenError::SecretTooShort(secret.len()));
        }
        let invalid = |e: jsonwebtoken::errors::Error| TokenError::Invalid(e.to_string());
        let tokens = Tokens {
            encoding: EncodingKey::from_secret(secret).map_err(invalid)?,
            decoding: DecodingKey::from_secret(secret).map_err(invalid)?,
            validation: Validation::new(Algorithm::HS256),
            visitor_validation: Validation::new(Algorithm::HS256),
            issuer: String::new(),
        };
        Ok(tokens.with_issuer(ISSUER))
    }

    /// The same keys, issuing and accepting tokens of `issuer` only (the
    /// audience is always [`AUDIENCE`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// use rtux::auth::Tokens;
    ///
    /// let secret = b"an example secret of at least 32 bytes!";
    /// let ours = Tokens::new(secret).unwrap().with_issuer("board.example");
    /// let theirs = Tokens::new(secret).unwrap().with_issuer("billing.example");
    /// let token = theirs.issue("alice", None, Duration::from_secs(60));
    /// assert!(ours.verify(&token).is_err(), "another issuer's token is refused");
    /// ```
    #[must_use]
    pub fn with_issuer(mut self, issuer: &str) -> Tokens {
        let validation = |audience: &str| {
            let mut validation = Validation::new(Algorithm::HS256);
            validation.leeway = 5;
            validation.set_required_spec_claims(&["exp", "sub", "aud", "iss"]);
            validation.set_audience(&[audience]);
            validation.set_issuer(&[issuer]);
            validation
        };
        self.validation = validation(AUDIENCE);
        self.visitor_validation = validation(VISITOR_AUDIENCE);
        self.issuer = issuer.to_owned();
        self
    }

    /// A token for `user_id`, valid for `ttl` from now.
    pub fn issue(&self, user_id: &str, name: Option<&str>, ttl: impl Into<Duration>) -> String {
        self.sign(user_id, name, None, ttl.into(), false)
    }

    /// The value of a visitor cookie for `user_id` (audience
    /// [`VISITOR_AUDIENCE`]), valid for `ttl`.
    pub(crate) fn issue_visitor(&self, user_id: &str, name: &str, ttl: Duration) -> String {
        self.sign_for(VISITOR_AUDIENCE, user_id, Some(name), None, ttl, false)
    }

    /// The claims of a visitor cookie's value (never of a socket token).
    pub(crate) fn verify_visitor(&self, value: &str) -> Result<Claims, TokenError> {
        self.decode(value, &self.visitor_validation)
    }

    /// A token for an operator, `user_id`, that also opens the dashboard
    /// ([`Claims::admin`]); valid for `ttl` from now. Give it only to people
    /// who may see every topic's figures.
    ///
    /// ```
    /// use std::time::Duration;
    /// use rtux::auth::Tokens;
    ///
    /// let tokens = Tokens::new(b"an example secret of at least 32 bytes!").unwrap();
    /// let admin = tokens.issue_admin("ops", Some("Ops"), Duration::from_secs(3600));
    /// assert!(tokens.verify(&admin).unwrap().admin);
    /// let visitor = tokens.issue("ana", None, Duration::from_secs(3600));
    /// assert!(!tokens.verify(&visitor).unwrap().admin);
    /// ```
    pub fn issue_admin(
        &self,
        user_id: &str,
        name: Option<&str>,
        ttl: impl Into<Duration>,
    ) -> String {
        self.sign(user_id, name, None, ttl.into(), true)
    }

    /// A token for `user_id` signed in with the session `session_id`: an
    /// endpoint with a [connect check](crate::EndpointBuilder::connect_check)
    /// refuses it once the session has ended, and
    /// [`Endpoint::end_session`](crate::Endpoint::end_session) closes the
    /// sockets it opened.
    ///
    /// ```
    /// use std::time::Duration;
    /// use rtux::auth::Tokens;
    ///
    /// let tokens = Tokens::new(b"an example secret of at least 32 bytes!").unwrap();
    /// let token = tokens.issue_in_session("u-1", Some("Ana"), "s-1", Duration::from_secs(600));
    /// assert_eq!(tokens.verify(&token).unwrap().sid.as_deref(), Some("s-1"));
    /// ```
    pub fn issue_in_session(
        &self,
        user_id: &str,
        name: Option<&str>,
        session_id: &str,
        ttl: impl Into<Duration>,
    ) -> String {
        self.sign(user_id, name, Some(session_id), ttl.into(), false)
    }

    fn sign(
        &self,
        user_id: &str,
        name: Option<&str>,
        sid: Option<&str>,
        ttl: Duration,
        admin: bool,
    ) -> String {
        self.sign_for(AUDIENCE, user_id, name, sid, ttl, admin)
    }

    fn sign_for(
        &self,
        audience: &str,
        user_id: &str,
        name: Option<&str>,
        sid: Option<&str>,
        ttl: Duration,
        admin: bool,
    ) -> String {
        let now = unix_now();
        let claims = Claims {
            sub: user_id.to_owned(),
            exp: now + ttl.as_secs(),
            iat: now,
            name: name.map(str::to_owned),
            aud: audience.to_owned(),
            iss: self.issuer.clone(),
            sid: sid.map(str::to_owned),
            admin,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .unwrap_or_else(|e| unreachable!("HS256 signing of plain claims cannot fail: {e}"))
    }

    /// The claims of a token this server (or anyone with its secret) issued.
    ///
    /// # Errors
    /// [`TokenError::Expired`], [`TokenError::BadUserId`] or [`TokenError::Invalid`].
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        self.decode(token, &self.validation)
    }

    fn decode(&self, token: &str, validation: &Validation) -> Result<Claims, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, validation).map_err(
            |e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid(e.to_string()),
            },
        )?;
        let claims = data.claims;
        if claims.sub.is_empty() || claims.sub.len() > MAX_USER_ID_BYTES {
            return Err(TokenError::BadUserId);
        }
        Ok(claims)
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn round_trip() {
        let tokens = Tokens::new(SECRET).expect("secret");
        let token = tokens.issue("u1", None, Duration::from_secs(60));
        let claims = tokens.verify(&token).expect("valid");
        assert_eq!(claims.sub, "u1");
        assert!(claims.exp >= claims.iat + 60);
    }

    #[test]
    fn short_secret_is_refused() {
        assert_eq!(
            Tokens::new(b"short").expect_err("short").to_string(),
            "the token secret has 5 bytes; use at least 32 random bytes (for example `openssl rand -hex 32`)"
        );
    }

    #[test]
    fn another_secret_is_refused() {
        let ours = Tokens::new(SECRET).expect("secret");
        let theirs = Tokens::new(b"another secret that is long enough!!").expect("secret");
        let token = theirs.issue("admin", None, Duration::from_secs(60));
        assert!(matches!(ours.verify(&token), Err(TokenError::Invalid(_))));
    }

    #[test]
    fn expired_is_refused() {
        let tokens = Tokens::new(SECRET).expect("secret");
        let claims = Claims {
            sub: "u1".into(),
            exp: unix_now() - 120,
            iat: unix_now() - 180,
            name: None,
            aud: AUDIENCE.into(),
            iss: ISSUER.into(),
            sid: None,
            admin: false,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &tokens.encoding)
            .expect("encode");
        assert_eq!(tokens.verify(&token), Err(TokenError::Expired));
    }

    #[test]
    fn a_jwt_for_another_audience_or_issuer_is_refused() {
        let tokens = Tokens::new(SECRET).expect("secret");
        let sign = |aud: &str, iss: &str| {
            let claims =
                serde_json::json!({"sub": "u1", "exp": unix_now() + 60, "aud": aud, "iss": iss});
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &tokens.encoding)
                .expect("encode")
        };
        assert!(tokens.verify(&sign(AUDIENCE, ISSUER)).is_ok());
        assert!(matches!(
            tokens.verify(&sign("billing", ISSUER)),
            Err(TokenError::Invalid(_))
        ));
        assert!(matches!(
            tokens.verify(&sign(AUDIENCE, "someone else")),
            Err(TokenError::Invalid(_))
        ));
        let bare = serde_json::json!({"sub": "u1", "exp": unix_now() + 60});
        let bare = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &bare, &tokens.encoding)
            .expect("encode");
        assert!(
            tokens.verify(&bare).is_err(),
            "a JWT without aud and iss is not ours"
        );
    }

    #[test]
    fn tampered_payload_is_refused() {
        let tokens = Tokens::new(SECRET).expect("secret");
        let token = tokens.issue("u1", None, Duration::from_secs(60));
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = tokens.issue("admin", None, Duration::from_secs(60));
        let forged_body = forged.split('.').nth(1).expect("body");
        parts[1] = forged_body;
        // The body of another token with the first token's signature.
        let spliced = format!(
            "{}.{}.{}",
            parts[0],
            parts[1],
            token.split('.').nth(2).expect("sig")
        );
        assert!(tokens.verify(&spliced).is_err());
        assert!(tokens.verify("").is_err());
        assert!(tokens.verify("a.b.c").is_err());
    }

    #[test]
    fn empty_user_id_is_refused() {
        let tokens = Tokens::new(SECRET).expect("secret");
        let token = tokens.issue("", None, Duration::from_secs(60));
        assert_eq!(tokens.verify(&token), Err(TokenError::BadUserId));
    }
}

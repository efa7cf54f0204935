//! Who is on the other end of a socket, and whether their browser may connect.
//!
//! Identity comes only from a signed, expiring token ([`Tokens`]) given at
//! connect time; nothing a client sends later can change it. [`OriginPolicy`]
//! decides which `Origin` headers may open a socket.

mod guest;
mod origin;
mod token;
mod visitor;

pub use guest::guest_name;
pub use origin::OriginPolicy;
pub use token::{
    AUDIENCE, Claims, ISSUER, MAX_USER_ID_BYTES, MIN_SECRET_BYTES, TokenError, Tokens,
    VISITOR_AUDIENCE,
};
#[cfg(feature = "accounts")]
pub(crate) use visitor::request_cookies;
pub use visitor::{MAX_NAME_CHARS, VISITOR_COOKIE, VISITOR_TTL, Visitor, clean_name};

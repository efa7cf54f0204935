//! Topic patterns and the channel each one routes to.

use std::sync::Arc;

use rtux_rules::TopicPattern;

use super::DynChannel;
use crate::auth::Claims;
use crate::wire::JoinError;

/// Who may join the topics of a pattern: `Ok` admits the token's holder, an
/// error is the join's refusal ([`crate::EndpointBuilder::guard`]).
pub type Guard = Arc<dyn Fn(&Claims) -> Result<(), JoinError> + Send + Sync>;

/// A topic pattern that cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// The pattern breaks the rule (`rtux_rules::topic_pattern`, the same the
    /// derives apply): the message names it and says what to write.
    #[error(transparent)]
    Invalid(#[from] rtux_rules::InvalidPattern),
    /// The same pattern was registered twice.
    #[error("topic pattern {0:?} is registered twice")]
    Duplicate(String),
}

/// A parsed pattern, as `rtux-rules` reads it.
struct Pattern(TopicPattern);

impl Pattern {
    fn parse(pattern: &str) -> Result<Pattern, PatternError> {
        rtux_rules::topic_pattern(pattern)
            .map(Pattern)
            .map_err(PatternError::Invalid)
    }

    /// How specific a match is; `None` if the topic does not match.
    fn rank(&self, topic: &str) -> Option<usize> {
        self.0.matches(topic).then_some(match &self.0 {
            TopicPattern::Exact(_) => usize::MAX,
            TopicPattern::Prefix(p) => p.len(),
        })
    }
}

/// The channels of an endpoint, by topic pattern.
#[derive(Default)]
pub(crate) struct Registry {
    routes: Vec<(Pattern, Arc<dyn DynChannel>)>,
    guards: Vec<(Pattern, Guard)>,
}

impl Registry {
    pub(crate) fn add(
        &mut self,
        pattern: &str,
        channel: Arc<dyn DynChannel>,
    ) -> Result<(), PatternError> {
        let parsed = Pattern::parse(pattern)?;
        if self.routes.iter().any(|(p, _)| p.0 == parsed.0) {
            return Err(PatternError::Duplicate(pattern.to_owned()));
        }
        self.routes.push((parsed, channel));
        Ok(())
    }

    /// Guards the topics of `pattern`: every guard whose pattern matches a
    /// topic must admit a join to it.
    pub(crate) fn guard(&mut self, pattern: &str, guard: Guard) -> Result<(), PatternError> {
        self.guards.push((Pattern::parse(pattern)?, guard));
        Ok(())
    }

    /// Whether the holder of `claims` may join `topic`: the first refusal of
    /// the guards on it, if any refuses.
    pub(crate) fn admit(&self, topic: &str, claims: &Claims) -> Result<(), JoinError> {
        self.guards
            .iter()
            .filter(|(p, _)| p.rank(topic).is_some())
            .try_for_each(|(_, guard)| guard(claims))
    }

    /// The channel for a topic: an exact pattern first, else the longest prefix.
    pub(crate) fn find(&self, topic: &str) -> Option<Arc<dyn DynChannel>> {
        self.routes
            .iter()
            .filter_map(|(p, c)| p.rank(topic).map(|r| (r, c)))
            .max_by_key(|(r, _)| *r)
            .map(|(_, c)| c.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse() {
        assert!(Pattern::parse("doc:*").is_ok());
        assert!(Pattern::parse("room:lobby").is_ok());
        assert!(Pattern::parse("*").is_err(), "every topic is no pattern");
        assert!(Pattern::parse("doc*").is_err(), "a prefix ends in `:*`");
        assert!(Pattern::parse("").is_err());
        assert!(Pattern::parse("a*b*").is_err());
        assert!(Pattern::parse("*:x").is_err());
        assert!(Pattern::parse("phoenix").is_err());
    }

    #[test]
    fn most_specific_pattern_wins() {
        let exact = Pattern::parse("doc:lobby").expect("ok");
        let prefix = Pattern::parse("doc:*").expect("ok");
        assert_eq!(exact.rank("doc:lobby"), Some(usize::MAX));
        assert_eq!(prefix.rank("doc:lobby"), Some(4));
        assert_eq!(prefix.rank("doc:"), None);
        assert_eq!(prefix.rank("docs:1"), None);
    }
}

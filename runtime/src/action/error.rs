//! Why a resource could not be built: each message names what is wrong and
//! says what to write instead.

use rtux_rules::{ActionNameError, InvalidPattern, OutOfRange};

/// Why a resource could not be built.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use rtux::action::{Resource, ResourceError};
/// # let dir = std::env::temp_dir().join(format!("rtux-resource-error-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let store = rtux::store::Store::sqlite(dir.join("notes.db")).await.unwrap();
/// let built = Resource::builder(store).confirmed_delete("undo").build();
/// assert!(matches!(built, Err(ResourceError::Name(_))));
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResourceError {
    /// The item template does not parse, or the item view is not among the
    /// app's views.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// An action name breaks the rule (`rtux_rules::action_name`, the same
    /// the derives apply).
    #[error(transparent)]
    Name(#[from] ActionNameError),
    /// Two actions have the same name.
    #[error("action name `{0}` is used twice: give each action a name of its own")]
    Duplicate(String),
    /// A timing is outside what the patterns allow (`rtux_rules`).
    #[error(transparent)]
    Timing(#[from] OutOfRange),
    /// A topic pattern (the resource's topics, or where it is registered)
    /// breaks the rule.
    #[error(transparent)]
    Pattern(#[from] InvalidPattern),
    /// A model registered on topics it does not serve.
    #[error(
        "this model serves {model:?} topics only: register it on one of them (or a pattern within)"
    )]
    OutsideModel {
        /// The model's topics (`Model::TOPIC`).
        model: &'static str,
    },
    /// A reference's declaration does not hold together.
    #[error(transparent)]
    Reference(#[from] ReferenceError),
}

/// Why a resource's item template cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The resource's own template does not parse.
    #[error("item template: {0:#}")]
    Parse(minijinja::Error),
    /// The item view is named, but the resource has no views to find it in.
    #[error(
        "item view {0:?}: the resource renders it with the app's views; give them to EndpointBuilder::views (or ResourceBuilder::views)"
    )]
    NoViews(String),
    /// The item view is not among the app's views.
    #[error("item view {name:?} is not among the app's views: {source}")]
    NoSuchView {
        /// The view's name.
        name: String,
        /// What minijinja says.
        source: minijinja::Error,
    },
}

/// Why a reference between records is declared wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// The resource has references but no topics to find referrers by.
    #[error(
        "a resource with references needs its topics (ResourceBuilder::topics, like \"tasks:*\") to find what refers to a record"
    )]
    NoTopics,
    /// A reference names a pattern (or nothing valid), not one topic.
    #[error(
        "reference {field:?}: {to:?} is not a topic; name the one topic whose records it refers to (like \"people:all\")"
    )]
    NotATopic {
        /// The referring field.
        field: String,
        /// What it names.
        to: String,
    },
    /// `OnDelete::Clear` on a field that may not be empty.
    #[error(
        "reference {0:?}: OnDelete::Clear empties the field, so it must be optional (Reference::optional; an Option field in a derive)"
    )]
    ClearNeedsOptional(String),
}

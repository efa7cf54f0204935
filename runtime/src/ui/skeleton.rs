//! A model's loading skeleton.

use super::{Html, Skeleton, record_skeleton};

/// The skeleton of one record of a kind, field by field: what a list shows
/// while its records load. Derived by `#[derive(rtux::Model)]` from each
/// field's `skeleton` (or its type's default).
///
/// ```
/// use rtux::ui::SkeletonView;
/// use rtux::ui::Skeleton;
///
/// struct Note;
/// impl SkeletonView for Note {
///     const KIND: &'static str = "note";
///     const SHAPES: &'static [Skeleton] = &[Skeleton::Title, Skeleton::Lines(3), Skeleton::Badge];
/// }
/// assert!(Note::skeleton().contains(r#"data-rtux-skeleton-of="note""#));
/// assert_eq!(Note::skeletons(3).matches("rtux-skeleton-record").count(), 3);
/// ```
pub trait SkeletonView {
    /// The kind's name, on the skeleton as `data-rtux-skeleton-of`.
    const KIND: &'static str;
    /// One shape per shown field, in order.
    const SHAPES: &'static [Skeleton];

    /// One record's skeleton.
    fn skeleton() -> Html {
        record_skeleton(Self::KIND, Self::SHAPES)
    }

    /// `count` records' skeletons (a loading list; at most 50).
    fn skeletons(count: usize) -> Html {
        Html::from_trusted(Self::skeleton().repeat(count.min(50)))
    }
}

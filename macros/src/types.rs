//! What rtux reads from a field's type: its skeleton default, and whether it
//! fits a rule (a list for set_union, a bool for toggle).
//!
//! Types are known by their last path segment (`String`, `std::string::String`
//! and `alloc::string::String` alike), as a derive only sees syntax.

use crate::model::Shape;

/// The last segment of a type path, and its first generic argument if any.
fn segment(ty: &syn::Type) -> Option<(String, Option<&syn::Type>)> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            let arg = match &last.arguments {
                syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                    syn::GenericArgument::Type(t) => Some(t),
                    _ => None,
                }),
                _ => None,
            };
            Some((last.ident.to_string(), arg))
        }
        syn::Type::Reference(r) => segment(&r.elem),
        syn::Type::Group(g) => segment(&g.elem),
        syn::Type::Paren(p) => segment(&p.elem),
        _ => None,
    }
}

fn name(ty: &syn::Type) -> String {
    segment(ty).map(|(n, _)| n).unwrap_or_default()
}

/// An `Option<T>`.
pub(crate) fn is_option(ty: &syn::Type) -> bool {
    matches!(segment(ty), Some((n, Some(_))) if n == "Option")
}

/// `T` of `Option<T>`, or the type itself.
fn unwrap_option(ty: &syn::Type) -> &syn::Type {
    match segment(ty) {
        Some((n, Some(inner))) if n == "Option" => unwrap_option(inner),
        _ => ty,
    }
}

const INTEGERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
];
const NUMBERS: &[&str] = &["f32", "f64", "Decimal", "BigDecimal"];
const TEXTS: &[&str] = &[
    "String",
    "str",
    "Cow",
    "char",
    "Uuid",
    "NaiveDate",
    "NaiveDateTime",
    "NaiveTime",
    "DateTime",
    "Date",
    "Time",
    "OffsetDateTime",
    "PrimitiveDateTime",
    "Url",
];
const LISTS: &[&str] = &["Vec", "HashSet", "BTreeSet", "IndexSet", "VecDeque"];

/// The skeleton shape a field of this type gets when none is given.
pub(crate) fn default_shape(ty: &syn::Type) -> Option<Shape> {
    let n = name(unwrap_option(ty));
    if TEXTS.contains(&n.as_str()) {
        Some(Shape::Lines(1))
    } else if n == "bool" || LISTS.contains(&n.as_str()) {
        Some(Shape::Badge)
    } else if INTEGERS.contains(&n.as_str()) || NUMBERS.contains(&n.as_str()) {
        Some(Shape::Number)
    } else {
        None
    }
}

/// A list type, which `set_union` can merge.
pub(crate) fn is_list(ty: &syn::Type) -> bool {
    LISTS.contains(&name(unwrap_option(ty)).as_str())
}

pub(crate) fn is_bool(ty: &syn::Type) -> bool {
    name(ty) == "bool"
}

pub(crate) fn is_integer(ty: &syn::Type) -> bool {
    INTEGERS.contains(&name(ty).as_str())
}

/// A type the store's string ids deserialize into.
pub(crate) fn is_id(ty: &syn::Type) -> bool {
    matches!(name(ty).as_str(), "String" | "Uuid")
}

pub(crate) fn is_version(ty: &syn::Type) -> bool {
    name(ty) == "i64"
}

/// How a type reads in an error message.
pub(crate) fn shown(ty: &syn::Type) -> String {
    quote::quote!(#ty).to_string().replace(' ', "")
}

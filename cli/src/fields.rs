//! Field specs of `rtux gen resource`: `name:type`, checked and turned into a
//! Rust type, a form input, a skeleton and sample data.

use heck::{ToPascalCase, ToTitleCase};
use serde_json::{Value, json};

use crate::names;

/// The field types, as users write them.
pub(crate) const TYPES: &str =
    "string, text, bool, integer, float, decimal, date, datetime, uuid, enum:a,b,c, ref:Resource";

/// What is wrong with a field spec, and the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FieldError {
    #[error("field {0:?} has no type: write name:type, with a type among {TYPES}")]
    NoType(String),
    #[error(transparent)]
    Name(#[from] names::NameError),
    #[error("field {0:?}: an enum needs its values, like {0}:enum:open,closed")]
    NoValues(String),
    #[error("field {field:?}: enum value {value:?} must be snake_case (like open or in_progress)")]
    Value { field: String, value: String },
    #[error("field {0:?}: an enum value is repeated")]
    Repeated(String),
    #[error("field {field:?}: {source}")]
    Referenced {
        field: String,
        source: names::NameError,
    },
    #[error("field {0:?}: a reference names its resource, like {0}:ref:User")]
    NoResource(String),
    #[error("field {field:?}: type {ty} takes no argument after it")]
    Argument { field: String, ty: String },
    #[error("field {field:?} has an unknown type {ty:?}: use one of {TYPES}")]
    UnknownType { field: String, ty: String },
}

/// A field's type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    String,
    Text,
    Bool,
    Integer,
    Float,
    Decimal,
    Date,
    DateTime,
    Uuid,
    /// Its values, snake_case.
    Enum(Vec<String>),
    /// The id of a record of another resource (its type name).
    Reference(String),
}

/// One field of a generated resource.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) kind: Kind,
}

impl Field {
    /// Parses `name:type` (`status:enum:open,done`, `owner:ref:User`).
    ///
    /// # Errors
    /// What is wrong with the spec, and the accepted forms.
    pub(crate) fn parse(spec: &str) -> Result<Field, FieldError> {
        let Some((name, ty)) = spec.split_once(':') else {
            return Err(FieldError::NoType(spec.to_owned()));
        };
        let name = names::field(name)?;
        let (ty, arg) = match ty.split_once(':') {
            Some((t, a)) => (t, Some(a)),
            None => (ty, None),
        };
        let kind = match (ty, arg) {
            ("string", None) => Kind::String,
            ("text", None) => Kind::Text,
            ("bool", None) => Kind::Bool,
            ("integer", None) => Kind::Integer,
            ("float", None) => Kind::Float,
            ("decimal", None) => Kind::Decimal,
            ("date", None) => Kind::Date,
            ("datetime", None) => Kind::DateTime,
            ("uuid", None) => Kind::Uuid,
            ("enum", Some(values)) => Kind::Enum(enum_values(&name, values)?),
            ("enum", None) => return Err(FieldError::NoValues(name)),
            ("ref" | "references", Some(other)) => {
                Kind::Reference(names::type_name(other).map_err(|source| {
                    FieldError::Referenced {
                        field: name.clone(),
                        source,
                    }
                })?)
            }
            ("ref" | "references", None) => return Err(FieldError::NoResource(name)),
            (other, Some(_)) if !["enum", "ref", "references"].contains(&other) && known(other) => {
                return Err(FieldError::Argument {
                    field: name,
                    ty: other.to_owned(),
                });
            }
            (other, _) => {
                return Err(FieldError::UnknownType {
                    field: name,
                    ty: other.to_owned(),
                });
            }
        };
        Ok(Field { name, kind })
    }

    /// The Rust type (`owner` is the resource's type name, for enums).
    pub(crate) fn rust_type(&self, owner: &str) -> String {
        match &self.kind {
            Kind::String | Kind::Text | Kind::Reference(_) => "String".into(),
            Kind::Bool => "bool".into(),
            Kind::Integer => "i64".into(),
            Kind::Float => "f64".into(),
            Kind::Decimal => "rust_decimal::Decimal".into(),
            Kind::Date => "chrono::NaiveDate".into(),
            Kind::DateTime => "chrono::NaiveDateTime".into(),
            Kind::Uuid => "uuid::Uuid".into(),
            Kind::Enum(_) => self.enum_name(owner),
        }
    }

    /// The generated enum of an enum field (`Task` + `status` → `TaskStatus`).
    pub(crate) fn enum_name(&self, owner: &str) -> String {
        format!("{owner}{}", self.name.to_pascal_case())
    }

    /// The crate the field's type needs, as its Cargo.toml line.
    pub(crate) fn dependency(&self) -> Option<(&'static str, &'static str)> {
        match self.kind {
            Kind::Decimal => Some(("rust_decimal", "rust_decimal = \"1\"")),
            Kind::Date | Kind::DateTime => Some((
                "chrono",
                "chrono = { version = \"0.4\", default-features = false, features = [\"serde\"] }",
            )),
            Kind::Uuid => Some(("uuid", "uuid = { version = \"1\", features = [\"serde\"] }")),
            _ => None,
        }
    }

    /// What the templates need: name, label, type, input, skeleton, values.
    pub(crate) fn context(&self, owner: &str) -> Value {
        let (input, skeleton) = match &self.kind {
            Kind::String => ("text", None),
            Kind::Text => ("textarea", Some("lines(3)")),
            Kind::Bool => ("checkbox", None),
            Kind::Integer => ("integer", None),
            Kind::Float => ("float", None),
            Kind::Decimal => ("decimal", None),
            Kind::Date => ("date", None),
            Kind::DateTime => ("datetime", None),
            Kind::Uuid => ("uuid", None),
            Kind::Enum(_) => ("select", Some("badge")),
            Kind::Reference(_) => ("reference", None),
        };
        let values = match &self.kind {
            Kind::Enum(v) => v.iter().map(|v| json!({ "value": v, "variant": v.to_pascal_case(), "label": v.to_title_case() })).collect(),
            _ => Vec::new(),
        };
        let reference = match &self.kind {
            Kind::Reference(other) => Some(other.clone()),
            _ => None,
        };
        json!({
            "name": self.name,
            "label": self.name.to_title_case(),
            "rust_type": self.rust_type(owner),
            "enum_name": self.enum_name(owner),
            "input": input,
            "skeleton": skeleton,
            "values": values,
            "reference": reference,
            // Filled in by the resource: what the reference names, and
            // whether the field may be empty (`--clear-on-delete`).
            "referenced": null,
            "optional": false,
        })
    }

    /// A sample value for view snapshots (`n` tells samples apart).
    pub(crate) fn sample(&self, n: usize) -> Value {
        match &self.kind {
            Kind::String => json!(format!("{} {n} <em>&</em>", self.name.to_title_case())),
            Kind::Text => json!(format!("Line one of {n}\nline two \"quoted\"")),
            Kind::Bool => json!(n % 2 == 1),
            Kind::Integer => json!(n * 7),
            Kind::Float => json!(n as f64 + 0.5),
            Kind::Decimal => json!(format!("{n}9.95")),
            Kind::Date => json!(format!("2026-11-{:02}", n % 28 + 1)),
            Kind::DateTime => json!(format!("2026-11-{:02}T09:30:00", n % 28 + 1)),
            Kind::Uuid => json!(format!("00000000-0000-4000-8000-{n:012}")),
            Kind::Enum(values) => json!(values[n % values.len()]),
            Kind::Reference(_) => json!(format!("{}-{n}", self.name)),
        }
    }
}

fn known(ty: &str) -> bool {
    [
        "string", "text", "bool", "integer", "float", "decimal", "date", "datetime", "uuid",
    ]
    .contains(&ty)
}

fn enum_values(field: &str, values: &str) -> Result<Vec<String>, FieldError> {
    let values: Vec<String> = values.split(',').map(|v| v.trim().to_owned()).collect();
    for v in &values {
        if v.is_empty()
            || !v.starts_with(|c: char| c.is_ascii_lowercase())
            || !v
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(FieldError::Value {
                field: field.to_owned(),
                value: v.clone(),
            });
        }
    }
    let mut seen = values.clone();
    seen.sort();
    seen.dedup();
    if seen.len() != values.len() {
        return Err(FieldError::Repeated(field.to_owned()));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(Field::parse("done:bool").map(|f| f.kind), Ok(Kind::Bool));
        assert_eq!(
            Field::parse("status:enum:open,in_progress").map(|f| f.kind),
            Ok(Kind::Enum(vec!["open".into(), "in_progress".into()]))
        );
        assert_eq!(
            Field::parse("owner:ref:user").map(|f| f.kind),
            Ok(Kind::Reference("User".into()))
        );
        for bad in [
            "title",
            "title:str",
            "Title:string",
            "type:string",
            "s:enum",
            "s:enum:A",
            "s:enum:a,a",
            "o:ref",
            "d:date:x",
            "id:string",
        ] {
            assert!(Field::parse(bad).is_err(), "{bad:?} passed");
        }
    }
}

//! Reading `#[rtux(...)]` attributes: values, flags, duplicates and unknown keys.

use std::time::Duration;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{LitInt, LitStr, Token};

use crate::ctxt::Ctxt;

/// One attribute key of a scope, set at most once.
pub(crate) struct Attr<'c, T> {
    cx: &'c Ctxt,
    name: &'static str,
    value: Option<T>,
}

impl<'c, T> Attr<'c, T> {
    pub(crate) fn none(cx: &'c Ctxt, name: &'static str) -> Self {
        Attr {
            cx,
            name,
            value: None,
        }
    }

    /// Sets the value; a second one is an error spanned at `at`.
    pub(crate) fn set<A: ToTokens>(&mut self, at: A, value: T) {
        if self.value.is_some() {
            self.cx.error_at(
                at,
                format!("duplicate rtux attribute `{}`: give it once", self.name),
            );
        } else {
            self.value = Some(value);
        }
    }

    pub(crate) fn get(self) -> Option<T> {
        self.value
    }
}

/// A value with the tokens it was written as, for spans in later errors.
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) tokens: TokenStream,
}

impl<T> Spanned<T> {
    pub(crate) fn new<A: ToTokens>(at: &A, value: T) -> Self {
        Spanned {
            value,
            tokens: at.to_token_stream(),
        }
    }
}

impl<T> ToTokens for Spanned<T> {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.tokens.to_tokens(tokens);
    }
}

/// `key = "string"`.
pub(crate) fn string(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    meta.value()?.parse()
}

/// `key = "path::to::item"`, spanned at the string.
pub(crate) fn path(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Spanned<syn::Path>>> {
    let lit = string(meta)?;
    match lit.parse::<syn::Path>() {
        Ok(path) => Ok(Some(Spanned::new(&lit, path))),
        Err(_) => {
            cx.error_at(
                &lit,
                format!("`{}` is not a Rust path: write it like \"Note::archive\" or \"crate::notes::archive\"", lit.value()),
            );
            Ok(None)
        }
    }
}

/// `key = "5s"` (any humantime duration: "1500ms", "2s", "1m").
pub(crate) fn duration(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
) -> syn::Result<Option<Spanned<Duration>>> {
    let lit = string(meta)?;
    match humantime::parse_duration(&lit.value()) {
        Ok(d) => Ok(Some(Spanned::new(&lit, d))),
        Err(e) => {
            cx.error_at(
                &lit,
                format!(
                    "`{}` is not a duration ({e}): write it like \"5s\" or \"1500ms\"",
                    lit.value()
                ),
            );
            Ok(None)
        }
    }
}

/// `key = 10` (an integer literal).
pub(crate) fn integer(meta: &ParseNestedMeta) -> syn::Result<Spanned<u64>> {
    let lit: LitInt = meta.value()?.parse()?;
    Ok(Spanned::new(&lit, lit.base10_parse()?))
}

/// Reports an unknown key of `scope` (with the closest known one, if any is
/// close) and skips its value so parsing goes on.
pub(crate) fn unknown(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    scope: &str,
    known: &[&str],
) -> syn::Result<()> {
    let key = meta.path.to_token_stream().to_string().replace(' ', "");
    let message = match closest(&key, known) {
        Some(near) => format!("unknown rtux {scope} attribute `{key}`: did you mean `{near}`?"),
        None => format!(
            "unknown rtux {scope} attribute `{key}`; expected one of: {}",
            known.join(", ")
        ),
    };
    cx.error_at(&meta.path, message);
    skip(meta)
}

/// Skips a key's value (`= expr` or `(...)`), so parsing goes on after it.
pub(crate) fn skip(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip(&inner))?;
    }
    Ok(())
}

/// The known word closest to `word`, when it is close enough to be a typo.
pub(crate) fn closest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(word, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_only_close_words() {
        let known = ["skeleton", "merge", "optimistic", "id", "version"];
        assert_eq!(closest("skelton", &known), Some("skeleton"));
        assert_eq!(closest("optimistc", &known), Some("optimistic"));
        assert_eq!(closest("colour", &["color", "cursor"]), Some("color"));
        assert_eq!(closest("frobnicate", &known), None);
    }
}

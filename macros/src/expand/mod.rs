//! Code generation from checked models, and the fallback impls emitted beside
//! errors so one mistake stays one error.

mod presence;
mod resource;
#[cfg(test)]
mod tests;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use std::time::Duration;

use crate::ast;
use crate::check;
use crate::ctxt::Ctxt;

/// `#[derive(Model)]`.
pub(crate) fn derive_resource(input: &syn::DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let parsed = ast::Resource::parse(&cx, input);
    match check::resource(&cx, &parsed) {
        Some(model) if !cx.failed() => wrap(resource::expand(&model)),
        _ => {
            let fallback = fallback(input, resource::fallback);
            let errors = cx.into_compile_errors();
            quote! { #errors #fallback }
        }
    }
}

/// `#[derive(PresenceMeta)]`.
pub(crate) fn derive_presence(input: &syn::DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let parsed = ast::Presence::parse(&cx, input);
    match check::presence(&cx, &parsed) {
        Some(model) if !cx.failed() => wrap(presence::expand(&model)),
        _ => {
            let fallback = fallback(input, presence::fallback);
            let errors = cx.into_compile_errors();
            quote! { #errors #fallback }
        }
    }
}

/// Generated impls sit in an anonymous const, as serde's do.
fn wrap(impls: TokenStream) -> TokenStream {
    quote! {
        const _: () = {
            #impls
        };
    }
}

/// Impls that compile whatever the attributes said, so code using the type
/// does not add errors of its own; none for generic structs (already an error).
fn fallback(input: &syn::DeriveInput, make: fn(&syn::Ident) -> TokenStream) -> TokenStream {
    if input.generics.params.is_empty() {
        wrap(make(&input.ident))
    } else {
        TokenStream::new()
    }
}

/// `::core::time::Duration::from_millis(n)`.
fn duration(d: Duration) -> TokenStream {
    let ms = Literal::u64_unsuffixed(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    quote!(::core::time::Duration::from_millis(#ms))
}

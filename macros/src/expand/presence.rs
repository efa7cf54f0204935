//! `impl PresenceMeta` for a checked presence meta.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;

use super::duration;
use crate::model::{MetaField, PresenceModel, Role};

pub(super) fn expand(m: &PresenceModel) -> TokenStream {
    let ident = m.ident;
    let joining = m.fields.iter().map(joining);
    // Parameters no field reads are unnamed, so the user's build has no warnings.
    let uses = |roles: &[Option<Role>]| m.fields.iter().any(|f| roles.contains(&f.role));
    let claims = if uses(&[Some(Role::Name), Some(Role::Color)]) {
        quote!(claims)
    } else {
        quote!(_)
    };
    let payload = if uses(&[Some(Role::Avatar), None]) {
        quote!(payload)
    } else {
        quote!(_)
    };
    let to_meta = m.fields.iter().map(|f| {
        let (name, key) = (f.ident, &f.key);
        quote!(meta.insert(::std::string::String::from(#key), ::rtux::__private::meta_value(&self.#name));)
    });
    let from_meta = m.fields.iter().map(|f| {
        let (name, key) = (f.ident, &f.key);
        quote!(#name: ::rtux::__private::meta_field(meta, #key)?,)
    });
    let typing = m.typing_ttl.map(|t| {
        let t = duration(t);
        quote!(config.typing_ttl = #t;)
    });
    let cursor = m.cursor_interval.map(|c| {
        let c = duration(c);
        quote!(config.cursor_interval = #c;)
    });
    let timings = (typing.is_some() || cursor.is_some()).then(|| {
        quote! {
            fn timings(
                mut config: ::rtux::presence::PresenceConfig,
            ) -> ::rtux::presence::PresenceConfig {
                #typing
                #cursor
                config
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl ::rtux::presence::PresenceMeta for #ident {
            fn joining(
                #claims: &::rtux::auth::Claims,
                #payload: &::rtux::__private::Json,
            ) -> ::core::result::Result<Self, ::rtux::JoinError> {
                ::core::result::Result::Ok(Self { #(#joining)* })
            }

            fn to_meta(&self) -> ::rtux::__private::Json {
                let mut meta = ::rtux::__private::JsonMap::new();
                #(#to_meta)*
                ::rtux::__private::Json::Object(meta)
            }

            fn from_meta(
                meta: &::rtux::__private::Json,
            ) -> ::core::result::Result<Self, ::rtux::presence::MetaError> {
                ::core::result::Result::Ok(Self { #(#from_meta)* })
            }
            #timings
        }
    }
}

/// A field's value for a user joining: identity from the token, rtux's own
/// fields at their start, the rest from the join payload's `meta`. Spanned at
/// the field's type, so a type that does not fit its role is reported there.
fn joining(f: &MetaField) -> TokenStream {
    let (name, key) = (f.ident, &f.key);
    let span = f.ty.span();
    let value = match f.role {
        Some(Role::Name) => {
            quote_spanned!(span=> ::core::convert::Into::into(::rtux::__private::display_name(claims)))
        }
        Some(Role::Color) => {
            quote_spanned!(span=> ::core::convert::Into::into(::rtux::ui::colour_for(&claims.sub)))
        }
        Some(Role::Status) => {
            quote_spanned!(span=> ::core::convert::Into::into(::rtux::presence::Status::Active))
        }
        Some(Role::Typing) => quote_spanned!(span=> ::core::convert::Into::into(false)),
        Some(Role::ActiveField | Role::Cursor) => {
            quote_spanned!(span=> ::core::option::Option::None)
        }
        Some(Role::Avatar) | None => quote! {
            ::rtux::__private::meta_field(payload, #key)
                .map_err(|e| ::rtux::JoinError::new(::rtux::wire::Code::Invalid, e.to_string()))?
        },
    };
    quote!(#name: #value,)
}

/// An impl that compiles whatever the attributes said (every join refused).
pub(super) fn fallback(ident: &syn::Ident) -> TokenStream {
    quote! {
        #[automatically_derived]
        impl ::rtux::presence::PresenceMeta for #ident {
            fn joining(
                _: &::rtux::auth::Claims,
                _: &::rtux::__private::Json,
            ) -> ::core::result::Result<Self, ::rtux::JoinError> {
                ::core::result::Result::Err(::rtux::JoinError::new(::rtux::wire::Code::Internal, "invalid presence meta"))
            }

            fn to_meta(&self) -> ::rtux::__private::Json {
                ::rtux::__private::Json::Null
            }

            fn from_meta(
                _: &::rtux::__private::Json,
            ) -> ::core::result::Result<Self, ::rtux::presence::MetaError> {
                ::core::result::Result::Err(::rtux::presence::MetaError::Derive)
            }
        }
    }
}

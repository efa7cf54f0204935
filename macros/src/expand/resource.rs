//! `impl Model` and `impl SkeletonView` for a checked resource.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use rtux_rules::{ActionKind, Vocabulary};

use super::duration;
use crate::attr::Spanned;
use crate::model::{Op, ResourceModel, Rule, Shape};

pub(super) fn expand(m: &ResourceModel) -> TokenStream {
    let ident = m.ident;
    let (topic, id, version) = (&m.topic, &m.id_key, &m.version_key);
    let steps = steps(m);
    let merge = (!m.rules.is_empty()).then(|| {
        let rules = m.rules.iter().map(|(key, rule)| {
            let rule = match rule {
                Rule::SetUnion => quote!(SetUnion),
                Rule::Skip => quote!(Skip),
            };
            quote!(.rule(#key, ::rtux::conflict::FieldRule::#rule))
        });
        quote! {
            fn merge() -> ::rtux::conflict::FieldMerge {
                ::rtux::conflict::FieldMerge::new() #(#rules)*
            }
        }
    });
    let check = m.validate.as_ref().map(|v| {
        // Paths parsed from a string carry the string's span: a wrong
        // signature is reported at the attribute.
        let path = &v.value;
        quote! {
            fn check(&self) -> ::core::result::Result<(), ::rtux::action::Reject> {
                #path(self)
            }
        }
    });
    let kind = ident.to_string();
    let shapes = m.shapes.iter().map(|s| shape(*s));
    quote! {
        #[automatically_derived]
        impl ::rtux::model::Model for #ident {
            const TOPIC: &'static str = #topic;
            const ID_FIELD: &'static str = #id;
            const VERSION_FIELD: &'static str = #version;

            fn actions(
                builder: ::rtux::model::ModelBuilder<Self>,
            ) -> ::rtux::model::ModelBuilder<Self> {
                builder #(#steps)*
            }
            #merge
            #check
        }

        #[automatically_derived]
        impl ::rtux::ui::SkeletonView for #ident {
            const KIND: &'static str = #kind;
            const SHAPES: &'static [::rtux::ui::Skeleton] = &[#(#shapes),*];
        }
    }
}

/// The builder calls, in attribute order: configuration, then actions.
fn steps(m: &ResourceModel) -> Vec<TokenStream> {
    let mut steps = Vec::new();
    if let Some(view) = &m.view {
        steps.push(quote!(.item_view(#view)));
    }
    if let Some(p) = &m.presence {
        let path = &p.value;
        steps.push(quote!(.presence::<#path>()));
    }
    if let Some(w) = m.undo_window {
        let w = duration(w);
        steps.push(quote!(.configure(|b| b.undo_window(#w))));
    }
    if let Some(label) = &m.label {
        steps.push(quote!(.configure(|b| b.label(#label))));
    }
    for r in &m.references {
        let (key, to) = (&r.key, &r.to);
        let optional = r.optional.then(|| quote!(.optional()));
        let clear = r
            .clear
            .then(|| quote!(.on_delete(::rtux::action::OnDelete::Clear)));
        steps.push(quote!(.configure(|b| b.reference(#key, ::rtux::action::Reference::to(#to) #optional #clear))));
    }
    match m.drafts {
        Some(Some(ttl)) => {
            let ttl = duration(ttl);
            steps.push(quote!(.configure(|b| b.drafts(#ttl))));
        }
        Some(None) => steps.push(quote!(.configure(|b| b.drafts(::rtux::action::DRAFT_TTL)))),
        None => {}
    }
    if m.locks {
        steps.push(quote!(.configure(|b| b.locks())));
    }
    for (name, op) in &m.actions {
        steps.push(match op {
            Op::Create => quote!(.create(#name)),
            Op::Replace => quote!(.replace(#name)),
            Op::Editable => quote!(.editable(#name)),
            Op::ConfirmedDelete => quote!(.confirmed_delete(#name)),
            Op::Toggle(field) => quote!(.toggle(#name, #field)),
            Op::Increment(field) => quote!(.increment(#name, #field)),
            Op::UndoableDelete(None) => quote!(.undoable_delete(#name)),
            Op::UndoableDelete(Some(window)) => {
                let window = duration(*window);
                quote!(.undoable_delete_within(#name, #window))
            }
            Op::Insert(f) => handler(ActionKind::Insert, name, f),
            Op::ServerCorrects(f) => handler(ActionKind::ServerCorrects, name, f),
            Op::Pending(f) => handler(ActionKind::Pending, name, f),
            Op::ConfirmFirst(f) => handler(ActionKind::ConfirmFirst, name, f),
        });
    }
    steps
}

/// `.kind(name, handler)` (the builder's method is named as the kind is
/// spelled), spanned at the `with` string so a handler of the wrong type is
/// reported there.
fn handler(kind: ActionKind, name: &str, f: &Spanned<syn::Path>) -> TokenStream {
    let method = syn::Ident::new(kind.name(), proc_macro2::Span::call_site());
    let path = &f.value;
    quote!(.#method(#name, #path))
}

fn shape(s: Shape) -> TokenStream {
    let variant = match s {
        Shape::Avatar => quote!(Avatar),
        Shape::Title => quote!(Title),
        Shape::Lines(n) => {
            let n = Literal::usize_unsuffixed(n);
            quote!(Lines(#n))
        }
        Shape::Badge => quote!(Badge),
        Shape::Number => quote!(Number),
        Shape::Image => quote!(Image),
        Shape::Block => quote!(Block),
        Shape::Card => quote!(Card),
    };
    quote!(::rtux::ui::Skeleton::#variant)
}

/// Impls that compile whatever the attributes said.
pub(super) fn fallback(ident: &syn::Ident) -> TokenStream {
    let kind = ident.to_string();
    quote! {
        #[automatically_derived]
        impl ::rtux::model::Model for #ident {
            const TOPIC: &'static str = "";
            const ID_FIELD: &'static str = "";
            const VERSION_FIELD: &'static str = "";

            fn actions(
                builder: ::rtux::model::ModelBuilder<Self>,
            ) -> ::rtux::model::ModelBuilder<Self> {
                builder
            }
        }

        #[automatically_derived]
        impl ::rtux::ui::SkeletonView for #ident {
            const KIND: &'static str = #kind;
            const SHAPES: &'static [::rtux::ui::Skeleton] = &[];
        }
    }
}

//! The `policy!` macro of `ecr-policy`: ECR repository policies checked at compile time.
//!
//! Use it through `ecr_policy::policy!`, which documents the grammar; this crate holds the
//! implementation, `policy_impl!`, which `policy!` calls with the path of `ecr_policy`.
//!
//! The pipeline: `ast` parses the DSL (recovering at each `;`, so all errors show in one
//! compile), `validate` checks every literal with the catalogue's rules, `json` computes the
//! exact JSON length of a fully literal policy, `analyse` judges what a fully literal policy
//! grants (a security-warning is an error unless the statement marks it as meant), and
//! `expand` emits builder calls.

#![forbid(unsafe_code)]

mod analyse;
mod arn;
mod ast;
mod expand;
mod json;
mod kinds;
mod validate;
mod words;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;
use syn::parse::Parser;

/// Implementation of `ecr_policy::policy!`; not for direct use.
///
/// Input: `($crate) <dsl>`, or `($crate) @compact_json <dsl>`, which expands to
/// `Option<&'static str>`: the compact JSON computed at compile time, `None` when a slot is
/// interpolated (used by tests to check that computation against the renderer).
#[proc_macro]
pub fn policy_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    run(input.into()).into()
}

enum Mode {
    Value,
    CompactJson,
    /// `statement!`: one statement, yielding a `StatementBuilder`.
    Statement,
}

fn run(input: TokenStream) -> TokenStream {
    let mut tokens = input.into_iter();
    let krate = match tokens.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => g.stream(),
        _ => {
            return quote! {
                ::core::compile_error!("`policy_impl!` is internal: use `ecr_policy::policy!`")
            }
        }
    };
    let rest: Vec<TokenTree> = tokens.collect();
    let (mode, dsl): (Mode, TokenStream) = match rest.as_slice() {
        [TokenTree::Punct(at), TokenTree::Ident(word), dsl @ ..]
            if at.as_char() == '@' && word == "compact_json" =>
        {
            (Mode::CompactJson, dsl.iter().cloned().collect())
        }
        [TokenTree::Punct(at), TokenTree::Ident(word), dsl @ ..]
            if at.as_char() == '@' && word == "statement" =>
        {
            (Mode::Statement, dsl.iter().cloned().collect())
        }
        _ => (Mode::Value, rest.into_iter().collect()),
    };
    // Every path of the expansion goes through `ecr_policy::__private`, which names each item
    // once, so the public layout of `ecr_policy` can change without touching the macro.
    let private = quote! { #krate::__private };
    let expander = expand::Expander {
        krate: &private,
        slots: std::cell::RefCell::new(Vec::new()),
        spliced: std::cell::Cell::new(false),
    };
    let mut errors = Vec::new();
    let parsed =
        (|input: syn::parse::ParseStream| Ok(ast::parse_policy(input, &mut errors))).parse2(dsl);
    let syntax = match parsed {
        Ok(syntax) => syntax,
        Err(e) => {
            // The parser consumes every token, so this is not expected; report it all the same.
            errors.push((0, e));
            ast::Policy {
                headers: Vec::new(),
                statements: Vec::new(),
            }
        }
    };
    if let Mode::Statement = mode {
        return lone_statement(&expander, &syntax, errors);
    }
    let template = validate::syntax_is_template(&syntax);
    let (policy, more) = validate::validate(&syntax, errors.is_empty());
    errors.extend(more);
    // In source order of the headers and statements they belong to.
    errors.sort_by_key(|(order, _)| *order);
    let mut errors: Vec<syn::Error> = errors.into_iter().map(|(_, e)| e).collect();
    let json = if errors.is_empty() && policy.kind == kinds::Kind::Repository {
        json::compact_json(&policy)
    } else {
        None
    };
    if let Some(text) = &json {
        let length = text.chars().count();
        if length > json::MAX_POLICY_LENGTH {
            errors.push(syn::Error::new(
                proc_macro2::Span::call_site(),
                format!(
                    "this policy's JSON has {length} characters: ECR stores at most {} (SetRepositoryPolicy's policyText limit)\nhelp: use bundles or patterns instead of long action lists, or merge statements that share their actions",
                    json::MAX_POLICY_LENGTH
                ),
            ));
        }
    }
    if errors.is_empty() {
        let mut found = analyse::check(&syntax, &policy);
        found.sort_by_key(|(order, _)| *order);
        errors.extend(found.into_iter().map(|(_, e)| e));
    }
    let compile_errors: TokenStream = errors.iter().map(syn::Error::to_compile_error).collect();
    match mode {
        Mode::CompactJson => match json {
            Some(text) if errors.is_empty() => quote! { ::core::option::Option::Some(#text) },
            _ => quote! { { #compile_errors ::core::option::Option::<&'static str>::None } },
        },
        Mode::Value if errors.is_empty() => expander.policy(&policy),
        Mode::Value | Mode::Statement => {
            let fallback =
                expander.fallback(template || policy.is_template(), kinds::kind_of(&syntax));
            quote! { { #compile_errors #fallback } }
        }
    }
}

/// `statement!`: exactly one statement of the grammar of `policy!`, checked the same way.
fn lone_statement(
    expander: &expand::Expander,
    syntax: &ast::Policy,
    mut errors: Vec<(usize, syn::Error)>,
) -> TokenStream {
    for (order, header) in &syntax.headers {
        let k = header.keyword();
        errors.push((
            *order,
            syn::Error::new(
                k.span(),
                format!("`{k}` is a header of a whole policy: `statement!` takes one statement\nhelp: give `{k}` in the `policy!` the statement is spliced into, or to the builder"),
            ),
        ));
    }
    for (order, s) in syntax.statements.iter().skip(1) {
        let at = s
            .effect
            .as_ref()
            .map_or_else(proc_macro2::Span::call_site, |e| e.span());
        errors.push((
            *order,
            syn::Error::new(
                at,
                "`statement!` takes one statement: write one `statement!` for each, or a `policy!`",
            ),
        ));
    }
    if let Some((order, s)) = syntax.statements.first() {
        if let Some((on, target)) = &s.target {
            if !matches!(target, ast::Target::Repo) {
                let error = syn::Error::new(
                    on.span(),
                    "`statement!` takes a statement of a repository policy (`on repo`)\nhelp: write the statements of the other kinds in their `policy!`",
                )
                .to_compile_error();
                let krate = expander.krate;
                return quote! { { #error #krate::StatementBuilder::allow() } };
            }
        }
        if let Some(splice) = &s.splice {
            errors.push((
                *order,
                syn::Error::new(
                    splice.group.span(),
                    "`statement!` takes a statement, not a splice: use the value itself",
                ),
            ));
        }
    }
    let (policy, more) = validate::validate(syntax, errors.is_empty());
    errors.extend(more);
    errors.sort_by_key(|(order, _)| *order);
    let krate = expander.krate;
    match policy.statements.first() {
        Some(s) if errors.is_empty() && s.splice.is_none() => expander.lone_statement(s),
        _ => {
            let compile_errors: TokenStream =
                errors.iter().map(|(_, e)| e.to_compile_error()).collect();
            quote! { { #compile_errors #krate::StatementBuilder::allow() } }
        }
    }
}

#[cfg(test)]
mod tests;

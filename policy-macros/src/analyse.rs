//! What a fully literal policy grants, judged at compile time by the analysis engine the lint
//! uses (`policy_analysis::findings`): a security-warning, or a lock-out, is a compile error on
//! the statement, with the lint's code and words, unless the statement carries the mark that
//! says it is meant (`Code::mark`: `public`, `external`, `any_source`, `lockout`).
//!
//! The policy is lowered into the engine's plain form as the builder writes it (principals
//! once each, bundles as their actions, tests with the same operator and key merged, the tests
//! `anyone except` adds). The policy's account (the `account` header, or the account a
//! template is bound to) is taken as the repository's owner. A policy with any `{expr}` other
//! than a Sid, or with a spliced statement, is only known at run time and is not judged here:
//! the lint judges it there. Policies of other kinds (registry, ECR Public, identity) are not
//! judged here either.

use proc_macro2::{Ident, Punct, Spacing, Span, TokenStream, TokenTree};

use policy_analysis::findings::{self, Code, Place};
use policy_analysis::ir;
use policy_analysis::Options;
use policy_catalogue::checks::SPARED_BY;
use policy_catalogue::{ConditionOperator, Operator};

use crate::ast::{self, PrincipalKind, Value};
use crate::json::PLACEHOLDER_ACCOUNT;
use crate::validate::{ActionItem, CondVal, Policy, Principal, Statement, Val, VersionVal};

/// What each mark says is meant, for the help of an error.
fn meant(code: Code) -> &'static str {
    match code {
        Code::PublicAccess => "anyone is meant to have this access",
        Code::ExternalPermissionsManagement => {
            "the other account is meant to have this access to the repository"
        }
        Code::ServicePrincipalWithoutSource => "the service may act for resources of any account",
        _ => "nobody is to change this policy again (ECR then needs `force`)",
    }
}

/// Whether `word` is a mark (`Code::mark` of some code).
pub fn is_mark(word: &str) -> bool {
    Code::ALL.iter().any(|c| c.mark() == Some(word))
}

/// The compile errors of a validated, fully literal policy: one per finding of a code the
/// macro refuses, at its statement, unless the statement is marked. `syntax` is the tree
/// `policy` was validated from, statement for statement.
pub fn check(syntax: &ast::Policy, policy: &Policy) -> Vec<(usize, syn::Error)> {
    // The findings judge repository policies; the other kinds are the lint's at run time.
    if policy.kind != crate::kinds::Kind::Repository {
        return Vec::new();
    }
    let Some((lowered, owner)) = lower(policy) else {
        return Vec::new();
    };
    let options = Options {
        owner,
        ..Options::default()
    };
    let mut errors = Vec::new();
    for f in findings::findings(&lowered, &options) {
        if !f.code.refused_at_compile_time() {
            continue;
        }
        let mark = f.code.mark();
        let at = f.statement.and_then(|i| syntax.statements.get(i));
        let marked =
            |s: &ast::Statement| mark.is_some_and(|word| s.marks.iter().any(|m| m == word));
        let (order, span) = match at {
            Some((order, s)) => {
                if marked(s) {
                    continue;
                }
                (*order, place(s, f.place))
            }
            // A lock-out no single deny causes: marked anywhere.
            None => {
                if syntax.statements.iter().any(|(_, s)| marked(s)) {
                    continue;
                }
                (0, range(Span::call_site(), Span::call_site()))
            }
        };
        let mut message = format!(
            "{}[{}]: {}\nhelp: {}",
            f.code.severity(),
            f.code.as_str(),
            f.message,
            f.hint
        );
        match (mark, at.and_then(|(_, s)| s.effect.as_ref())) {
            (Some(word), Some(effect)) => message.push_str(&format!(
                "\nhelp: if {}, write `{word}` before `{effect}`",
                meant(f.code)
            )),
            (Some(word), None) => message.push_str(&format!(
                "\nhelp: if {}, write `{word}` before the effect of a statement",
                meant(f.code)
            )),
            (None, _) => {}
        }
        errors.push((order, syn::Error::new_spanned(span, message)));
    }
    errors
}

/// Two tokens standing for the run from `first` to `last`, for an error over both.
fn range(first: Span, last: Span) -> TokenStream {
    let mut end = Punct::new('.', Spacing::Alone);
    end.set_span(last);
    [
        TokenTree::Ident(Ident::new("at", first)),
        TokenTree::Punct(end),
    ]
    .into_iter()
    .collect()
}

fn value_span(v: &Value) -> Span {
    match v {
        Value::Str(s) => s.span(),
        Value::Expr(g) => g.span(),
    }
}

/// The first and last spans of a principal.
fn principal_bounds(p: &ast::Principal) -> (Span, Span) {
    let last = match &p.kind {
        PrincipalKind::User(v, a) | PrincipalKind::Role(v, a) | PrincipalKind::Session(_, v, a) => {
            a.as_ref().map_or_else(|| value_span(v), value_span)
        }
        PrincipalKind::Account(v)
        | PrincipalKind::Service(v)
        | PrincipalKind::Org(v)
        | PrincipalKind::Arn(v) => value_span(v),
        PrincipalKind::Anyone => p.keyword.span(),
    };
    (p.keyword.span(), last)
}

fn last_span(tokens: &TokenStream) -> Span {
    tokens
        .clone()
        .into_iter()
        .last()
        .map_or_else(Span::call_site, |t| t.span())
}

fn action_span(a: &ast::Action) -> Span {
    match a {
        ast::Action::Word(w) => w.span(),
        ast::Action::Prefixed(_, t) | ast::Action::Public(_, t) => last_span(t),
        ast::Action::Str(s) => s.span(),
        ast::Action::Expr(g) => g.span(),
    }
}

/// The tokens of the part of `s` a finding is about.
fn place(s: &ast::Statement, place: Place) -> TokenStream {
    let start = s.effect.as_ref().map_or_else(Span::call_site, Ident::span);
    let whole = || {
        let end = s
            .actions
            .last()
            .map(action_span)
            .or_else(|| s.principals.last().map(|p| principal_bounds(p).1))
            .unwrap_or(start);
        range(start, end)
    };
    match place {
        Place::Principal => match (s.principals.first(), s.principals.last()) {
            (Some(first), Some(last)) => range(principal_bounds(first).0, principal_bounds(last).1),
            _ => whole(),
        },
        Place::Service(n) => {
            // The `n`th service once each, as the builder keeps them.
            let mut seen: Vec<String> = Vec::new();
            let found = s.principals.iter().find(|p| match &p.kind {
                PrincipalKind::Service(Value::Str(name)) => {
                    let name = name.value();
                    if seen.contains(&name) {
                        return false;
                    }
                    seen.push(name);
                    seen.len() == n + 1
                }
                _ => false,
            });
            found.map_or_else(whole, |p| {
                let (first, last) = principal_bounds(p);
                range(first, last)
            })
        }
        Place::Policy | Place::Statement | Place::Condition(_) => whole(),
    }
}

/// The policy in the engine's form, with the owning account when the policy names its own;
/// `None` when some part is known only at run time.
fn lower(policy: &Policy) -> Option<(ir::Policy, Option<String>)> {
    let (account, owner) = match &policy.account {
        Some(Val::Lit(a)) => (a.as_str(), Some(a.clone())),
        Some(Val::Expr(_)) => return None,
        None if policy.is_template() => (PLACEHOLDER_ACCOUNT, Some(PLACEHOLDER_ACCOUNT.into())),
        None => (PLACEHOLDER_ACCOUNT, None),
    };
    let variables = match &policy.version {
        None => true,
        Some(VersionVal::Variant(v)) => *v != "V2008_10_17",
        Some(VersionVal::Expr(_)) => return None,
    };
    let statements = policy
        .statements
        .iter()
        .map(|s| statement(s, account))
        .collect::<Option<Vec<_>>>()?;
    Some((
        ir::Policy {
            statements,
            variables,
        },
        owner,
    ))
}

fn statement(s: &Statement, account: &str) -> Option<ir::Statement> {
    if s.splice.is_some() {
        return None;
    }
    let mut items: Vec<ir::PrincipalItem> = Vec::new();
    let mut conditions: Vec<ir::Condition> = Vec::new();
    for p in &s.principals {
        let item = match p {
            Principal::Org(o) => {
                push(
                    &mut conditions,
                    ConditionOperator::new(Operator::StringEquals),
                    "aws:PrincipalOrgID",
                    vec![o.lit()?.to_owned()],
                );
                ir::PrincipalItem::Anyone
            }
            Principal::Anyone => ir::PrincipalItem::Anyone,
            Principal::Service(n) => ir::PrincipalItem::Service(n.lit()?.to_owned()),
            other => ir::PrincipalItem::aws(&principal_arn(other, account)?),
        };
        if !items.contains(&item) {
            items.push(item);
        }
    }
    let mut actions: Vec<String> = Vec::new();
    for a in &s.actions {
        match a {
            ActionItem::Bundle(b) => actions.extend(b.actions().iter().map(|a| a.as_str().into())),
            ActionItem::Action(a) => actions.push(a.as_str().into()),
            ActionItem::Pattern(p) => actions.push(p.clone()),
            // Actions of other kinds, which are not judged here.
            ActionItem::PublicBundle(_)
            | ActionItem::Public(_)
            | ActionItem::Other(_)
            | ActionItem::Expr(_) => return None,
        }
    }
    for c in &s.conditions {
        let mut values = Vec::new();
        for v in &c.values {
            values.push(match v {
                CondVal::Str(s) => s.clone(),
                CondVal::Bool(b) => b.to_string(),
                CondVal::Num(n) => n.to_string(),
                CondVal::Expr(_) | CondVal::Account(_) | CondVal::Org(_) => return None,
            });
        }
        push(&mut conditions, c.operator, c.key.lit()?, values);
    }
    // `deny anyone except`: the tests the builder's `spare` adds.
    let (mut arns, mut accounts, mut services) = (Vec::new(), Vec::new(), Vec::new());
    for p in &s.spared {
        match p {
            Principal::Arn(crate::arn::Arn::Account { account, .. }) => {
                accounts.push(account.clone());
            }
            Principal::Account(a) => accounts.push(a.lit()?.to_owned()),
            Principal::Service(n) => services.push(n.lit()?.to_owned()),
            Principal::Named { .. } | Principal::Arn(_) => arns.push(principal_arn(p, account)?),
            _ => return None,
        }
    }
    for ((operator, key), values) in SPARED_BY.into_iter().zip([arns, accounts, services]) {
        if !values.is_empty() {
            push(
                &mut conditions,
                ConditionOperator::new(operator),
                key,
                values,
            );
        }
    }
    Some(ir::Statement {
        sid: s.sid.as_ref().and_then(Val::lit).map(str::to_owned),
        effect: if s.deny {
            ir::Effect::Deny
        } else {
            ir::Effect::Allow
        },
        principal: Some(ir::Principals {
            negated: s.not_principal,
            items,
        }),
        actions: ir::Actions {
            negated: s.not_action,
            items: actions,
        },
        resources: None,
        conditions,
    })
}

/// Adds a test, merged into one with the same operator and key as the builder merges them.
fn push(
    conditions: &mut Vec<ir::Condition>,
    operator: ConditionOperator,
    key: &str,
    values: Vec<String>,
) {
    match conditions
        .iter_mut()
        .find(|c| c.operator == operator && c.key == key)
    {
        Some(c) => c.values.extend(values),
        None => conditions.push(ir::Condition::new(operator, key, values)),
    }
}

/// The ARN of a user, role, session, account or ARN principal, with `account` for the
/// policy's own.
fn principal_arn(p: &Principal, account: &str) -> Option<String> {
    Some(match p {
        Principal::Named {
            role,
            path,
            name,
            account: own,
        } => {
            let kind = if *role { "role" } else { "user" };
            let acct = own.as_ref().map_or(Some(account), Val::lit)?;
            let path = path.as_deref().unwrap_or("/");
            format!("arn:aws:iam::{acct}:{kind}{path}{}", name.lit()?)
        }
        Principal::Session {
            role,
            session,
            account: own,
        } => {
            let acct = own.as_ref().map_or(Some(account), Val::lit)?;
            format!(
                "arn:aws:sts::{acct}:assumed-role/{}/{}",
                role.lit()?,
                session.lit()?
            )
        }
        Principal::Account(a) => format!("arn:aws:iam::{}:root", a.lit()?),
        Principal::Arn(a) => a.text(),
        _ => return None,
    })
}

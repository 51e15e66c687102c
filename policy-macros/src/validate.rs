//! Checks the syntax tree against the catalogue and the naming rules, producing the checked
//! policy that `expand` turns into builder calls. Every error is collected, each spanned on the
//! offending token.

use std::collections::HashMap;

use policy_catalogue::checks::{condition_value_problem, corrected_value, is_other_service_action};
use policy_catalogue::rules::{
    self, check_account_id, check_condition_key, check_iam_path, check_ip_or_cidr,
    check_organization_id, check_policy_id, check_role_name, check_service_principal,
    check_session_name, check_sid, check_user_name, RuleViolation,
};
use policy_catalogue::{
    known_key, Action, ActionPattern, Bundle, ConditionOperator, KeyType, Operator, OperatorFamily,
    PublicAction, ResourceType, KNOWN_KEYS,
};
use proc_macro2::{Group, Span, TokenStream};
use syn::LitStr;

use crate::arn::{self, Arn};
use crate::ast::{self, CondKind, CondValue, Header, PrincipalKind, Value};
use crate::kinds::{self, Kind, Resource};
use crate::words::{self, suggest};

/// A naming rule of the catalogue, e.g. `check_account_id`.
type Rule = fn(&str) -> Result<(), RuleViolation>;

/// A checked literal, or an interpolated expression (a `{ ... }` group).
#[derive(Clone)]
pub enum Val {
    Lit(String),
    Expr(Group),
}

impl Val {
    pub fn lit(&self) -> Option<&str> {
        match self {
            Val::Lit(s) => Some(s),
            Val::Expr(_) => None,
        }
    }
}

pub enum Principal {
    /// A user (`role: false`) or role in the policy's account or the given one.
    Named {
        role: bool,
        path: Option<String>,
        name: Val,
        account: Option<Val>,
    },
    Session {
        role: Val,
        session: Val,
        account: Option<Val>,
    },
    Account(Val),
    Service(Val),
    Anyone,
    Org(Val),
    Arn(Arn),
    ArnExpr(Group),
}

impl Principal {
    /// Whether the principal lives in the policy's account.
    pub fn needs_policy_account(&self) -> bool {
        matches!(
            self,
            Principal::Named { account: None, .. } | Principal::Session { account: None, .. }
        )
    }
}

pub enum ActionItem {
    Bundle(Bundle),
    /// A bundle in an ECR Public repository policy: the `ecr-public:` actions of its names.
    PublicBundle(Bundle),
    Action(Action),
    Public(PublicAction),
    /// Another service's action, in an identity policy (`"sts:GetServiceBearerToken"`).
    Other(String),
    Pattern(String),
    Expr(Group),
}

pub enum CondVal {
    Str(String),
    Bool(bool),
    Num(u64),
    /// Any `ConditionValue`.
    Expr(Group),
    /// An `AccountId`.
    Account(Group),
    /// An `OrgId`.
    Org(Group),
}

pub struct Condition {
    pub operator: ConditionOperator,
    /// A checked key, or an interpolated `ConditionKey`.
    pub key: Val,
    pub values: Vec<CondVal>,
}

pub struct Statement {
    /// A spliced statement (`false`) or list of them (`true`), in place of the parts below.
    pub splice: Option<(bool, Group)>,
    pub sid: Option<Val>,
    pub deny: bool,
    pub principals: Vec<Principal>,
    pub not_principal: bool,
    /// The principals `deny anyone except` spares (the principal is then `anyone`).
    pub spared: Vec<Principal>,
    pub actions: Vec<ActionItem>,
    pub not_action: bool,
    pub conditions: Vec<Condition>,
    /// The resources of a registry or identity policy's statement.
    pub resources: Vec<Resource>,
}

pub enum VersionVal {
    Variant(&'static str),
    Expr(Group),
}

pub struct Policy {
    pub kind: Kind,
    pub version: Option<VersionVal>,
    pub id: Option<Val>,
    pub account: Option<Val>,
    pub region: Option<Val>,
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Whether the macro yields a `PolicyTemplate` (some principal waits for an account).
    pub fn is_template(&self) -> bool {
        self.kind == Kind::Repository
            && self.account.is_none()
            && self.statements.iter().any(|s| {
                s.splice.is_some()
                    || s.principals
                        .iter()
                        .chain(&s.spared)
                        .any(Principal::needs_policy_account)
            })
    }
}

/// Whether the syntax tree, even with errors, yields a `PolicyTemplate`: decides the type of
/// the fallback value, so that an error causes no type errors elsewhere.
pub fn syntax_is_template(policy: &ast::Policy) -> bool {
    if kinds::kind_of(policy) != Kind::Repository {
        return false;
    }
    let has_account = policy
        .headers
        .iter()
        .any(|(_, h)| matches!(h, Header::Account(..)));
    !has_account
        && policy.statements.iter().any(|(_, s)| {
            s.splice.is_some()
                || s.principals.iter().any(|p| {
                    matches!(
                        p.kind,
                        PrincipalKind::User(_, None)
                            | PrincipalKind::Role(_, None)
                            | PrincipalKind::Session(_, _, None)
                    )
                })
        })
}

/// Errors with the position of the item (header or statement) they belong to.
pub struct Errors {
    list: Vec<(usize, syn::Error)>,
    pub item: usize,
    /// The kind of the policy, which decides the actions it may hold.
    pub kind: Kind,
    /// Whether the statement being read grants the actions it lists (an `allow` without
    /// `except`), which a repository policy cannot do for some of them.
    pub grants: bool,
}

/// Where an error points: one token, or a run of tokens (`ecr:Put Image`, `ForAnyValue:StringLike`).
#[derive(Clone)]
pub enum At {
    Token(Span),
    Tokens(TokenStream),
}

impl From<Span> for At {
    fn from(span: Span) -> Self {
        At::Token(span)
    }
}

impl From<&TokenStream> for At {
    fn from(tokens: &TokenStream) -> Self {
        At::Tokens(tokens.clone())
    }
}

impl Errors {
    pub fn at(&mut self, at: impl Into<At>, message: impl std::fmt::Display) {
        let error = match at.into() {
            At::Token(span) => syn::Error::new(span, message),
            At::Tokens(tokens) => syn::Error::new_spanned(tokens, message),
        };
        self.list.push((self.item, error));
    }
}

/// The message for a broken naming rule, with the value probably meant.
fn violation(e: &RuleViolation) -> String {
    match corrected_value(e) {
        Some(fix) => format!("{e}\nhelp: write \"{}\"", fix.escape_debug()),
        None => e.to_string(),
    }
}

/// A literal checked by a catalogue rule (the same one the runtime constructor runs).
pub fn checked(value: &Value, rule: Rule, errors: &mut Errors) -> Val {
    match value {
        Value::Str(s) => {
            let text = s.value();
            if let Err(e) = rule(&text) {
                errors.at(s.span(), violation(&e));
            }
            Val::Lit(text)
        }
        Value::Expr(g) => Val::Expr(g.clone()),
    }
}

/// Checks the whole policy; every problem found is returned, in source order per statement.
///
/// `parsed_whole` is false when a syntax error made the parser skip input, which may have held
/// the statements: a missing statement is then not reported.
pub fn validate(policy: &ast::Policy, parsed_whole: bool) -> (Policy, Vec<(usize, syn::Error)>) {
    let mut errors = Errors {
        list: Vec::new(),
        item: 0,
        kind: kinds::kind_of(policy),
        grants: false,
    };
    let mut out = Policy {
        kind: errors.kind,
        version: None,
        id: None,
        account: None,
        region: None,
        statements: Vec::new(),
    };
    let mut seen_headers: HashMap<&'static str, Span> = HashMap::new();
    for (order, header) in &policy.headers {
        errors.item = *order;
        let (name, keyword) = match header {
            Header::Version(k, _) => ("version", k),
            Header::Id(k, _) => ("id", k),
            Header::Account(k, _) => ("account", k),
            Header::Region(k, _) => ("region", k),
        };
        if seen_headers.insert(name, keyword.span()).is_some() {
            errors.at(
                keyword.span(),
                format!("`{name}` is given twice: a policy has one {name}"),
            );
        }
        match header {
            Header::Version(_, Value::Str(s)) => {
                let text = s.value();
                match rules::check_version(&text) {
                    Ok(()) if text == "2008-10-17" => {
                        out.version = Some(VersionVal::Variant("V2008_10_17"));
                    }
                    Ok(()) => out.version = Some(VersionVal::Variant("V2012_10_17")),
                    Err(e) => errors.at(s.span(), e),
                }
            }
            Header::Version(_, Value::Expr(g)) => out.version = Some(VersionVal::Expr(g.clone())),
            Header::Id(_, v) => out.id = Some(checked(v, check_policy_id, &mut errors)),
            Header::Account(_, v) => out.account = Some(checked(v, check_account_id, &mut errors)),
            Header::Region(_, v) => out.region = Some(checked(v, rules::check_region, &mut errors)),
        }
    }
    let mut sids: HashMap<String, Span> = HashMap::new();
    // Statements cut short by a syntax error are checked too, as far as they were read.
    for (order, statement) in &policy.statements {
        errors.item = *order;
        out.statements.push(statement_of(
            statement,
            &mut sids,
            &out.account,
            &mut errors,
        ));
    }
    kinds::check(policy, &mut out, &mut errors);
    if policy.statements.is_empty() && parsed_whole {
        errors.at(
            Span::call_site(),
            "a policy needs at least one statement, e.g. `allow user \"name\" pull on repo`",
        );
    }
    (out, errors.list)
}

fn statement_of(
    s: &ast::Statement,
    sids: &mut HashMap<String, Span>,
    policy_account: &Option<Val>,
    errors: &mut Errors,
) -> Statement {
    if let Some(splice) = &s.splice {
        // What a spliced statement holds is known at run time: `build` checks it.
        return Statement {
            splice: Some((splice.many, splice.group.clone())),
            sid: None,
            deny: false,
            principals: Vec::new(),
            not_principal: false,
            spared: Vec::new(),
            actions: Vec::new(),
            not_action: false,
            conditions: Vec::new(),
            resources: Vec::new(),
        };
    }
    let sid = s.sid.as_ref().map(|v| {
        let val = checked(v, check_sid, errors);
        if let (Val::Lit(text), Value::Str(lit)) = (&val, v) {
            if let Some(first) = sids.get(text) {
                errors.at(
                    lit.span(),
                    format!("duplicate Sid \"{text}\": Sids must be unique within a policy\nhelp: rename this statement or the first one"),
                );
                errors.at(*first, format!("the Sid \"{text}\" is first used here"));
            } else {
                sids.insert(text.clone(), lit.span());
            }
        }
        val
    });
    let deny = s.effect.as_ref().is_some_and(|e| e == "deny");
    if let (Some(except), Some(_), false) = (&s.not_principal, &s.effect, deny) {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
        errors.at(
            except.span(),
            "`allow anyone except ...` cannot work: AWS does not support NotPrincipal with Allow, which would grant everyone else, anonymous callers included\nhelp: name the principals to allow, or deny everyone else with `deny anyone except ...`",
        );
    }
    let (mut principals, principal_spans) = principals_of(s, policy_account, errors);
    // A statement of another kind than the policy's is refused as such (`kinds`): its actions
    // are not judged as the policy's kind would grant them, one error instead of two.
    errors.grants = !deny
        && s.not_action.is_none()
        && s.target
            .as_ref()
            .is_none_or(|(_, t)| Kind::of(t) == errors.kind);
    let actions = actions_of(s, errors);
    errors.grants = false;
    let mut conditions = Vec::new();
    let mut tested: Vec<(ConditionOperator, String)> = Vec::new();
    for p in &s.principals {
        if let PrincipalKind::Org(_) = p.kind {
            tested.push((
                ConditionOperator::new(Operator::StringEquals),
                "aws:principalorgid".to_owned(),
            ));
        }
    }
    for c in &s.conditions {
        if let Some((condition, span)) = condition_of(c, errors) {
            let key = condition.key.lit().map(str::to_ascii_lowercase);
            if let Some(key) = key.filter(|key| {
                tested
                    .iter()
                    .all(|(op, k)| !(*op == condition.operator && k == key))
            }) {
                tested.push((condition.operator, key));
            } else if let Some(key) = condition.key.lit() {
                let message = format!(
                    "`{} {}` is tested twice in this statement: the values of one key are alternatives (any may match), so two tests would not both have to hold\nhelp: give all values in one list, e.g. `[\"a\", \"b\"]`, or write a second statement",
                    condition.operator, key
                );
                errors.at(span, message);
            }
            conditions.push(condition);
        }
    }
    let mut not_principal = s.not_principal.is_some();
    let mut spared_principals = Vec::new();
    if deny && not_principal {
        spared_principals = spared(principals, &principal_spans, errors);
        principals = vec![Principal::Anyone];
        not_principal = false;
    }
    Statement {
        splice: None,
        sid,
        deny,
        principals,
        not_principal,
        spared: spared_principals,
        actions,
        not_action: s.not_action.is_some(),
        conditions,
        resources: Vec::new(),
    }
}

/// Splits `"path/name"` into the IAM path `/path/` and the name.
fn split_path(text: &str) -> (Option<String>, &str) {
    match text.rfind('/') {
        Some(i) => {
            let dir = text[..i].trim_start_matches('/');
            (Some(format!("/{dir}/")), &text[i + 1..])
        }
        None => (None, text),
    }
}

fn named(value: &Value, kind: &str, rule: Rule, errors: &mut Errors) -> (Option<String>, Val) {
    match value {
        Value::Str(s) => {
            let text = s.value();
            if text.starts_with("arn:") {
                // Read as a path and name, an ARN would pass the name rules and name another user.
                errors.at(
                    s.span(),
                    format!("`{kind}` takes the IAM {kind} name (\"name\" or \"path/name\"), not an ARN\nhelp: write `arn \"{}\"`", text.escape_debug()),
                );
                return (None, Val::Lit(text));
            }
            let (path, name) = split_path(&text);
            if let Some(path) = &path {
                if let Err(e) = check_iam_path(path) {
                    errors.at(
                        s.span(),
                        format!("{e}\nhelp: write a path and name as \"ci/deployer\""),
                    );
                }
            }
            if let Err(e) = rule(name) {
                errors.at(s.span(), e);
            }
            (path, Val::Lit(name.to_owned()))
        }
        Value::Expr(g) => (None, Val::Expr(g.clone())),
    }
}

fn principals_of(
    s: &ast::Statement,
    policy_account: &Option<Val>,
    errors: &mut Errors,
) -> (Vec<Principal>, Vec<Span>) {
    let mut out = Vec::new();
    let mut spans = Vec::new();
    let mut seen: Vec<(String, Span)> = Vec::new();
    let several = s.principals.len() > 1;
    let account_text = |a: &Option<Val>| match a {
        Some(Val::Lit(t)) => Some(t.clone()),
        Some(Val::Expr(_)) => None,
        None => match policy_account {
            Some(Val::Lit(t)) => Some(t.clone()),
            Some(Val::Expr(_)) => None,
            None => Some("<policy account>".to_owned()),
        },
    };
    for p in &s.principals {
        let keyword = p.keyword.span();
        let principal = match &p.kind {
            PrincipalKind::User(v, a) | PrincipalKind::Role(v, a) => {
                let role = matches!(p.kind, PrincipalKind::Role(..));
                let (kind, rule): (_, Rule) = if role {
                    ("role", check_role_name)
                } else {
                    ("user", check_user_name)
                };
                let (path, name) = named(v, kind, rule, errors);
                let account = a.as_ref().map(|a| checked(a, check_account_id, errors));
                Principal::Named {
                    role,
                    path,
                    name,
                    account,
                }
            }
            PrincipalKind::Session(r, n, a) => Principal::Session {
                role: checked(r, check_role_name, errors),
                session: checked(n, check_session_name, errors),
                account: a.as_ref().map(|a| checked(a, check_account_id, errors)),
            },
            PrincipalKind::Account(v) => Principal::Account(checked(v, check_account_id, errors)),
            PrincipalKind::Service(v) => {
                Principal::Service(checked(v, check_service_principal, errors))
            }
            PrincipalKind::Org(v) => Principal::Org(checked(v, check_organization_id, errors)),
            PrincipalKind::Anyone => Principal::Anyone,
            PrincipalKind::Arn(Value::Str(s)) => match arn::parse(&s.value()) {
                Ok(arn) => Principal::Arn(arn),
                Err(e) => {
                    errors.at(s.span(), e);
                    continue;
                }
            },
            PrincipalKind::Arn(Value::Expr(g)) => Principal::ArnExpr(g.clone()),
        };
        if s.not_principal.is_some() && matches!(principal, Principal::Anyone | Principal::Org(_)) {
            errors.at(
                keyword,
                "`anyone except` needs specific principals to exclude: `anyone` and `org` cannot be excepted",
            );
        } else if several && matches!(principal, Principal::Anyone) {
            errors.at(
                keyword,
                "`anyone` already covers every principal: drop the other principals of this statement, or drop `anyone`",
            );
        } else if several
            && matches!(principal, Principal::Org(_))
            && !s
                .principals
                .iter()
                .all(|q| matches!(q.kind, PrincipalKind::Org(_)))
        {
            errors.at(
                keyword,
                "`org` means anyone in the organization (Principal \"*\" with a condition on aws:PrincipalOrgID) and cannot share a statement with other principals\nhelp: write the other principals in a statement of their own",
            );
        }
        // Compare principals by the text they have in JSON; interpolated ones cannot be compared.
        let text = match &principal {
            Principal::Named {
                role,
                path,
                name: Val::Lit(name),
                account,
            } => account_text(account).map(|acct| {
                let kind = if *role { "role" } else { "user" };
                format!(
                    "arn:aws:iam::{acct}:{kind}{}{name}",
                    path.as_deref().unwrap_or("/")
                )
            }),
            Principal::Session {
                role: Val::Lit(r),
                session: Val::Lit(n),
                account,
            } => account_text(account)
                .map(|acct| format!("arn:aws:sts::{acct}:assumed-role/{r}/{n}")),
            Principal::Account(Val::Lit(a)) => Some(format!("arn:aws:iam::{a}:root")),
            Principal::Service(Val::Lit(n)) => Some(n.clone()),
            Principal::Org(Val::Lit(o)) => Some(format!("org {o}")),
            Principal::Anyone => Some("*".to_owned()),
            Principal::Arn(a) => Some(a.text()),
            _ => None,
        };
        if let Some(text) = text {
            if let Some((_, first)) = seen.iter().find(|(t, _)| *t == text) {
                errors.at(
                    keyword,
                    format!("duplicate principal `{text}` in this statement\nhelp: name each principal once"),
                );
                errors.at(
                    *first,
                    format!("the principal `{text}` is first named here"),
                );
            } else {
                seen.push((text, keyword));
            }
        }
        out.push(principal);
        spans.push(keyword);
    }
    (out, spans)
}

/// `deny anyone except P, Q`: the builder's `spare` writes `"Principal": "*"` with tests that
/// spare each excepted principal, the form AWS recommends over `NotPrincipal`
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>).
/// Kept here are the principals it can spare: users, roles, accounts and services. A session
/// cannot be singled out (aws:PrincipalArn holds its role's ARN), nor an interpolated ARN,
/// whose kind decides the test.
fn spared(principals: Vec<Principal>, spans: &[Span], errors: &mut Errors) -> Vec<Principal> {
    let mut out = Vec::new();
    for (principal, span) in principals.into_iter().zip(spans) {
        match principal {
            Principal::Arn(Arn::AssumedRole { role, .. }) => {
                errors.at(*span, session_message(&role));
            }
            Principal::Session { role, .. } => {
                errors.at(*span, session_message(role.lit().unwrap_or("name")));
            }
            Principal::ArnExpr(_) => errors.at(
                *span,
                "`anyone except arn {...}` cannot be written: the exception is a test of the principal's ARN or account, which depends on its kind\nhelp: write `user {...}`, `role {...}` or `account {...}`, or the ARN as a literal",
            ),
            // Reported by `principals_of`.
            Principal::Anyone | Principal::Org(_) => {}
            other => out.push(other),
        }
    }
    out
}

fn session_message(role: &str) -> String {
    format!("`anyone except` cannot spare one session: for a session, aws:PrincipalArn holds its role's ARN, the same for every session of the role\nhelp: except the role, `role \"{}\"`, which spares all its sessions", role.escape_debug())
}

fn actions_of(s: &ast::Statement, errors: &mut Errors) -> Vec<ActionItem> {
    let mut out = Vec::new();
    let mut seen: Vec<(String, At)> = Vec::new();
    for a in &s.actions {
        let (item, span) = match a {
            ast::Action::Word(ident) => {
                let text = ident.to_string();
                (
                    action_word(&text, ident.span(), errors),
                    At::from(ident.span()),
                )
            }
            ast::Action::Prefixed(name, tokens) => {
                let span = At::from(tokens);
                let item = if name.contains(['*', '?']) {
                    pattern(&format!("ecr:{name}"), span.clone(), errors)
                } else {
                    // AWS matches action names without regard to case; the catalogue's spelling
                    // is written.
                    match Action::ALL
                        .iter()
                        .find(|a| a.name().eq_ignore_ascii_case(name))
                    {
                        Some(action) if errors.kind == Kind::PublicRepository => {
                            kinds::private_action_in_public(action.name(), span.clone(), errors)
                        }
                        Some(action) => repository_action(*action, span.clone(), errors),
                        None => {
                            let names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                            let help = policy_catalogue::closest(name, names.iter().copied())
                                .map(|s| format!("\nhelp: did you mean `ecr:{s}`?"))
                                .unwrap_or_default();
                            errors.at(
                                span.clone(),
                                format!(
                                    "unknown ECR action `ecr:{name}`: expected one of the {} actions of the catalogue, e.g. `ecr:PutImage`{help}",
                                    Action::ALL.len(),
                                ),
                            );
                            None
                        }
                    }
                };
                (item, span)
            }
            ast::Action::Public(name, tokens)
                if matches!(errors.kind, Kind::PublicRepository | Kind::Identity) =>
            {
                let span = At::from(tokens);
                (kinds::public_action(name, span.clone(), errors), span)
            }
            ast::Action::Public(name, tokens) => {
                errors.at(
                    tokens,
                    public_action_message(&format!("ecr-public:{name}"), errors.kind),
                );
                continue;
            }
            ast::Action::Str(lit) => (action_string(lit, errors), At::from(lit.span())),
            ast::Action::Expr(g) => (Some(ActionItem::Expr(g.clone())), At::from(g.span())),
        };
        let Some(item) = item else { continue };
        let key = match &item {
            ActionItem::Bundle(b) | ActionItem::PublicBundle(b) => {
                Some(format!("bundle `{}`", b.keyword()))
            }
            ActionItem::Action(a) => Some(format!("action `{}`", a.name())),
            ActionItem::Public(a) => Some(format!("action `{}`", a.as_str())),
            ActionItem::Other(a) => Some(format!("action `{a}`")),
            ActionItem::Pattern(p) => Some(format!("pattern `{p}`")),
            ActionItem::Expr(_) => None,
        };
        if let Some(key) = key {
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                errors.at(
                    span,
                    format!("the {key} is listed twice in this statement\nhelp: list it once"),
                );
                errors.at(first.clone(), format!("the {key} is first listed here"));
            } else {
                seen.push((key, span));
            }
        }
        out.push(item);
    }
    out
}

fn action_word(text: &str, span: Span, errors: &mut Errors) -> Option<ActionItem> {
    if let Some(bundle) = Bundle::ALL.iter().find(|b| b.keyword() == text) {
        if errors.kind == Kind::PublicRepository {
            return kinds::public_bundle(*bundle, span, errors);
        }
        return Some(ActionItem::Bundle(*bundle));
    }
    if errors.kind == Kind::PublicRepository && PublicAction::from_name(text).is_some() {
        return kinds::public_action(text, At::from(span), errors);
    }
    if let Some(action) = Action::ALL
        .iter()
        .find(|a| a.name().eq_ignore_ascii_case(text))
    {
        return repository_action(*action, span, errors);
    }
    let message = if words::PRINCIPAL_KINDS.contains(&text) {
        format!("`{text}` is a principal kind, not an action\nhelp: separate principals with `,`, e.g. `user \"a\", {text} \"b\"`")
    } else {
        let bundles: Vec<&str> = Bundle::ALL.iter().map(|b| b.keyword()).collect();
        format!(
            "unknown action or bundle `{text}`: expected a bundle ({}) or an ECR action name such as PutImage{}",
            bundles.join(", "),
            suggest(text, &words::action_words())
        )
    };
    errors.at(span, message);
    None
}

fn repository_action(
    action: Action,
    span: impl Into<At>,
    errors: &mut Errors,
) -> Option<ActionItem> {
    if errors.kind == Kind::Repository
        && errors.grants
        && action.is_repository_action()
        && !action.is_granted_by_repository_policy()
    {
        // The catalogue's judgement, which the lint's not-granted-by-repository-policy and
        // the analysis share.
        let (why, help) = if action == Action::ReplicateImage {
            ("AWS requires the destination registry's policy to grant replication", "help: grant it to the source account in the destination's registry policy, with its `account` and `region` headers: `allow account \"SOURCE\" ReplicateImage, CreateRepository on registry`")
        } else {
            ("the repository it would create has no policy yet; identity policies and the registry policy grant it", "help: grant it in the caller's identity policy, with its `account` and `region` headers: `allow CreateRepository on repo \"NAME\"`; or in the registry policy (`on registry`)")
        };
        errors.at(
            span,
            format!(
                "`{}` cannot be granted by a repository policy: {why}\n{help}",
                action.as_str()
            ),
        );
        return None;
    }
    if action.resource_type() == ResourceType::Repository || errors.kind == Kind::Identity {
        return Some(ActionItem::Action(action));
    }
    if errors.kind == Kind::PublicRepository {
        return kinds::private_action_in_public(action.name(), span.into(), errors);
    }
    let help = if action == Action::GetAuthorizationToken {
        "help: grant it in the caller's identity policy, `policy! { allow GetAuthorizationToken on \"*\" }` (`docker login` needs it there)".to_owned()
    } else {
        format!(
            "help: it belongs in an identity policy, on \"*\": `policy! {{ allow {} on \"*\" }}`",
            action.name()
        )
    };
    errors.at(
        span,
        format!(
            "`{}` cannot be granted by a {}: it takes no repository resource\n{help}",
            action.as_str(),
            errors.kind.name()
        ),
    );
    None
}

fn pattern(text: &str, span: impl Into<At>, errors: &mut Errors) -> Option<ActionItem> {
    let span = span.into();
    if errors.kind != Kind::Repository && errors.kind != Kind::Registry {
        return kinds::pattern(text, span, errors);
    }
    match ActionPattern::new(text) {
        Err(e) => errors.at(span, e),
        Ok(p) if p.service() != "ecr" && p.as_str() != "*" => errors.at(
            span.clone(),
            format!(
                "`{text}` is not an ECR action pattern: a {} grants `ecr:` actions only",
                errors.kind.name()
            ),
        ),
        Ok(p) if p.matching_actions().is_empty() => errors.at(
            span.clone(),
            format!("the pattern `{text}` matches no ECR action: check its spelling"),
        ),
        Ok(p) => return Some(ActionItem::Pattern(p.as_str().to_owned())),
    }
    None
}

fn public_action_message(text: &str, kind: Kind) -> String {
    let name = text.split_once(':').map_or(text, |(_, name)| name);
    let policy = if kind == Kind::Registry {
        "a private registry's policy"
    } else {
        "the policy of a private ECR repository"
    };
    format!("`{text}` is an ECR Public action: it has no effect in {policy}\nhelp: use the `ecr:` action of the same name, `ecr:{name}`, or write the ECR Public repository's policy with `on public repo`")
}

fn action_string(lit: &LitStr, errors: &mut Errors) -> Option<ActionItem> {
    let text = lit.value();
    if text.contains(['*', '?']) {
        return pattern(&text, lit.span(), errors);
    }
    let service = text.split_once(':').map(|(s, _)| s);
    if errors.kind == Kind::Identity && is_other_service_action(&text) {
        return Some(ActionItem::Other(text));
    }
    if service.is_some_and(|s| s.eq_ignore_ascii_case("ecr-public")) {
        if matches!(errors.kind, Kind::PublicRepository | Kind::Identity) {
            let name = text.split_once(':').map_or("", |(_, n)| n);
            return kinds::public_action(name, At::from(lit.span()), errors);
        }
        errors.at(lit.span(), public_action_message(&text, errors.kind));
        return None;
    }
    match text.parse::<Action>() {
        Ok(action) => repository_action(action, lit.span(), errors),
        Err(e) => {
            let hint = if Bundle::ALL.iter().any(|b| b.keyword() == text) {
                format!("\nhelp: bundles are written without quotes: `{text}`")
            } else if text.contains("::") {
                format!(
                    "\nhelp: write one colon: \"{}\"",
                    text.replacen("::", ":", 1)
                )
            } else {
                String::new()
            };
            errors.at(lit.span(), format!("{e}{hint}"));
            None
        }
    }
}

fn operator(op: Operator, negated: bool) -> ConditionOperator {
    let op = match (op, negated) {
        (Operator::StringEquals, true) => Operator::StringNotEquals,
        (Operator::ArnLike, true) => Operator::ArnNotLike,
        (Operator::IpAddress, true) => Operator::NotIpAddress,
        (op, _) => op,
    };
    ConditionOperator::new(op)
}

/// How an interpolated value of a plain-word condition is typed.
type Typed = fn(Group) -> CondVal;

/// Strings (or `{expr}`) for a plain-word condition; `check` says what is wrong with a literal.
fn strings(
    values: &[CondValue],
    check: &dyn Fn(&str) -> Option<String>,
    typed: Typed,
    errors: &mut Errors,
) -> Vec<CondVal> {
    let mut out = Vec::new();
    for v in values {
        match v {
            CondValue::Str(s) => {
                let text = s.value();
                if let Some(problem) = check(&text) {
                    errors.at(s.span(), problem);
                }
                out.push(CondVal::Str(text));
            }
            CondValue::Expr(g) => out.push(typed(g.clone())),
            other => errors.at(other.span(), "expected a string or `{expression}` here"),
        }
    }
    out
}

fn condition_of(c: &ast::Condition, errors: &mut Errors) -> Option<(Condition, At)> {
    let negated = c.negated.is_some();
    let (operator, key, values, span) = match &c.kind {
        CondKind::SecureTransport(k) => (
            ConditionOperator::new(Operator::Bool),
            "aws:SecureTransport".to_owned(),
            vec![CondVal::Bool(!negated)],
            At::from(k.span()),
        ),
        CondKind::PrincipalTag(k, tag, values) => {
            let key = format!("aws:PrincipalTag/{}", tag.value());
            if tag.value().is_empty() {
                errors.at(tag.span(), "empty tag key: write the tag's key, e.g. `principal_tag \"team\" = \"platform\"`");
            } else if let Err(e) = check_condition_key(&key) {
                errors.at(tag.span(), e);
            }
            let values = strings(values, &|_| None, CondVal::Expr, errors);
            (
                operator(Operator::StringEquals, negated),
                key,
                values,
                At::from(k.span()),
            )
        }
        CondKind::Word(k, values) => {
            let word = k.to_string();
            let (op, key, rule, typed): (_, _, Option<Rule>, Typed) = match word.as_str() {
                "source_account" => (
                    Operator::StringEquals,
                    "aws:SourceAccount",
                    Some(check_account_id),
                    CondVal::Account,
                ),
                "source_arn" => (Operator::ArnLike, "aws:SourceArn", None, CondVal::Expr),
                "org" => (
                    Operator::StringEquals,
                    "aws:PrincipalOrgID",
                    Some(check_organization_id),
                    CondVal::Org,
                ),
                "principal_arn" => (Operator::ArnLike, "aws:PrincipalArn", None, CondVal::Expr),
                _ => (
                    Operator::IpAddress,
                    "aws:SourceIp",
                    Some(check_ip_or_cidr),
                    CondVal::Expr,
                ),
            };
            let check = |text: &str| match rule {
                Some(rule) => rule(text).err().map(|e| violation(&e)),
                None => condition_value_problem(op, key, text),
            };
            let values = strings(values, &check, typed, errors);
            (
                operator(op, negated),
                key.to_owned(),
                values,
                At::from(k.span()),
            )
        }
        CondKind::General(text, tokens, key, values) => {
            let span = At::from(tokens);
            if let Some(u) = &c.negated {
                errors.at(
                    u.span(),
                    format!("`unless` applies to the plain-word conditions only\nhelp: write `when` with the negated operator, e.g. `when StringNotEquals ...` for `unless StringEquals ...`; `{text}` is used as written"),
                );
            }
            let op = match text.parse::<ConditionOperator>() {
                Ok(op) => op,
                Err(e) => {
                    let help = e
                        .suggestion
                        .map(|s| format!("\nhelp: did you mean `{s}`?"))
                        .unwrap_or_default();
                    errors.at(
                        span.clone(),
                        format!("unknown condition operator `{text}`: {}; expected e.g. StringEquals, StringLike, ArnLike, IpAddress, Bool, with optional ForAnyValue:/ForAllValues: prefix and IfExists suffix{help}", e.reason),
                    );
                    return None;
                }
            };
            let key = match key {
                Value::Str(key) => key,
                Value::Expr(g) => {
                    // An interpolated key is a checked ConditionKey; its fit with the operator
                    // is not known at compile time.
                    let values = general_values(op, None, values, errors);
                    return Some((
                        Condition {
                            operator: op,
                            key: Val::Expr(g.clone()),
                            values,
                        },
                        span,
                    ));
                }
            };
            let key_text = key.value();
            if let Err(e) = check_condition_key(&key_text) {
                errors.at(key.span(), e);
                return None;
            }
            match known_key(&key_text) {
                Some(k) if !k.fits(op.operator) => {
                    let family = match k.value_type {
                        KeyType::String => "String",
                        KeyType::Arn => "Arn or String",
                        KeyType::Numeric => "Numeric",
                        KeyType::Date => "Date",
                        KeyType::Bool => "Bool",
                        KeyType::Ip => "IpAddress/NotIpAddress",
                        KeyType::Binary => "BinaryEquals",
                    };
                    errors.at(
                        span.clone(),
                        format!(
                            "`{}` does not fit `{}`, whose values are of type {:?}: use a {family} operator (or Null)",
                            op.operator, k.name, k.value_type
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    let names: Vec<&str> = KNOWN_KEYS
                        .iter()
                        .filter(|k| !k.is_prefix)
                        .map(|k| k.name)
                        .collect();
                    if let Some(near) = policy_catalogue::closest(&key_text, names.iter().copied())
                    {
                        errors.at(
                            key.span(),
                            format!("unknown condition key \"{key_text}\"\nhelp: did you mean \"{near}\"?"),
                        );
                    }
                }
            }
            let values = general_values(op, Some(&key_text), values, errors);
            (op, key_text, values, span)
        }
    };
    Some((
        Condition {
            operator,
            key: Val::Lit(key),
            values,
        },
        span,
    ))
}

/// The values of a condition, each checked against the operator and, for a literal `key`, the
/// key's type.
fn general_values(
    op: ConditionOperator,
    key: Option<&str>,
    values: &[CondValue],
    errors: &mut Errors,
) -> Vec<CondVal> {
    let family = op.operator.family();
    let mut out = Vec::new();
    for v in values {
        match v {
            CondValue::Str(s) => {
                let text = s.value();
                if let Some(p) = condition_value_problem(op.operator, key.unwrap_or(""), &text) {
                    errors.at(s.span(), p);
                }
                out.push(CondVal::Str(text));
            }
            CondValue::Bool(b) => {
                if matches!(family, OperatorFamily::Bool | OperatorFamily::Null) {
                    out.push(CondVal::Bool(b.value));
                } else {
                    errors.at(
                        b.span,
                        format!(
                            "`{}` does not take `true` or `false`: write a string",
                            op.operator
                        ),
                    );
                }
            }
            CondValue::Int(i) => match i.base10_parse::<u64>() {
                Ok(n) if i.suffix().is_empty() && family == OperatorFamily::Numeric => {
                    out.push(CondVal::Num(n))
                }
                Ok(_) if !i.suffix().is_empty() => {
                    errors.at(i.span(), "write the number without a type suffix")
                }
                Ok(_) => errors.at(
                    i.span(),
                    format!("`{}` does not take a number: write a string", op.operator),
                ),
                Err(e) => errors.at(i.span(), e),
            },
            CondValue::Expr(g) => out.push(CondVal::Expr(g.clone())),
        }
    }
    out
}

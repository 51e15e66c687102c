//! The syntax tree of the DSL, and its parser.
//!
//! The parser recovers at statement boundaries: an error inside one statement skips to the next
//! `;`, so every statement is checked in one compile. Every node keeps the spans of its tokens,
//! so each later error points at the offending token.

use std::cell::Cell;

use proc_macro2::{Group, Ident, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{LitBool, LitInt, LitStr, Token};

use policy_catalogue::closest;

use crate::words::{self, suggest};

/// A literal slot: a string, or `{expr}` interpolating a Rust value.
pub enum Value {
    Str(LitStr),
    Expr(Group),
}

/// A condition value: like [`Value`], plus `true`, `false` and unsigned integers.
pub enum CondValue {
    Str(LitStr),
    Bool(LitBool),
    Int(LitInt),
    Expr(Group),
}

impl CondValue {
    pub fn span(&self) -> Span {
        match self {
            CondValue::Str(s) => s.span(),
            CondValue::Bool(b) => b.span,
            CondValue::Int(i) => i.span(),
            CondValue::Expr(g) => g.span(),
        }
    }
}

pub enum Header {
    Version(Ident, Value),
    Id(Ident, Value),
    Account(Ident, Value),
    /// The Region of the registry a registry or identity policy names.
    Region(Ident, Value),
}

impl Header {
    pub fn keyword(&self) -> &Ident {
        match self {
            Header::Version(k, _)
            | Header::Id(k, _)
            | Header::Account(k, _)
            | Header::Region(k, _) => k,
        }
    }
}

/// Repositories after `on registry` or in an identity policy's `on`.
pub enum Repos {
    /// `repo "name"`.
    Named(Value),
    /// `repos "prefix*"`.
    Matching(Value),
    /// `"*"`, every resource (identity policies).
    Any,
    /// `arn "arn:..."`, any other resource by its ARN (identity policies).
    Arn(LitStr),
}

/// What a statement is `on`, which decides the kind of the policy.
pub enum Target {
    /// `on repo`: the private repository the policy is attached to.
    Repo,
    /// `on public repo`: the ECR Public repository the policy is attached to.
    PublicRepo,
    /// `on registry`, with the repositories of the registry (none: all of them).
    Registry(Vec<Repos>),
    /// `on repo "name"`, `on repos "prefix*"`, `on "*"`: the resources of an identity policy.
    Resources(Vec<Repos>),
}

pub enum PrincipalKind {
    User(Value, Option<Value>),
    Role(Value, Option<Value>),
    Session(Value, Value, Option<Value>),
    Account(Value),
    Service(Value),
    Anyone,
    Org(Value),
    Arn(Value),
}

pub struct Principal {
    /// The kind keyword (`user`, `role`, ...).
    pub keyword: Ident,
    pub kind: PrincipalKind,
}

pub enum Action {
    /// A bundle word or an action name: `push`, `PutImage`.
    Word(Ident),
    /// `ecr:PutImage`, `ecr:*`, `ecr:Batch*`: the name after `ecr:` and all tokens, for spans.
    Prefixed(String, TokenStream),
    /// `ecr-public:DescribeImages` written without quotes: the name after `ecr-public:` and all
    /// tokens, kept to report that a private repository's policy cannot use it.
    Public(String, TokenStream),
    Str(LitStr),
    Expr(Group),
}

pub enum CondKind {
    /// A plain word (`source_account`, ...) with its values.
    Word(Ident, Vec<CondValue>),
    /// `principal_tag "team" = "platform"`.
    PrincipalTag(Ident, LitStr, Vec<CondValue>),
    /// `secure_transport`.
    SecureTransport(Ident),
    /// `StringLike "aws:PrincipalArn" [...]`: the operator text, its tokens, key and values.
    General(String, TokenStream, Value, Vec<CondValue>),
}

pub struct Condition {
    /// `unless` rather than `when`.
    pub negated: Option<Ident>,
    pub kind: CondKind,
}

/// `{stmt}` (one statement) or `..{stmts}` (any number) spliced into a policy.
pub struct Splice {
    pub many: bool,
    pub group: Group,
}

pub struct Statement {
    /// A spliced statement or list of them, in place of the parts below.
    pub splice: Option<Splice>,
    pub sid: Option<Value>,
    /// The marks before the effect (`public`, ...): findings the statement means.
    pub marks: Vec<Ident>,
    pub effect: Option<Ident>,
    pub not_principal: Option<Ident>,
    pub principals: Vec<Principal>,
    pub not_action: Option<Ident>,
    pub actions: Vec<Action>,
    pub conditions: Vec<Condition>,
    /// The `on` keyword and what follows it.
    pub target: Option<(Ident, Target)>,
}

pub struct Policy {
    /// Headers with their position among the items of the policy.
    pub headers: Vec<(usize, Header)>,
    /// Statements with their position among the items of the policy.
    pub statements: Vec<(usize, Statement)>,
}

thread_local! {
    /// The span of the last token of the DSL, where errors at the end of input point: syn would
    /// point at the whole macro call.
    static LAST_TOKEN: Cell<Option<Span>> = const { Cell::new(None) };
}

/// An error at the next token, or at the last token written when the input has ended.
fn fail(input: ParseStream, message: impl std::fmt::Display) -> syn::Error {
    match LAST_TOKEN.get().filter(|_| input.is_empty()) {
        Some(span) => syn::Error::new(span, message),
        None => input.error(message),
    }
}

/// Parses the whole DSL, pushing every syntax error to `errors` with the position of the item
/// (header or statement) it belongs to.
pub fn parse_policy(input: ParseStream, errors: &mut Vec<(usize, syn::Error)>) -> Policy {
    let mut cursor = input.cursor();
    let mut last = None;
    while let Some((tt, next)) = cursor.token_tree() {
        last = Some(tt.span());
        cursor = next;
    }
    LAST_TOKEN.set(last);
    let mut policy = Policy {
        headers: Vec::new(),
        statements: Vec::new(),
    };
    let mut order = 0;
    while !input.is_empty() {
        order += 1;
        let mut header_errors = Vec::new();
        let result = match peek_word(input, 0).as_deref() {
            Some("version" | "id" | "account" | "region") => {
                parse_header(input, order, &mut policy, &mut header_errors)
            }
            _ => {
                let mut statement = Statement {
                    splice: None,
                    sid: None,
                    marks: Vec::new(),
                    effect: None,
                    not_principal: None,
                    principals: Vec::new(),
                    not_action: None,
                    actions: Vec::new(),
                    conditions: Vec::new(),
                    target: None,
                };
                let result = parse_statement(input, &mut statement);
                policy.statements.push((order, statement));
                result
            }
        };
        let header_error = !header_errors.is_empty();
        errors.extend(header_errors.into_iter().map(|e| (order, e)));
        if let Err(e) = result {
            errors.push((order, e));
            skip_past_semicolon(input);
            continue;
        }
        if input.is_empty() {
            break;
        }
        if input.peek(Token![;]) {
            let _ = input.parse::<Token![;]>();
            continue;
        }
        if header_error && starts_item(input) {
            continue;
        }
        errors.push((order, leftover(input)));
        skip_past_semicolon(input);
    }
    policy
}

/// Whether the next word begins a header or a statement.
fn starts_item(input: ParseStream) -> bool {
    matches!(
        peek_word(input, 0).as_deref(),
        Some("version" | "id" | "account" | "region" | "sid" | "allow" | "deny")
    ) || peek_word(input, 0).is_some_and(|w| crate::analyse::is_mark(&w))
}

fn leftover(input: ParseStream) -> syn::Error {
    let found = describe_next(input);
    let mut message =
        format!("unexpected {found} after the statement: expected `;`, `when`, `unless` or the end of the policy");
    if let Some(word) = peek_word(input, 0) {
        message.push_str(&suggest(&word, &["when", "unless", "and", "or"]));
    }
    fail(input, message)
}

fn skip_past_semicolon(input: ParseStream) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            rest = next;
            if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ';') {
                break;
            }
        }
        Ok(((), rest))
    });
}

/// The text of the `n`th next token if it is an identifier (keywords included).
pub fn peek_word(input: ParseStream, n: usize) -> Option<String> {
    let mut cursor = input.cursor();
    for _ in 0..n {
        cursor = cursor.token_tree()?.1;
    }
    cursor.ident().map(|(i, _)| i.to_string())
}

fn peek_punct(input: ParseStream, n: usize, ch: char) -> bool {
    let mut cursor = input.cursor();
    for _ in 0..n {
        match cursor.token_tree() {
            Some((_, next)) => cursor = next,
            None => return false,
        }
    }
    cursor.punct().is_some_and(|(p, _)| p.as_char() == ch)
}

/// "`token`" or "the end of the policy", for messages.
fn describe_next(input: ParseStream) -> String {
    match input.cursor().token_tree() {
        Some((TokenTree::Group(g), _)) => match g.delimiter() {
            proc_macro2::Delimiter::Brace => "`{ ... }`".to_owned(),
            proc_macro2::Delimiter::Bracket => "`[ ... ]`".to_owned(),
            proc_macro2::Delimiter::Parenthesis => "`( ... )`".to_owned(),
            proc_macro2::Delimiter::None => "a group".to_owned(),
        },
        Some((tt, _)) => format!("`{tt}`"),
        None => "the end of input".to_owned(),
    }
}

fn word(input: ParseStream) -> syn::Result<Ident> {
    input.call(Ident::parse_any)
}

fn parse_header(
    input: ParseStream,
    order: usize,
    policy: &mut Policy,
    errors: &mut Vec<syn::Error>,
) -> syn::Result<()> {
    let keyword = word(input)?;
    let name = keyword.to_string();
    if !policy.statements.is_empty() {
        errors.push(syn::Error::new(
            keyword.span(),
            format!(
                "`{name}` must come before the first statement: it applies to the whole policy"
            ),
        ));
    }
    let what = match name.as_str() {
        "version" => "the policy version, \"2012-10-17\" or \"2008-10-17\"",
        "id" => "the policy Id",
        "region" => "the registry's Region, e.g. \"us-west-2\"",
        _ => "the policy's account id, e.g. \"123456789012\"",
    };
    let value = parse_value(input, what)?;
    let missing_semicolon = !input.is_empty() && !input.peek(Token![;]);
    let error = missing_semicolon.then(|| {
        fail(
            input,
            format!(
                "expected `;` after `{name}`, found {}\nhelp: end each header with `;`",
                describe_next(input)
            ),
        )
    });
    let header = match name.as_str() {
        "version" => Header::Version(keyword, value),
        "id" => Header::Id(keyword, value),
        "region" => Header::Region(keyword, value),
        _ => Header::Account(keyword, value),
    };
    policy.headers.push((order, header));
    match error {
        // The next item is read as if the `;` were there, so its own mistakes show too.
        Some(e) if starts_item(input) => {
            errors.push(e);
            Ok(())
        }
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// A string literal or `{expr}`; `what` describes the slot for the error message.
fn parse_value(input: ParseStream, what: &str) -> syn::Result<Value> {
    if input.peek(LitStr) {
        return Ok(Value::Str(input.parse()?));
    }
    if input.peek(syn::token::Brace) {
        return parse_expr(input).map(Value::Expr);
    }
    Err(fail(
        input,
        format!(
            "expected {what} as a string literal or `{{expression}}`, found {}",
            describe_next(input)
        ),
    ))
}

fn parse_expr(input: ParseStream) -> syn::Result<Group> {
    match input.parse::<TokenTree>()? {
        TokenTree::Group(g) if g.stream().is_empty() => Err(syn::Error::new(
            g.span(),
            "empty `{}`: put a Rust expression inside, e.g. `{account_id}`",
        )),
        TokenTree::Group(g) => Ok(g),
        other => Err(syn::Error::new(other.span(), "expected `{expression}`")),
    }
}

fn parse_statement(input: ParseStream, s: &mut Statement) -> syn::Result<()> {
    let many = peek_punct(input, 0, '.') && peek_punct(input, 1, '.');
    if many {
        input.parse::<Token![..]>()?;
        if !input.peek(syn::token::Brace) {
            return Err(fail(
                input,
                format!(
                    "expected `{{statements}}` after `..`, found {}: `..{{list}}` splices every statement of a list, a `PolicyTemplate` or a `RepositoryPolicy`",
                    describe_next(input)
                ),
            ));
        }
    }
    if input.peek(syn::token::Brace) {
        s.splice = Some(Splice {
            many,
            group: parse_expr(input)?,
        });
        return Ok(());
    }
    let Some(first) = peek_word(input, 0) else {
        return Err(fail(
            input,
            format!(
                "expected a statement starting with `allow`, `deny` or `sid`, found {}",
                describe_next(input)
            ),
        ));
    };
    if first == "sid" {
        word(input)?;
        s.sid = Some(parse_value(input, "the statement id (Sid)")?);
    }
    while let Some(mark) = peek_word(input, 0).filter(|w| crate::analyse::is_mark(w)) {
        let ident = word(input)?;
        if s.marks.iter().any(|m| *m == mark) {
            return Err(syn::Error::new(
                ident.span(),
                format!("`{mark}` is given twice: write it once before the effect"),
            ));
        }
        s.marks.push(ident);
    }
    if s.sid.is_none() && peek_word(input, 0).as_deref() == Some("sid") && !s.marks.is_empty() {
        return Err(fail(
            input,
            format!(
                "`sid` comes first: write `sid \"name\" {} allow ...`",
                s.marks[0]
            ),
        ));
    }
    match peek_word(input, 0).as_deref() {
        Some("allow" | "deny") => s.effect = Some(word(input)?),
        Some(other) => {
            let (expected, candidates): (&str, &[&str]) = if !s.marks.is_empty() {
                ("`allow` or `deny` after the mark", &["allow", "deny"])
            } else if s.sid.is_some() {
                (
                    "`allow` or `deny` after the Sid",
                    &[
                        "allow",
                        "deny",
                        "public",
                        "external",
                        "any_source",
                        "lockout",
                    ],
                )
            } else {
                (
                    "a statement starting with `allow`, `deny` or `sid` (or `version`, `id`, `account` before the statements)",
                    &[
                        "allow", "deny", "sid", "version", "id", "account", "public", "external",
                        "any_source", "lockout",
                    ],
                )
            };
            let message = format!(
                "unknown keyword `{other}`: expected {expected}{}",
                suggest(other, candidates)
            );
            return Err(fail(input, message));
        }
        None => {
            let after = if !s.marks.is_empty() {
                " after the mark"
            } else if s.sid.is_some() {
                " after the Sid"
            } else {
                ""
            };
            return Err(fail(
                input,
                format!(
                    "expected `allow` or `deny`{after}, found {}",
                    describe_next(input)
                ),
            ));
        }
    }
    let ahead = target_ahead(input);
    let rest = (|| {
        // An identity policy's statement names no principal: its actions come first.
        if !(matches!(ahead, Some(Target::Resources(_))) && starts_actions(input)) {
            parse_principals(input, s)?;
        }
        parse_actions(input, s)?;
        s.target = Some(parse_target(input)?);
        parse_conditions(input, s)
    })();
    if let (Err(_), None, Some(target)) = (&rest, &s.target, ahead) {
        // The kind is known all the same, so that no error of another kind follows.
        s.target = Some((Ident::new("on", Span::call_site()), target));
    }
    rest
}

fn parse_principals(input: ParseStream, s: &mut Statement) -> syn::Result<()> {
    if peek_word(input, 0).as_deref() == Some("anyone")
        && peek_word(input, 1).as_deref() == Some("except")
        && peek_word(input, 2).is_some_and(|w| words::PRINCIPAL_KINDS.contains(&w.as_str()))
    {
        word(input)?;
        s.not_principal = Some(word(input)?);
    }
    let is_kind =
        |n| peek_word(input, n).is_some_and(|w| words::PRINCIPAL_KINDS.contains(&w.as_str()));
    if peek_word(input, 0).as_deref() == Some("anyone") && is_kind(2) {
        if let Some(near) = peek_word(input, 1).filter(|w| closest(w, ["except"]).is_some()) {
            word(input)?;
            return Err(fail(
                input,
                format!("unknown word `{near}` after `anyone`\nhelp: did you mean `except`? `anyone except role \"name\"` is everyone but the principals named"),
            ));
        }
    }
    loop {
        let principal = parse_principal(input)?;
        s.principals.push(principal);
        if peek_word(input, 0).as_deref() == Some("and") && is_kind(1) {
            return Err(fail(
                input,
                "principals are separated by `,`, not `and`\nhelp: use `,`, e.g. `user \"ci\", role \"deployer\"`",
            ));
        }
        let another = peek_punct(input, 0, ',') && is_kind(1);
        if !another {
            return Ok(());
        }
        input.parse::<Token![,]>()?;
    }
}

fn parse_principal(input: ParseStream) -> syn::Result<Principal> {
    let kinds = words::PRINCIPAL_KINDS.join(", ");
    let Some(kind) = peek_word(input, 0) else {
        let help = match input.fork().parse::<LitStr>() {
            Ok(s) if s.value() == "*" => {
                "\nhelp: everyone is written `anyone` (`\"Principal\": \"*\"` in JSON)"
            }
            Ok(_) => "\nhelp: name the principal's kind before it, e.g. `user \"name\"` or `arn \"arn:aws:iam::123456789012:role/name\"`",
            Err(_) => "",
        };
        return Err(fail(
            input,
            format!(
                "expected a principal ({kinds}), found {}{help}",
                describe_next(input)
            ),
        ));
    };
    if !words::PRINCIPAL_KINDS.contains(&kind.as_str()) {
        let message = if kind == "sid" {
            "`sid` comes before the effect: a statement reads `sid \"name\" allow ...`\nhelp: move `sid \"...\"` before `allow` or `deny`".to_owned()
        } else if kind == "on" || words::is_action_word(&kind) {
            let policy = kind_ahead(input);
            let identity = if policy == "repository policy" {
                "\nhelp: an identity policy names none; it reads `allow pull on repo \"name\"`"
            } else {
                ""
            };
            format!(
                "this statement has no principal: ECR requires one in every statement of a {policy}\nhelp: say who it applies to before the actions, e.g. `user \"name\"`; one of: {kinds}{identity}"
            )
        } else {
            format!(
                "unknown principal kind `{kind}`: expected one of {kinds}{}",
                suggest(&kind, &words::PRINCIPAL_KINDS)
            )
        };
        return Err(fail(input, message));
    }
    let keyword = word(input)?;
    let kind = match kind.as_str() {
        "user" => PrincipalKind::User(
            parse_value(input, "the IAM user name (optionally \"path/name\")")?,
            parse_in_account(input)?,
        ),
        "role" => PrincipalKind::Role(
            parse_value(input, "the IAM role name (optionally \"path/name\")")?,
            parse_in_account(input)?,
        ),
        "session" => PrincipalKind::Session(
            parse_value(input, "the role name of the session")?,
            parse_value(input, "the session name")?,
            parse_in_account(input)?,
        ),
        "account" => PrincipalKind::Account(parse_value(input, "the account id")?),
        "service" => PrincipalKind::Service(parse_value(
            input,
            "the service principal, e.g. \"codebuild.amazonaws.com\"",
        )?),
        "org" => PrincipalKind::Org(parse_value(
            input,
            "the organization id, e.g. \"o-a1b2c3d4e5\"",
        )?),
        "arn" => PrincipalKind::Arn(parse_value(input, "the principal's ARN")?),
        _ => PrincipalKind::Anyone,
    };
    if input.peek(Token![in]) && peek_word(input, 1).as_deref() == Some("account") {
        let why = match kind {
            PrincipalKind::Account(_) => "`account` names the account itself",
            PrincipalKind::Service(_) => "a service principal belongs to no account",
            PrincipalKind::Arn(_) => "the ARN names its account",
            PrincipalKind::Org(_) => "an organization spans its accounts",
            _ => "`anyone` is in every account",
        };
        return Err(fail(
            input,
            format!(
                "`in account` is for user, role and session: {why}\nhelp: remove `in account ...`"
            ),
        ));
    }
    Ok(Principal { keyword, kind })
}

fn parse_in_account(input: ParseStream) -> syn::Result<Option<Value>> {
    if !input.peek(Token![in]) {
        return Ok(None);
    }
    input.parse::<Token![in]>()?;
    if peek_word(input, 0).as_deref() != Some("account") {
        return Err(fail(
            input,
            format!(
                "expected `account` after `in` (`in account \"123456789012\"`), found {}",
                describe_next(input)
            ),
        ));
    }
    word(input)?;
    parse_value(input, "the account id").map(Some)
}

fn parse_actions(input: ParseStream, s: &mut Statement) -> syn::Result<()> {
    match peek_word(input, 0) {
        Some(w) if w == "except" => s.not_action = Some(word(input)?),
        Some(w)
            if !words::is_action_word(&w)
                && closest(&w, ["except"]).is_some()
                && peek_word(input, 1).is_some_and(|next| words::is_action_word(&next)) =>
        {
            return Err(fail(
                input,
                format!("unknown word `{w}` before the actions\nhelp: did you mean `except`? `except delete` is every action but those named"),
            ));
        }
        _ => {}
    }
    loop {
        if let Some(kind) =
            peek_word(input, 0).filter(|w| words::PRINCIPAL_KINDS.contains(&w.as_str()))
        {
            if s.actions.is_empty() && s.not_action.is_none() {
                return Err(fail(input, format!(
                    "`{kind}` names another principal: separate principals with `,`, e.g. `user \"a\", {kind} \"b\"`"
                )));
            }
        }
        if peek_word(input, 0).as_deref() == Some("on") || input.is_empty() || input.peek(Token![;])
        {
            let after = if s.actions.is_empty() {
                "the principals"
            } else {
                "`,`"
            };
            return Err(fail(input, format!(
                "expected an action or bundle after {after}, found {}: e.g. `pull`, `push`, `PutImage` or `ecr:Batch*`",
                describe_next(input)
            )));
        }
        let action = parse_action(input)?;
        s.actions.push(action);
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        } else {
            return Ok(());
        }
    }
}

fn parse_action(input: ParseStream) -> syn::Result<Action> {
    if input.peek(LitStr) {
        return Ok(Action::Str(input.parse()?));
    }
    if input.peek(syn::token::Brace) {
        return parse_expr(input).map(Action::Expr);
    }
    let prefix = peek_word(input, 0).filter(|w| w == "ecr");
    let public = prefix.is_some()
        && peek_punct(input, 1, '-')
        && peek_word(input, 2).as_deref() == Some("public")
        && peek_punct(input, 3, ':');
    if prefix.is_some() && (public || peek_punct(input, 1, ':')) {
        let mut tokens = TokenStream::new();
        let prefix_tokens = if public { 4 } else { 2 };
        for _ in 0..prefix_tokens {
            input.parse::<TokenTree>()?.to_tokens(&mut tokens);
        }
        let service = if public { "ecr-public" } else { "ecr" };
        // `ecr::Name`: a Rust path habit.
        let double_colon = peek_punct(input, 0, ':');
        if double_colon {
            input.parse::<TokenTree>()?.to_tokens(&mut tokens);
        }
        let mut name = String::new();
        let mut after_wildcard = true;
        loop {
            if peek_punct(input, 0, '*') || peek_punct(input, 0, '?') {
                let tt = input.parse::<TokenTree>()?;
                name.push_str(&tt.to_string());
                tt.to_tokens(&mut tokens);
                after_wildcard = true;
            } else if after_wildcard
                && peek_word(input, 0).is_some_and(|w| w != "on" && w != "except")
            {
                let ident = word(input)?;
                name.push_str(&ident.to_string());
                ident.to_tokens(&mut tokens);
                after_wildcard = false;
            } else {
                break;
            }
        }
        if name.is_empty() {
            return Err(fail(
                input,
                format!(
                    "expected an action name or `*` after `{service}:`, found {}",
                    describe_next(input)
                ),
            ));
        }
        if double_colon {
            return Err(syn::Error::new_spanned(
                tokens,
                format!(
                    "`{service}::{name}` has one colon too many\nhelp: write `{service}:{name}`"
                ),
            ));
        }
        if public {
            return Ok(Action::Public(name, tokens));
        }
        return Ok(Action::Prefixed(name, tokens));
    }
    if input.cursor().ident().is_some() {
        return Ok(Action::Word(word(input)?));
    }
    Err(fail(input, format!(
        "expected an action, found {}: a bundle (pull, push, ...), an action name (PutImage), `ecr:PutImage`, a pattern (`ecr:Batch*`), a string or `{{expression}}`",
        describe_next(input)
    )))
}

/// What the statement ahead is `on`, looking past the principals and actions to the first
/// `on` (without the repositories it names): the kind of the statement, known even when a
/// mistake before it stops the parser.
fn target_ahead(input: ParseStream) -> Option<Target> {
    let mut cursor = input.cursor();
    while let Some((tt, next)) = cursor.token_tree() {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ';' => return None,
            TokenTree::Ident(i) if i == "on" => {
                let (after, rest) = next.token_tree()?;
                return match &after {
                    TokenTree::Ident(w) if w == "repos" || w == "arn" => {
                        Some(Target::Resources(Vec::new()))
                    }
                    TokenTree::Ident(w) if w == "repo" => match rest.token_tree() {
                        Some((TokenTree::Literal(_) | TokenTree::Group(_), _)) => {
                            Some(Target::Resources(Vec::new()))
                        }
                        _ => Some(Target::Repo),
                    },
                    TokenTree::Ident(w) if w == "public" => Some(Target::PublicRepo),
                    TokenTree::Ident(w) if w == "registry" => Some(Target::Registry(Vec::new())),
                    TokenTree::Literal(_) => Some(Target::Resources(Vec::new())),
                    _ => None,
                };
            }
            _ => {}
        }
        cursor = next;
    }
    None
}

/// The kind of policy the `on` ahead names, in words.
fn kind_ahead(input: ParseStream) -> &'static str {
    match target_ahead(input) {
        Some(Target::Registry(_)) => "registry policy",
        Some(Target::PublicRepo) => "ECR Public repository policy",
        _ => "repository policy",
    }
}

/// Whether the next token begins an action list rather than a principal.
fn starts_actions(input: ParseStream) -> bool {
    match peek_word(input, 0) {
        Some(w) => !words::PRINCIPAL_KINDS.contains(&w.as_str()),
        None => input.peek(LitStr) || input.peek(syn::token::Brace),
    }
}

/// `repo "name"`, `repos "prefix*"` or `"*"`, separated by `,`.
fn parse_repos(input: ParseStream, first_any: bool) -> syn::Result<Vec<Repos>> {
    let mut out = Vec::new();
    loop {
        match peek_word(input, 0).as_deref() {
            Some("repo") => {
                word(input)?;
                out.push(Repos::Named(parse_value(input, "the repository name")?));
            }
            Some("repos") => {
                word(input)?;
                out.push(Repos::Matching(parse_value(
                    input,
                    "a pattern of repository names, e.g. \"prod-*\"",
                )?));
            }
            Some("arn") if first_any => {
                word(input)?;
                if !input.peek(LitStr) {
                    return Err(fail(
                        input,
                        format!(
                            "expected the resource's ARN as a string after `arn`, found {}",
                            describe_next(input)
                        ),
                    ));
                }
                out.push(Repos::Arn(input.parse()?));
            }
            _ if first_any && input.peek(LitStr) => {
                let lit: LitStr = input.parse()?;
                if lit.value() != "*" {
                    return Err(syn::Error::new(
                        lit.span(),
                        format!(
                            "expected `\"*\"`, `repo \"name\"` or `repos \"prefix*\"` after `on`, found {:?}\nhelp: name repositories with `repo` or `repos`; `\"*\"` is every resource",
                            lit.value()
                        ),
                    ));
                }
                out.push(Repos::Any);
            }
            _ => {
                return Err(fail(
                    input,
                    format!(
                        "expected `repo \"name\"` or `repos \"prefix*\"` after `,`, found {}",
                        describe_next(input)
                    ),
                ))
            }
        }
        let more = peek_punct(input, 0, ',')
            && (matches!(peek_word(input, 1).as_deref(), Some("repo" | "repos"))
                || (first_any && peek_word(input, 1).as_deref() == Some("arn"))
                || {
                    let fork = input.fork();
                    let _ = fork.parse::<Token![,]>();
                    first_any && fork.peek(LitStr)
                });
        if !more {
            return Ok(out);
        }
        input.parse::<Token![,]>()?;
    }
}

fn parse_target(input: ParseStream) -> syn::Result<(Ident, Target)> {
    match peek_word(input, 0).as_deref() {
        Some("on") => {
            let on = word(input)?;
            let target = match peek_word(input, 0).as_deref() {
                Some("repo") if input.peek2(LitStr) || input.peek2(syn::token::Brace) => {
                    Target::Resources(parse_repos(input, true)?)
                }
                Some("repos" | "arn") => Target::Resources(parse_repos(input, true)?),
                None if input.peek(LitStr) => Target::Resources(parse_repos(input, true)?),
                Some("repo") => {
                    word(input)?;
                    Target::Repo
                }
                Some("public") if peek_word(input, 1).as_deref() == Some("repo") => {
                    word(input)?;
                    word(input)?;
                    if input.peek(LitStr) || input.peek(syn::token::Brace) {
                        return Err(fail(input, "an ECR Public repository policy names no repository: it applies to the repository it is attached to\nhelp: write `on public repo`, and set the policy on the repository"));
                    }
                    Target::PublicRepo
                }
                Some("registry") => {
                    word(input)?;
                    if matches!(peek_word(input, 0).as_deref(), Some("repo" | "repos")) {
                        Target::Registry(parse_repos(input, false)?)
                    } else {
                        Target::Registry(Vec::new())
                    }
                }
                _ => {
                    return Err(fail(input, format!(
                        "expected `repo` after `on`, found {}: a repository policy applies to the repository it is attached to\nhelp: the other kinds read `on public repo` (ECR Public), `on registry` (a registry policy), and `on repo \"name\"`, `on repos \"prefix*\"` or `on \"*\"` (an identity policy)",
                        describe_next(input)
                    )))
                }
            };
            Ok((on, target))
        }
        _ if input.is_empty() || input.peek(Token![;]) => Err(fail(
            input,
            format!(
                "expected `on repo` after the actions, found {}: a statement reads `allow <principals> <actions> on repo`",
                describe_next(input)
            ),
        )),
        _ => Err(fail(input, format!(
            "expected `,` or `on repo` after the action, found {}",
            describe_next(input)
        ))),
    }
}

/// `when a and b`: every test must hold. `unless a or b`: the statement applies unless one of
/// them holds; in JSON both are tests that must all hold, `unless` using the negated operators
/// (De Morgan), so `unless` joins with `or` and `when` with `and`.
fn parse_conditions(input: ParseStream, s: &mut Statement) -> syn::Result<()> {
    while let Some(w @ ("when" | "unless")) = peek_word(input, 0).as_deref() {
        let keyword = word(input)?;
        let negated = (w == "unless").then_some(keyword);
        let (joiner, other) = if negated.is_some() {
            ("or", "and")
        } else {
            ("and", "or")
        };
        let mut after = w;
        loop {
            let kind = parse_condition(input, after)?;
            s.conditions.push(Condition {
                negated: negated.clone(),
                kind,
            });
            match peek_word(input, 0) {
                Some(j) if j == joiner => {
                    word(input)?;
                    after = joiner;
                }
                Some(j) if j == other && negated.is_some() => {
                    return Err(fail(input,
                        "`unless a and b` cannot be expressed: a statement with `unless` applies unless any of its tests holds\nhelp: write `unless a or b` (the statement applies unless a or b holds), or `when` with the tests that must hold",
                    ));
                }
                Some(j) if j == other => {
                    return Err(fail(input,
                        "`when a or b` cannot be expressed in one statement: all of a statement's conditions must hold\nhelp: give alternatives as a list of values, e.g. `source_ip [\"203.0.113.0/24\", \"198.51.100.0/24\"]`, or write a second statement",
                    ));
                }
                _ if peek_punct(input, 0, ',')
                    && peek_word(input, 1).is_some_and(|w| {
                        words::CONDITION_WORDS.contains(&w.as_str())
                            || w.starts_with(|c: char| c.is_ascii_uppercase())
                    }) =>
                {
                    return Err(fail(
                        input,
                        format!("the conditions after `{w}` are joined with `{joiner}`, not `,`\nhelp: use `{joiner}`"),
                    ));
                }
                _ => break,
            }
        }
    }
    Ok(())
}

fn looks_like_operator(input: ParseStream, name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase()) || peek_punct(input, 1, ':')
}

/// One test after `when`, `unless`, `and` or `or` (`after`).
fn parse_condition(input: ParseStream, after: &str) -> syn::Result<CondKind> {
    let Some(name) = peek_word(input, 0) else {
        return Err(fail(
            input,
            format!(
                "expected a condition after `{after}`, found {}: one of {}, or an operator such as StringEquals",
                describe_next(input),
                words::CONDITION_WORDS.join(", ")
            ),
        ));
    };
    if words::CONDITION_WORDS.contains(&name.as_str()) {
        let keyword = word(input)?;
        return Ok(match name.as_str() {
            "secure_transport" => CondKind::SecureTransport(keyword),
            "principal_tag" => {
                if !input.peek(LitStr) {
                    return Err(fail(input, format!(
                        "expected the tag key as a string after `principal_tag`, found {}: e.g. `principal_tag \"team\" = \"platform\"`",
                        describe_next(input)
                    )));
                }
                let tag: LitStr = input.parse()?;
                if !input.peek(Token![=]) {
                    return Err(fail(input, format!(
                        "expected `=` after the tag key, found {}: e.g. `principal_tag \"team\" = \"platform\"`",
                        describe_next(input)
                    )));
                }
                input.parse::<Token![=]>()?;
                let values = parse_values(input)?;
                CondKind::PrincipalTag(keyword, tag, values)
            }
            _ => {
                let values = parse_values(input)?;
                CondKind::Word(keyword, values)
            }
        });
    }
    if looks_like_operator(input, &name) {
        let mut tokens = TokenStream::new();
        let first = word(input)?;
        let mut text = first.to_string();
        first.to_tokens(&mut tokens);
        if peek_punct(input, 0, ':') {
            input.parse::<TokenTree>()?.to_tokens(&mut tokens);
            let second = word(input)?;
            text.push(':');
            text.push_str(&second.to_string());
            second.to_tokens(&mut tokens);
        }
        let key = parse_value(
            input,
            &format!("the condition key after `{text}`, e.g. \"aws:PrincipalArn\","),
        )?;
        let values = parse_values(input)?;
        return Ok(CondKind::General(text, tokens, key, values));
    }
    let mut help = suggest(&name, &words::CONDITION_WORDS);
    if help.is_empty() {
        help = words::suggest_operator(&name);
    }
    Err(fail(
        input,
        format!(
        "unknown condition `{name}`: expected one of {}, or an operator such as StringEquals{help}",
        words::CONDITION_WORDS.join(", ")
    ),
    ))
}

fn parse_values(input: ParseStream) -> syn::Result<Vec<CondValue>> {
    if input.peek(syn::token::Bracket) {
        let content;
        let brackets = syn::bracketed!(content in input);
        let mut values = Vec::new();
        while !content.is_empty() {
            values.push(parse_cond_value(&content)?);
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        if values.is_empty() {
            return Err(syn::Error::new(
                brackets.span.join(),
                "empty list: a condition needs at least one value",
            ));
        }
        return Ok(values);
    }
    Ok(vec![parse_cond_value(input)?])
}

fn parse_cond_value(input: ParseStream) -> syn::Result<CondValue> {
    if input.peek(LitStr) {
        Ok(CondValue::Str(input.parse()?))
    } else if input.peek(LitBool) {
        Ok(CondValue::Bool(input.parse()?))
    } else if input.peek(LitInt) {
        Ok(CondValue::Int(input.parse()?))
    } else if input.peek(syn::token::Brace) {
        parse_expr(input).map(CondValue::Expr)
    } else {
        Err(fail(input, format!(
            "expected a condition value, found {}: a string, `true`, `false`, a number, `{{expression}}` or a list `[...]` of them",
            describe_next(input)
        )))
    }
}

//! Back to code: a policy as `policy! { ... }` source, so that a JSON policy can move into Rust.
//!
//! The source follows the grammar of the `policy!` macro. It reproduces the policy's meaning
//! (the macro's policy is [equivalent](crate::analysis::equivalence::equivalent) to this one); the JSON layout may
//! differ where the macro has one way of writing (actions always as a list, condition values
//! as strings, `Version` always written).

use std::fmt::{self, Write};

use policy_catalogue::checks::{is_arn, is_other_service_action};
use policy_catalogue::{Operator, ResourceType};

use crate::model::action::ActionItem;
use crate::model::document::PolicyDocument;
use crate::model::kind::PolicyKind;
use crate::model::kinds::{AnyPolicy, IdentityPolicy, PublicRepositoryPolicy, RegistryPolicy};
use crate::model::names::{AccountId, Partition, ServiceName};
use crate::model::policy::RepositoryPolicy;
use crate::model::principal::{AwsPrincipal, Principal};
use crate::model::statement::{PrincipalElement, Statement};
use crate::model::version::Effect;

/// A part of a policy that the `policy!` grammar cannot express.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotExpressible {
    /// The JSON path of the part, e.g. `Statement[0].Resource`.
    pub path: String,
    /// Why it cannot be written in the macro.
    pub reason: String,
}

impl fmt::Display for NotExpressible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}; keep this policy as JSON",
            self.path, self.reason
        )
    }
}

impl std::error::Error for NotExpressible {}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn fail<T>(path: String, reason: &str) -> Result<T, NotExpressible> {
    Err(NotExpressible {
        path,
        reason: reason.to_owned(),
    })
}

/// The principal as a DSL principal, or `None` when the grammar has no form for it.
fn principal(p: &Principal) -> Option<String> {
    let in_aws = |partition: &Partition| *partition == Partition::Aws;
    Some(match p {
        Principal::Anyone => "anyone".to_owned(),
        Principal::Service(s) => format!("service {}", lit(s.as_str())),
        Principal::Aws(a) => match a {
            AwsPrincipal::Account {
                partition,
                account,
                bare: false,
            } if in_aws(partition) => format!("account {}", lit(account.as_str())),
            AwsPrincipal::Account { .. } => format!("arn {}", lit(&a.to_string())),
            AwsPrincipal::User {
                partition,
                account,
                path,
                name,
            } if in_aws(partition) => format!(
                "user {} in account {}",
                lit(&format!("{}{name}", &path.as_str()[1..])),
                lit(account.as_str())
            ),
            AwsPrincipal::Role {
                partition,
                account,
                path,
                name,
            } if in_aws(partition) => format!(
                "role {} in account {}",
                lit(&format!("{}{name}", &path.as_str()[1..])),
                lit(account.as_str())
            ),
            AwsPrincipal::AssumedRole {
                partition,
                account,
                role,
                session,
            } if in_aws(partition) => format!(
                "session {} {} in account {}",
                lit(role.as_str()),
                lit(session.as_str()),
                lit(account.as_str())
            ),
            AwsPrincipal::User { .. }
            | AwsPrincipal::Role { .. }
            | AwsPrincipal::AssumedRole { .. } => format!("arn {}", lit(&a.to_string())),
            // IAM reads `{"AWS": "*"}` as `"*"`; the macro writes the latter.
            AwsPrincipal::Everyone => "anyone".to_owned(),
            AwsPrincipal::Other(_) => return None,
        },
        Principal::Federated(_) | Principal::CanonicalUser(_) => return None,
    })
}

/// For a statement that denies everyone: the principals its tests spare, as `anyone except`
/// writes them (the builder's `spare`), and the indices of those tests. The tests are
/// `ArnNotLike aws:PrincipalArn` of user and role ARNs, `StringNotEquals aws:PrincipalAccount`
/// of account ids and `StringNotEquals aws:PrincipalServiceName` of service names; `None` when
/// there are none, or when one of them holds a value that no principal names (a pattern).
fn spared(s: &Statement, p: &PrincipalElement) -> Option<(Vec<String>, Vec<usize>)> {
    let only_anyone = p.principals.iter().all(|x| *x == Principal::Anyone);
    if s.effect != Effect::Deny || p.negated || !only_anyone {
        return None;
    }
    let mut spared = Vec::new();
    let mut tests = Vec::new();
    for (n, t) in s.condition.tests().iter().enumerate() {
        let kind = match (t.operator.operator, t.key.as_str()) {
            (Operator::ArnNotLike, "aws:PrincipalArn") => 0,
            (Operator::StringNotEquals, "aws:PrincipalAccount") => 1,
            (Operator::StringNotEquals, "aws:PrincipalServiceName") => 2,
            _ => continue,
        };
        if t.operator.qualifier.is_some() || t.operator.if_exists {
            continue;
        }
        for v in t.values.iter() {
            let text = v.as_text();
            let p = match kind {
                0 => match AwsPrincipal::from_arn(&text).ok()? {
                    p @ (AwsPrincipal::User { .. } | AwsPrincipal::Role { .. }) => {
                        Principal::Aws(p)
                    }
                    _ => return None,
                },
                1 => Principal::account(AccountId::new(&*text).ok()?),
                _ => Principal::Service(ServiceName::new(&*text).ok()?),
            };
            spared.push(principal(&p)?);
        }
        tests.push(n);
    }
    (!tests.is_empty()).then_some((spared, tests))
}

/// The action as a DSL action in a policy of `kind`, or why the macro refuses it (the
/// macro's own rules, so that what is written compiles). `on_any` says whether the statement
/// is on `"*"` only (an identity policy's actions without a resource need it).
fn action(a: &ActionItem, kind: PolicyKind, on_any: bool) -> Result<String, String> {
    match (kind, a) {
        (PolicyKind::Repository | PolicyKind::Registry, _) => repository_action(a, kind),
        (PolicyKind::PublicRepository, ActionItem::Public(x))
            if x.resource_type() == ResourceType::Repository =>
        {
            Ok(x.as_str().to_owned())
        }
        (PolicyKind::PublicRepository, ActionItem::Public(x)) => Err(format!(
            "{x} takes no repository resource, so the macro refuses it in an ECR Public repository policy"
        )),
        (PolicyKind::Identity, ActionItem::Ecr(x))
            if on_any || x.resource_type() == ResourceType::Repository =>
        {
            Ok(x.name().to_owned())
        }
        (PolicyKind::Identity, ActionItem::Public(x))
            if on_any || x.resource_type() == ResourceType::Repository =>
        {
            Ok(x.as_str().to_owned())
        }
        (PolicyKind::Identity, ActionItem::Ecr(_) | ActionItem::Public(_)) => Err(format!(
            "{a} takes no repository resource, and the macro grants it only in a statement on \"*\""
        )),
        (_, ActionItem::Pattern(p)) if p.as_str() == "*" => Ok(lit("*")),
        (_, ActionItem::Pattern(p))
            if p.service() == "ecr-public" && !p.matching_public_actions().is_empty() =>
        {
            Ok(lit(p.as_str()))
        }
        (PolicyKind::Identity, ActionItem::Pattern(p))
            if p.service() == "ecr" && !p.matching_actions().is_empty() =>
        {
            Ok(lit(p.as_str()))
        }
        (PolicyKind::Identity, ActionItem::Other(text)) if is_other_service_action(text) => {
            Ok(lit(text))
        }
        _ => Err(format!(
            "the action \"{a}\" is not one the macro writes in {}", kind.with_article()
        )),
    }
}

/// An action of a repository or registry policy: `ecr:` actions with a repository resource.
fn repository_action(a: &ActionItem, kind: PolicyKind) -> Result<String, String> {
    match a {
        ActionItem::Ecr(x) if x.resource_type() == ResourceType::Repository => {
            Ok(x.name().to_owned())
        }
        ActionItem::Ecr(x) => Err(format!(
            "{} takes no repository resource, so the macro refuses it in {}",
            x.as_str(),
            kind.with_article()
        )),
        ActionItem::Public(x) => Err(format!(
            "{} is an ECR Public action, which the macro refuses in {}",
            x.as_str(),
            kind.with_article()
        )),
        ActionItem::Pattern(p) if p.as_str() == "*" => Ok(lit("*")),
        ActionItem::Pattern(p) if p.service() == "ecr" && !p.matching_actions().is_empty() => {
            Ok(lit(p.as_str()))
        }
        ActionItem::Pattern(p) if p.service() == "ecr" => Err(format!(
            "the pattern \"{p}\" matches no ECR action, which the macro refuses"
        )),
        ActionItem::Pattern(_) | ActionItem::Other(_) => Err(format!(
            "the action \"{a}\" is not an ECR action the macro knows"
        )),
    }
}

fn statement(
    out: &mut String,
    i: usize,
    s: &Statement,
    earlier: &[Statement],
    kind: PolicyKind,
    registry: Option<&Registry>,
    marks: &[&str],
) -> Result<(), NotExpressible> {
    let at = |rest: &str| format!("Statement[{i}]{rest}");
    let target = target(s, kind, registry).map_err(|(rest, reason)| NotExpressible {
        path: at(rest),
        reason,
    })?;
    let on_any = s
        .resource
        .as_ref()
        .is_some_and(|r| r.resources.iter().all(|x| x == "*"));
    let Some(a) = s.action.as_ref().filter(|a| !a.actions.is_empty()) else {
        return fail(at(".Action"), "the statement names no action");
    };
    let p = match &s.principal {
        _ if kind == PolicyKind::Identity => None,
        Some(p) if !p.principals.is_empty() => Some(p),
        _ => return fail(at(".Principal"), "the statement names no principal"),
    };
    if p.is_some_and(|p| p.negated) {
        // The macro writes `deny anyone except ...` as `"Principal": "*"` with tests of
        // aws:PrincipalArn, the form AWS recommends over NotPrincipal, which is another policy.
        return fail(
            at(".NotPrincipal"),
            "the macro writes `anyone except` as \"Principal\": \"*\" with a condition on aws:PrincipalArn, not as NotPrincipal",
        );
    }
    out.push_str("    ");
    if let Some(sid) = &s.sid {
        if sid.is_empty() {
            return fail(at(".Sid"), "the macro refuses an empty Sid");
        }
        if earlier.iter().any(|o| o.sid.as_ref() == Some(sid)) {
            return fail(at(".Sid"), "the macro refuses a Sid used twice");
        }
        let _ = write!(out, "sid {} ", lit(sid.as_str()));
    }
    for mark in marks {
        let _ = write!(out, "{mark} ");
    }
    out.push_str(match s.effect {
        Effect::Allow => "allow ",
        Effect::Deny => "deny ",
    });
    let mut spare_tests = Vec::new();
    if let Some(p) = p {
        spare_tests = principals(out, &at, s, p)?;
    }
    let mut actions = Vec::new();
    for x in a.actions.iter() {
        // The macro refuses a repository policy's grant of what it cannot grant.
        let refused = match x {
            ActionItem::Ecr(e) => {
                kind == PolicyKind::Repository
                    && s.effect == Effect::Allow
                    && !a.negated
                    && e.is_repository_action()
                    && !e.is_granted_by_repository_policy()
            }
            ActionItem::Public(e) => {
                kind == PolicyKind::PublicRepository
                    && s.effect == Effect::Allow
                    && !a.negated
                    && e.is_repository_action()
                    && !e.is_granted_by_repository_policy()
            }
            _ => false,
        };
        if refused {
            return fail(
                at(".Action"),
                &format!(
                    "{x} is not granted by a repository policy, so the macro refuses it there"
                ),
            );
        }
        match action(x, kind, on_any) {
            Ok(text) if !actions.contains(&text) => actions.push(text),
            Ok(_) => {}
            Err(reason) => return fail(at(".Action"), &reason),
        }
    }
    if a.negated {
        out.push_str("except ");
    }
    out.push_str(&actions.join(", "));
    out.push_str(&target);
    conditions(out, &at, s, &spare_tests)
}

/// The principals of a resource-based policy's statement, and the indices of the tests that
/// `anyone except` writes.
fn principals(
    out: &mut String,
    at: &dyn Fn(&str) -> String,
    s: &Statement,
    p: &PrincipalElement,
) -> Result<Vec<usize>, NotExpressible> {
    let mut principals = Vec::new();
    for x in p.principals.iter() {
        match principal(x) {
            Some(text) if !principals.contains(&text) => principals.push(text),
            Some(_) => {}
            None => {
                return fail(
                    at(".Principal"),
                    &format!("the principal {x} has no form in the macro"),
                )
            }
        }
    }
    if p.is_anyone() {
        principals = vec!["anyone".to_owned()];
    }
    let (spared, spare_tests) = spared(s, p).unwrap_or_default();
    if !spared.is_empty() {
        out.push_str("anyone except ");
        principals = spared;
    }
    out.push_str(&principals.join(", "));
    out.push(' ');
    Ok(spare_tests)
}

/// The conditions of a statement but the tests `anyone except` writes.
fn conditions(
    out: &mut String,
    at: &dyn Fn(&str) -> String,
    s: &Statement,
    spare_tests: &[usize],
) -> Result<(), NotExpressible> {
    let tests = s
        .condition
        .tests()
        .iter()
        .enumerate()
        .filter(|(n, _)| !spare_tests.contains(n));
    for (n, (_, t)) in tests.enumerate() {
        if t.values.is_empty() {
            return fail(
                at(&format!(".Condition.{}.{}", t.operator, t.key)),
                "a condition without values has no form in the macro",
            );
        }
        // The macro refuses what the lint reports as a type mismatch: same rule, same verdict.
        if policy_catalogue::checks::operator_fits_key_name(t.operator.operator, t.key.as_str())
            == Some(false)
        {
            return fail(
                at(&format!(".Condition.{}.{}", t.operator, t.key)),
                "the operator does not fit the key's type, which the macro refuses at compile time",
            );
        }
        // Every value is written as a string, which the macro checks against the operator and key.
        if let Some(problem) = t.values.iter().find_map(|v| {
            policy_catalogue::checks::condition_value_problem(
                t.operator.operator,
                t.key.as_str(),
                &v.as_text(),
            )
        }) {
            let problem = problem
                .split('\n')
                .next()
                .unwrap_or_default()
                .replace('`', "");
            return fail(
                at(&format!(".Condition.{}.{}", t.operator, t.key)),
                &format!("{problem}, which the macro refuses at compile time"),
            );
        }
        out.push_str(if n == 0 {
            "\n        when "
        } else {
            "\n        and "
        });
        let values: Vec<String> = t.values.iter().map(|v| lit(&v.as_text())).collect();
        let values = if values.len() == 1 {
            values[0].clone()
        } else {
            format!("[{}]", values.join(", "))
        };
        let _ = write!(out, "{} {} {values}", t.operator, lit(t.key.as_str()));
    }
    Ok(())
}

/// The registry of a registry or identity policy: its repositories' partition `aws`, Region
/// and account, written as the `account` and `region` headers.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Registry {
    region: String,
    account: String,
}

/// `arn:aws:ecr:REGION:ACCOUNT:repository/NAME`: the registry and the name (or pattern).
fn repository_arn(text: &str) -> Option<(Registry, &str)> {
    let mut f = text.splitn(6, ':');
    let (Some("arn"), Some("aws"), Some("ecr"), Some(region), Some(account), Some(rest)) =
        (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
    else {
        return None;
    };
    let name = rest.strip_prefix("repository/")?;
    (policy_catalogue::rules::check_region(region).is_ok()
        && policy_catalogue::rules::check_account_id(account).is_ok())
    .then(|| {
        (
            Registry {
                region: region.to_owned(),
                account: account.to_owned(),
            },
            name,
        )
    })
}

/// The registry of the first repository ARN of the document, if any: the `account` and
/// `region` headers. A registry policy's ARNs all name it; an identity policy's others are
/// written `arn "..."`.
fn registry_of(doc: &PolicyDocument) -> Option<Registry> {
    doc.statements
        .iter()
        .filter_map(|s| s.resource.as_ref())
        .flat_map(|r| r.resources.iter())
        .find_map(|text| repository_arn(text).map(|(registry, _)| registry))
}

/// `name` as `repo "name"` or `repos "pattern"`.
fn repos(name: &str) -> Option<String> {
    if policy_catalogue::rules::check_repository_name(name).is_ok() {
        Some(format!("repo {}", lit(name)))
    } else if policy_catalogue::rules::check_repository_pattern(name).is_ok() {
        Some(format!("repos {}", lit(name)))
    } else {
        None
    }
}

/// What the statement is `on`, by the kind: ` on repo`, ` on public repo`, ` on registry ...`
/// or the resources of an identity policy; or the path below the statement and why not.
fn target(
    s: &Statement,
    kind: PolicyKind,
    registry: Option<&Registry>,
) -> Result<String, (&'static str, String)> {
    let why = |reason: &str| Err((".Resource", reason.to_owned()));
    match (kind, &s.resource) {
        (_, Some(r)) if r.negated => Err((
            ".NotResource",
            "the macro has no form for NotResource".to_owned(),
        )),
        (PolicyKind::Repository, None) => Ok(" on repo".to_owned()),
        (PolicyKind::Repository, Some(_)) => {
            why("the macro writes repository policies, which have no Resource")
        }
        (PolicyKind::PublicRepository, r) => {
            if r.as_ref()
                .is_some_and(|r| r.resources.iter().any(|x| x != "*"))
            {
                return why("an ECR Public repository policy names no Resource but \"*\"");
            }
            Ok(" on public repo".to_owned())
        }
        (_, None) => why("the statement names no Resource"),
        (PolicyKind::Registry | PolicyKind::Identity, Some(r)) => {
            let mut items = Vec::new();
            for text in r.resources.iter() {
                if text == "*" && kind == PolicyKind::Identity {
                    items.push(lit("*"));
                    continue;
                }
                let item = repository_arn(text)
                    .filter(|(reg, _)| Some(reg) == registry)
                    .and_then(|(_, name)| repos(name))
                    .or_else(|| {
                        (kind == PolicyKind::Identity && is_arn(text))
                            .then(|| format!("arn {}", lit(text)))
                    });
                match item {
                    Some(item) if !items.contains(&item) => items.push(item),
                    Some(_) => {}
                    None => {
                        return why(&format!(
                            "\"{}\" is not a repository ARN the macro writes (arn:aws:ecr:REGION:ACCOUNT:repository/NAME, of the policy's registry)",
                            text.escape_debug()
                        ))
                    }
                }
            }
            if kind == PolicyKind::Registry {
                if items == [String::from("repos \"*\"")] {
                    return Ok(" on registry".to_owned());
                }
                return Ok(format!(" on registry {}", items.join(", ")));
            }
            Ok(format!(" on {}", items.join(", ")))
        }
    }
}

/// The document as source of `kind`, whose rules it follows.
fn write(doc: &PolicyDocument, kind: PolicyKind) -> Result<String, NotExpressible> {
    let mut out = String::from("policy! {\n");
    if let Some(v) = doc.version {
        let _ = writeln!(out, "    version {};", lit(v.as_str()));
    }
    if let Some(id) = &doc.id {
        let _ = writeln!(out, "    id {};", lit(id.as_str()));
    }
    if doc.statements.is_empty() {
        return fail("Statement".to_owned(), "the policy has no statement");
    }
    let registry = match kind {
        PolicyKind::Registry | PolicyKind::Identity => registry_of(doc),
        _ => None,
    };
    if let Some(r) = &registry {
        let _ = writeln!(out, "    account {};", lit(&r.account));
        let _ = writeln!(out, "    region {};", lit(&r.region));
    }
    // The marks the macro needs for what a repository policy is meant to grant: the same
    // judgement as the macro's, which judges no other kind.
    let meant: Vec<(usize, &str)> = if kind == PolicyKind::Repository {
        policy_analysis::findings::findings(
            &crate::analysis::access::lower(doc),
            &policy_analysis::Options::default(),
        )
        .into_iter()
        .filter(|f| f.code.refused_at_compile_time())
        .filter_map(|f| Some((f.statement?, f.code.mark()?)))
        .collect()
    } else {
        Vec::new()
    };
    for (i, s) in doc.statements.iter().enumerate() {
        if i > 0 {
            out.push_str(";\n");
        }
        let mut marks: Vec<&str> = Vec::new();
        for (_, m) in meant.iter().filter(|(at, _)| *at == i) {
            if !marks.contains(m) {
                marks.push(m);
            }
        }
        statement(
            &mut out,
            i,
            s,
            &doc.statements[..i],
            kind,
            registry.as_ref(),
            &marks,
        )?;
    }
    out.push_str("\n}\n");
    Ok(out)
}

impl PolicyDocument {
    /// The document as `policy! { ... }` source for the `ecr-policy` crate's macro.
    ///
    /// ```
    /// use policy_core::PolicyDocument;
    ///
    /// let doc = PolicyDocument::from_json(r#"{"Version": "2008-10-17", "Statement": [{
    ///   "Sid": "AllowPushPullFromCICDUser", "Effect": "Allow",
    ///   "Principal": {"AWS": "arn:aws:iam::123456789012:user/fcj-ecr-ci-cd-user"},
    ///   "Action": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]}]}"#)?;
    /// assert_eq!(doc.to_dsl()?, r#"policy! {
    ///     version "2008-10-17";
    ///     sid "AllowPushPullFromCICDUser" allow user "fcj-ecr-ci-cd-user" in account "123456789012" GetDownloadUrlForLayer, BatchGetImage on repo
    /// }
    /// "#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// A statement that denies everyone but the callers its `ArnNotLike aws:PrincipalArn`,
    /// `StringNotEquals aws:PrincipalAccount` or `StringNotEquals aws:PrincipalServiceName`
    /// tests spare is written `deny anyone except ...`, the form the macro expands into those
    /// tests; a `NotPrincipal` statement has no form. A statement that grants what the macro
    /// refuses unless it is meant (public access, another account's policy management, a
    /// service without a source condition, a lock-out) carries the mark that says so
    /// (`public allow anyone ...`), so that the source compiles as the JSON stood.
    ///
    /// A document of another kind by its shape ([`PolicyKind::detect`]) that follows that
    /// kind's rules is written in the kind's form, as [`AnyPolicy::to_dsl`] writes it; any other
    /// document is read as a repository policy.
    ///
    /// ```
    /// use policy_core::PolicyDocument;
    ///
    /// let doc = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Action":"ecr:GetAuthorizationToken","Resource":"*"},{"Effect":"Allow","Action":"ecr:BatchGetImage",
    ///   "Resource":"arn:aws:ecr:us-east-1:123456789012:repository/app"}]}"#)?;
    /// assert_eq!(doc.to_dsl()?, r#"policy! {
    ///     version "2012-10-17";
    ///     account "123456789012";
    ///     region "us-east-1";
    ///     allow GetAuthorizationToken on "*";
    ///     allow BatchGetImage on repo "app"
    /// }
    /// "#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`NotExpressible`] naming the first part the grammar has no form for, or that the macro
    /// refuses: a `Resource`, a statement without principal or action, a `NotPrincipal`,
    /// federated, canonical-user or unique-id principals, actions of other services, ECR Public
    /// actions, actions without a repository resource (`ecr:GetAuthorizationToken`), an `Allow`
    /// of `ecr:CreateRepository` or `ecr:ReplicateImage` in a repository policy, patterns
    /// matching no ECR action, an empty or repeated Sid, conditions without values or whose
    /// operator does not fit the key. What is written compiles.
    pub fn to_dsl(&self) -> Result<String, NotExpressible> {
        match PolicyKind::detect(self) {
            Some(kind) if kind != PolicyKind::Repository => {
                match AnyPolicy::from_document_as(self.clone(), kind) {
                    Ok(policy) => policy.to_dsl(),
                    // Not a valid policy of the kind its shape suggests: read as a repository
                    // policy, whose errors are the commonest.
                    Err(_) => write(self, PolicyKind::Repository),
                }
            }
            _ => write(self, PolicyKind::Repository),
        }
    }
}

impl RepositoryPolicy {
    /// The policy as `policy! { ... }` source; see [`PolicyDocument::to_dsl`].
    ///
    /// # Errors
    /// [`NotExpressible`] for the parts the macro's grammar cannot write.
    pub fn to_dsl(&self) -> Result<String, NotExpressible> {
        write(self.document(), PolicyKind::Repository)
    }
}

macro_rules! kind_to_dsl {
    ($ty:ty, $kind:expr, $form:literal) => {
        impl $ty {
            #[doc = concat!("The policy as `policy! { ... }` source, its statements `", $form, "`; see")]
            /// [`PolicyDocument::to_dsl`].
            ///
            /// # Errors
            /// [`NotExpressible`] for the parts the macro's grammar cannot write.
            pub fn to_dsl(&self) -> Result<String, NotExpressible> {
                write(self.document(), $kind)
            }
        }
    };
}

kind_to_dsl!(RegistryPolicy, PolicyKind::Registry, "on registry");
kind_to_dsl!(
    PublicRepositoryPolicy,
    PolicyKind::PublicRepository,
    "on public repo"
);
kind_to_dsl!(IdentityPolicy, PolicyKind::Identity, "on repo \"name\"");

impl AnyPolicy {
    /// The policy as `policy! { ... }` source in the form of its kind: `on repo`, `on public
    /// repo`, `on registry` (with the `account` and `region` headers), or an identity policy's
    /// `on repo "name"`, `on repos "prefix*"` and `on "*"`.
    ///
    /// ```
    /// use policy_core::model::AnyPolicy;
    /// let policy = AnyPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Principal":"*","Action":"ecr-public:PutImage"}]}"#)?;
    /// assert_eq!(policy.to_dsl().unwrap(), "policy! {\n    version \"2012-10-17\";\n    allow anyone ecr-public:PutImage on public repo\n}\n");
    /// # Ok::<(), policy_core::json::InvalidPolicy>(())
    /// ```
    ///
    /// # Errors
    /// [`NotExpressible`] as [`PolicyDocument::to_dsl`], and for what the macro refuses in
    /// the kind: repositories of several registries or outside the `aws` partition, other
    /// resources, `NotResource`, actions of another service.
    pub fn to_dsl(&self) -> Result<String, NotExpressible> {
        write(self.document(), self.kind())
    }
}

//! The kinds of policy the DSL writes, decided by what its statements are `on`: `on repo` (a
//! private repository policy), `on public repo` (an ECR Public repository policy), `on
//! registry` (a private registry policy) and `on repo "name"`, `on repos "prefix*"`, `on "*"`
//! (an identity policy). Here are the rules each kind adds to the checks of `validate`: the
//! actions it may hold, its headers, its resources and whether it names principals.

use policy_catalogue::checks::is_arn;
use policy_catalogue::rules::{check_repository_name, check_repository_pattern};
use policy_catalogue::{closest, ActionPattern, Bundle, PublicAction, ResourceType};
use proc_macro2::Span;

use crate::ast::{self, Header, PrincipalKind, Repos, Target};
use crate::validate::{checked, ActionItem, At, Errors, Policy, Val};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Repository,
    Registry,
    PublicRepository,
    Identity,
}

impl Kind {
    /// The kind in words, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Repository => "repository policy",
            Kind::Registry => "registry policy",
            Kind::PublicRepository => "ECR Public repository policy",
            Kind::Identity => "identity policy",
        }
    }

    pub(crate) fn of(target: &Target) -> Kind {
        match target {
            Target::Repo => Kind::Repository,
            Target::PublicRepo => Kind::PublicRepository,
            Target::Registry(_) => Kind::Registry,
            Target::Resources(_) => Kind::Identity,
        }
    }

    /// How a statement of the kind reads, for messages.
    fn form(self) -> &'static str {
        match self {
            Kind::Repository => "`on repo`",
            Kind::PublicRepository => "`on public repo`",
            Kind::Registry => "`on registry`",
            Kind::Identity => "`on repo \"name\"`, `on repos \"prefix*\"` or `on \"*\"`",
        }
    }
}

/// A resource of a registry or identity policy's statement.
pub enum Resource {
    /// Every repository of the registry (`on registry`).
    All,
    /// `"*"`.
    Any,
    /// One repository.
    Named(Val),
    /// A pattern of repository names.
    Matching(Val),
    /// Another resource, by its ARN.
    Arn(String),
}

/// The kind of the policy: that of its first statement with an `on`, a repository policy
/// when there is none (a policy of splices only).
pub fn kind_of(policy: &ast::Policy) -> Kind {
    policy
        .statements
        .iter()
        .find_map(|(_, s)| s.target.as_ref())
        .map_or(Kind::Repository, |(_, t)| Kind::of(t))
}

/// `ecr:NAME` (or the bare name) in an ECR Public repository policy.
pub fn private_action_in_public(name: &str, at: At, errors: &mut Errors) -> Option<ActionItem> {
    let help = match PublicAction::from_name(name) {
        Some(p) => format!("write `{}`, or `{}` unprefixed", p.as_str(), p.name()),
        None => "ECR Public has no action of this name".to_owned(),
    };
    errors.at(
        at,
        format!("`ecr:{name}` is an action of private ECR: an ECR Public repository policy holds `ecr-public:` actions\nhelp: {help}"),
    );
    None
}

/// `ecr-public:NAME` (or the bare name in an ECR Public repository policy).
pub fn public_action(name: &str, at: At, errors: &mut Errors) -> Option<ActionItem> {
    let Some(action) = PublicAction::from_name(name) else {
        let names: Vec<&str> = PublicAction::ALL.iter().map(|a| a.name()).collect();
        let help = closest(name, names.iter().copied())
            .map(|s| format!("\nhelp: did you mean `ecr-public:{s}`?"))
            .unwrap_or_default();
        errors.at(
            at,
            format!(
                "unknown ECR Public action `ecr-public:{name}`: expected one of the {} actions of the catalogue, e.g. `ecr-public:PutImage`{help}",
                PublicAction::ALL.len()
            ),
        );
        return None;
    };
    if errors.kind == Kind::PublicRepository && action.resource_type() != ResourceType::Repository {
        errors.at(
            at,
            format!(
                "`{}` cannot be granted by an ECR Public repository policy: it takes no repository resource\nhelp: grant it in an identity policy, e.g. `allow {} on \"*\"`",
                action.as_str(),
                action.as_str()
            ),
        );
        return None;
    }
    // The catalogue's judgement, which the lint's not-granted-by-repository-policy and the
    // evaluator share (`PublicAction::is_granted_by_repository_policy`).
    if errors.kind == Kind::PublicRepository
        && errors.grants
        && !action.is_granted_by_repository_policy()
    {
        errors.at(
            at,
            format!(
                "`{}` cannot be granted by an ECR Public repository policy: the repository it would create has no policy yet; an identity policy grants it\nhelp: grant it in the caller's identity policy, e.g. `allow {} on \"*\"`",
                action.as_str(),
                action.as_str()
            ),
        );
        return None;
    }
    Some(ActionItem::Public(action))
}

/// A bundle in an ECR Public repository policy: the public actions of the same names, when
/// there is one for each.
pub fn public_bundle(bundle: Bundle, span: Span, errors: &mut Errors) -> Option<ActionItem> {
    let missing: Vec<&str> = bundle
        .actions()
        .iter()
        .filter(|a| PublicAction::from_name(a.name()).is_none())
        .map(|a| a.name())
        .collect();
    if missing.is_empty() {
        return Some(ActionItem::PublicBundle(bundle));
    }
    // https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policies.html
    let why = if bundle == Bundle::Pull {
        "pulling from an ECR Public repository is open to everyone, and no policy grants or denies it".to_owned()
    } else {
        format!("ECR Public has no action named {}", missing.join(", "))
    };
    errors.at(
        span,
        format!(
            "the bundle `{}` has no ECR Public form: {why}\nhelp: name the `ecr-public:` actions meant, e.g. `push` or `ecr-public:DescribeImages`",
            bundle.keyword(),
        ),
    );
    None
}

/// A pattern in an ECR Public repository policy (`ecr-public:` only) or an identity policy
/// (`ecr:` or `ecr-public:`).
pub fn pattern(text: &str, at: At, errors: &mut Errors) -> Option<ActionItem> {
    let p = match ActionPattern::new(text) {
        Ok(p) => p,
        Err(e) => {
            errors.at(at, e);
            return None;
        }
    };
    let public = p.service() == "ecr-public";
    let fits =
        p.as_str() == "*" || public || (p.service() == "ecr" && errors.kind == Kind::Identity);
    if !fits {
        let services = if errors.kind == Kind::Identity {
            "`ecr:` and `ecr-public:` actions"
        } else {
            "`ecr-public:` actions"
        };
        errors.at(
            at,
            format!(
                "`{text}` is not a pattern of {services}, which an {} holds",
                errors.kind.name()
            ),
        );
        return None;
    }
    let matches = if public {
        !p.matching_public_actions().is_empty()
    } else {
        p.as_str() == "*" || !p.matching_actions().is_empty()
    };
    if !matches {
        errors.at(
            at,
            format!("the pattern `{text}` matches no action: check its spelling"),
        );
        return None;
    }
    Some(ActionItem::Pattern(p.as_str().to_owned()))
}

fn resources(repos: &[Repos], errors: &mut Errors) -> Vec<Resource> {
    repos
        .iter()
        .map(|r| match r {
            Repos::Named(v) => Resource::Named(checked(v, check_repository_name, errors)),
            Repos::Matching(ast::Value::Str(lit)) if !lit.value().contains(['*', '?']) => {
                let text = lit.value();
                let t = text.escape_debug();
                errors.at(
                    lit.span(),
                    format!("`repos` takes a pattern of names with `*` or `?`, and \"{t}\" has none\nhelp: write `repo \"{t}\"` for one repository, or `repos \"{t}*\"`"),
                );
                Resource::Matching(Val::Lit(text))
            }
            Repos::Matching(v) => Resource::Matching(checked(v, check_repository_pattern, errors)),
            Repos::Any => Resource::Any,
            Repos::Arn(lit) => {
                let text = lit.value();
                if !is_arn(&text) {
                    errors.at(
                        lit.span(),
                        format!("\"{}\" is not an ARN: expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE\nhelp: name repositories of the policy's registry with `repo` or `repos`", text.escape_debug()),
                    );
                }
                Resource::Arn(text)
            }
        })
        .collect()
}

/// Whether an action takes no repository resource, so that only `"*"` grants it.
fn needs_any(item: &ActionItem) -> Option<String> {
    match item {
        ActionItem::Action(a) if a.resource_type() != ResourceType::Repository => {
            Some(a.name().to_owned())
        }
        ActionItem::Public(a) if a.resource_type() != ResourceType::Repository => {
            Some(a.as_str().to_owned())
        }
        _ => None,
    }
}

/// The rules of the policy's kind: one kind for every statement, the headers it needs or
/// refuses, its resources, and no principal in an identity policy.
pub fn check(policy: &ast::Policy, out: &mut Policy, errors: &mut Errors) {
    let kind = errors.kind;
    let first = policy
        .statements
        .iter()
        .find_map(|(_, s)| s.target.as_ref().map(|(on, _)| on.span()));
    let mixed = policy
        .statements
        .iter()
        .any(|(_, s)| s.target.as_ref().is_some_and(|(_, t)| Kind::of(t) != kind));
    for (order, header) in &policy.headers {
        errors.item = *order;
        if let Header::Region(k, _) = header {
            if matches!(kind, Kind::Repository | Kind::PublicRepository) && !mixed {
                errors.at(
                    k.span(),
                    format!("a{} {} names no Region: it applies to the repository it is attached to\nhelp: remove `region`; registry and identity policies take it", if kind == Kind::Repository { "" } else { "n" }, kind.name()),
                );
            }
        }
    }
    let mut names_repositories = false;
    for ((order, s), st) in policy.statements.iter().zip(out.statements.iter_mut()) {
        errors.item = *order;
        if let (Some(splice), true) = (&s.splice, kind != Kind::Repository) {
            errors.at(
                splice.group.span(),
                format!("a spliced statement is a repository policy's statement, and this is a {}\nhelp: write the statement here", kind.name()),
            );
            continue;
        }
        let Some((on, target)) = &s.target else {
            continue;
        };
        let own = Kind::of(target);
        if own != kind {
            errors.at(
                on.span(),
                format!(
                    "this statement is a {}'s ({}), and the policy is a {} ({}): the statements of a policy are of one kind\nhelp: write a policy for each kind",
                    own.name(),
                    own.form(),
                    kind.name(),
                    kind.form()
                ),
            );
            continue;
        }
        st.resources = match target {
            Target::Registry(repos) if repos.is_empty() => vec![Resource::All],
            Target::Registry(repos) | Target::Resources(repos) => resources(repos, errors),
            Target::Repo | Target::PublicRepo => Vec::new(),
        };
        let named = st
            .resources
            .iter()
            .any(|r| matches!(r, Resource::Named(_) | Resource::Matching(_)));
        names_repositories |= named;
        if kind == Kind::Identity {
            if let Some(p) = s.principals.first() {
                errors.at(
                    p.keyword.span(),
                    "an identity policy names no principal: it applies to the user, group or role it is attached to (IAM refuses a Principal in it)\nhelp: remove the principals; or, for the repository's own policy, write `on repo` without a name: it applies to the repository it is attached to",
                );
            }
            let on_any = st.resources.iter().all(|r| matches!(r, Resource::Any));
            if !on_any {
                if let Some(name) = st.actions.iter().find_map(needs_any) {
                    errors.at(
                        on.span(),
                        format!("`{name}` takes no repository resource, so it is granted only on `\"*\"`\nhelp: give it a statement of its own, e.g. `allow {name} on \"*\"`"),
                    );
                }
            }
        }
        if kind == Kind::PublicRepository && out.account.is_none() {
            for p in &s.principals {
                if matches!(
                    p.kind,
                    PrincipalKind::User(_, None)
                        | PrincipalKind::Role(_, None)
                        | PrincipalKind::Session(_, _, None)
                ) {
                    errors.at(
                        p.keyword.span(),
                        format!("`{}` without `in account` is in the policy's account, which an ECR Public repository policy must be given\nhelp: add the header `account \"123456789012\";`, or write `in account \"...\"`", p.keyword),
                    );
                }
            }
        }
    }
    let needs_registry = kind == Kind::Registry || (kind == Kind::Identity && names_repositories);
    if needs_registry && (out.account.is_none() || out.region.is_none()) {
        let missing = match (&out.account, &out.region) {
            (None, None) => "`account \"123456789012\";` and `region \"us-west-2\";`",
            (None, Some(_)) => "`account \"123456789012\";`",
            _ => "`region \"us-west-2\";`",
        };
        let what = if kind == Kind::Registry {
            "a registry policy names the repositories of its registry"
        } else {
            "`repo` and `repos` name repositories of one registry"
        };
        errors.item = policy.statements.first().map_or(0, |(o, _)| *o);
        errors.at(
            first.unwrap_or_else(Span::call_site),
            format!("{what}, an account's repositories in one Region: give them in the headers\nhelp: add {missing} before the statements"),
        );
    }
}

//! The rules of the lint, in the order their findings are reported within a statement.

use policy_catalogue::checks::{
    action_covers_action, classify_action, condition_value_problem, guards_service_principal,
    has_policy_variable, narrows_public_access, wildcard_in_non_like, ActionCheck,
};

use policy_catalogue::wildcard_match;

use super::finding::{Finding, LintCode};
use crate::eval::{element_matches, Caller, PrincipalMatch};
use crate::model::action::ActionItem;
use crate::model::arn::RepositoryArn;
use crate::model::condition::ConditionValue;
use crate::model::document::PolicyDocument;
use crate::model::kind::{is_private_repository_arn, PolicyKind};
use crate::model::kinds::{RegistryPolicy, RegistryPolicyScope};
use crate::model::list::ValueList;
use crate::model::names::{AccountId, RoleName, SessionName, Sid};
use crate::model::principal::{AwsPrincipal, Principal, PrincipalKey};
use crate::model::statement::{PrincipalElement, Statement};
use crate::model::version::{Effect, Version};

// A bit per catalogue action (`Entries`).
const _: () = assert!(
    policy_catalogue::Action::ALL.len() <= 128 && policy_catalogue::PublicAction::ALL.len() <= 128
);

struct Out {
    findings: Vec<Finding>,
    kind: PolicyKind,
    scope: RegistryPolicyScope,
    /// The repository actions each statement covers (`ir::Actions::resolve` of its lowered
    /// actions), from the entries the rules have matched already: the exact rules take them
    /// rather than matching the entries again.
    resolved: Vec<policy_analysis::ir::ActionSet>,
}

/// The findings of [`check`], and the repository actions each statement covers: what
/// [`policy_analysis::ir::Actions::resolve`] gives for its lowered actions.
pub(super) struct Checked {
    pub(super) findings: Vec<Finding>,
    pub(super) resolved: Vec<policy_analysis::ir::ActionSet>,
}

impl Out {
    fn push(
        &mut self,
        code: LintCode,
        statement: Option<usize>,
        path: String,
        message: String,
        hint: impl Into<std::borrow::Cow<'static, str>>,
    ) {
        self.findings.push(Finding {
            code,
            severity: code.severity(),
            statement,
            path,
            location: None,
            message,
            hint: hint.into(),
            counterexample: None,
        });
    }
}

/// The findings of a document. They come from the document alone, so a document and the
/// parsed text it was read from have the same findings; the text only adds their places.
pub(super) fn check(
    doc: &PolicyDocument,
    kind: PolicyKind,
    scope: RegistryPolicyScope,
    account: Option<&AccountId>,
) -> Checked {
    let mut out = Out {
        // Room for the findings of most policies (the exact ones join them), below 1 KB: the
        // allocator sorts its free memory on every larger request, growing included.
        findings: Vec::with_capacity(1000 / std::mem::size_of::<Finding>()),
        kind,
        scope,
        // A statement without `Action` covers nothing.
        resolved: vec![policy_analysis::ir::ActionSet::default(); doc.statements.len()],
    };
    if doc.version.is_none() {
        out.push(
            LintCode::MissingVersion,
            None,
            String::new(),
            "the policy has no Version, so AWS reads it as 2008-10-17".to_owned(),
            "add \"Version\": \"2012-10-17\"",
        );
    }
    if doc.statements.is_empty() {
        out.push(
            LintCode::EmptyList,
            None,
            "Statement".to_owned(),
            "the policy has no statement".to_owned(),
            "add a statement; ECR refuses a policy without one",
        );
    }
    let legacy = doc.version.unwrap_or(Version::V2008_10_17) == Version::V2008_10_17;
    // One pass over the Sids: a repeat is a statement whose Sid an earlier one has.
    let mut sids = std::collections::HashSet::with_capacity(if doc.statements.len() > 1 {
        doc.statements.len()
    } else {
        0
    });
    for (i, s) in doc.statements.iter().enumerate() {
        let repeated = doc.statements.len() > 1
            && s.sid.as_ref().is_some_and(|sid| !sids.insert(sid.as_str()));
        statement(
            &mut out,
            repeated,
            i,
            s,
            legacy,
            kind != PolicyKind::Repository,
        );
    }
    // ECR's limit; IAM's for identity policies depends on how the policy is attached.
    let length = if kind.is_resource_based() {
        super::length::json_length(doc)
    } else {
        0
    };
    if length > crate::model::policy::MAX_POLICY_LENGTH {
        out.push(
            LintCode::PolicyTooLong,
            None,
            String::new(),
            format!(
                "the policy has {length} characters; ECR stores at most {}",
                crate::model::policy::MAX_POLICY_LENGTH
            ),
            "merge statements, use bundles or patterns, or name accounts rather than each role",
        );
    }
    if kind == PolicyKind::Registry {
        registry_resources(&mut out, doc, account);
    }
    Checked {
        findings: out.findings,
        resolved: out.resolved,
    }
}

/// `by_letters`: judge public access and service principals by condition keys, for the
/// kinds the exact analysis (`super::exact`) does not read.
fn statement(
    out: &mut Out,
    repeated: bool,
    i: usize,
    s: &Statement,
    legacy: bool,
    by_letters: bool,
) {
    let at = |rest: &str| format!("Statement[{i}]{rest}");
    let st = Some(i);
    // Sid
    if s.sid.as_ref().is_some_and(Sid::is_empty) {
        out.push(
            LintCode::EmptySid,
            st,
            at(".Sid"),
            "the Sid is empty".to_owned(),
            "name the statement (e.g. \"AllowPull\") or remove the Sid",
        );
    } else if let Some(sid) = &s.sid {
        if repeated {
            out.push(
                LintCode::DuplicateSid,
                st,
                at(".Sid"),
                format!("Sid \"{sid}\" is already used by an earlier statement"),
                "give every statement its own Sid",
            );
        }
    }
    if out.kind == PolicyKind::Identity {
        if let Some(p) = &s.principal {
            let name = if p.negated {
                "NotPrincipal"
            } else {
                "Principal"
            };
            out.push(
                LintCode::PrincipalInIdentityPolicy,
                st,
                at(&format!(".{name}")),
                format!("an identity policy has no {name}: IAM refuses the policy"),
                format!("remove {name}: the policy applies to the user, group or role it is attached to"),
            );
        }
    } else {
        principal(out, i, s, by_letters);
    }
    if let Some(p) = &s.principal {
        for key in &p.empty_keys {
            {
                let name = if p.negated {
                    "NotPrincipal"
                } else {
                    "Principal"
                };
                out.push(
                    LintCode::EmptyList,
                    st,
                    at(&format!(".{name}.{}", key.as_str())),
                    format!("{} is an empty list", key.as_str()),
                    "remove it",
                );
            }
        }
    }
    actions(out, i, s);
    if out.kind.requires_resource() && s.resource.as_ref().is_none_or(|r| r.resources.is_empty()) {
        out.push(
            LintCode::MissingResource,
            st,
            at(""),
            format!("the statement has no Resource: every statement of {} needs one", out.kind.with_article()),
            if out.kind == PolicyKind::Registry {
                "add \"Resource\": \"arn:aws:ecr:REGION:ACCOUNT:repository/*\" (or a prefix such as repository/prod-*) naming repositories of the registry"
            } else {
                "add \"Resource\": the repository ARNs, or \"*\" for actions without a resource such as ecr:GetAuthorizationToken"
            },
        );
    }
    if out.kind == PolicyKind::Identity {
        wildcard_resource(out, i, s);
    }
    if let Some(r) = &s.resource {
        let name = if r.negated { "NotResource" } else { "Resource" };
        let refused = match out.kind {
            PolicyKind::Repository => true,
            PolicyKind::PublicRepository => r.negated || r.resources.iter().any(|x| x != "*"),
            PolicyKind::Registry | PolicyKind::Identity => false,
        };
        if refused && out.kind == PolicyKind::Repository {
            out.push(
                LintCode::ResourcePresent,
                st,
                at(&format!(".{name}")),
                format!("a repository policy with {name} is refused by ECR (\"Invalid repository policy provided\")"),
                format!("remove {name}: a repository policy applies to its repository"),
            );
        } else if refused {
            out.push(
                LintCode::ResourcePresent,
                st,
                at(&format!(".{name}")),
                format!("an ECR Public repository policy takes no {name} other than \"*\""),
                format!("remove {name}, or write \"Resource\": \"*\": the policy applies to its repository"),
            );
        }
        if r.resources.is_empty() {
            out.push(
                LintCode::EmptyList,
                st,
                at(&format!(".{name}")),
                format!("{name} is an empty list"),
                "remove it",
            );
        }
    }
    conditions(out, i, s, legacy);
}

fn principal(out: &mut Out, i: usize, s: &Statement, by_letters: bool) {
    let st = Some(i);
    let Some(p) = &s.principal else {
        out.push(
            LintCode::MissingPrincipal,
            st,
            format!("Statement[{i}]"),
            "the statement has no Principal: a repository policy must say who it applies to".to_owned(),
            "add \"Principal\": {\"AWS\": \"arn:aws:iam::ACCOUNT:root\"} (or a user, role or service)",
        );
        return;
    };
    let name = if p.negated {
        "NotPrincipal"
    } else {
        "Principal"
    };
    if p.principals.is_empty() {
        out.push(
            LintCode::MissingPrincipal,
            st,
            format!("Statement[{i}].{name}"),
            format!("{name} names nobody"),
            "name the principals, or remove the statement",
        );
    }
    if p.negated && s.effect == Effect::Deny {
        not_principal_spares(out, i, p);
    }
    if p.negated && s.effect == Effect::Allow {
        let f = policy_analysis::findings::allow_with_not_principal(i);
        out.push(
            LintCode::AllowWithNotPrincipal,
            st,
            f.path,
            f.message,
            f.hint,
        );
    }
    // How many principals of each key came before, for the paths of findings.
    let mut index = [0usize; PrincipalKey::ALL.len()];
    for x in p.principals.iter() {
        let (key, n) = match x.key() {
            Some(k) => {
                index[k as usize] += 1;
                (k.as_str(), index[k as usize] - 1)
            }
            None => ("", 0),
        };
        let path = || {
            if key.is_empty() {
                format!("Statement[{i}].{name}")
            } else {
                format!("Statement[{i}].{name}.{key}[{n}]")
            }
        };
        if let Principal::Aws(AwsPrincipal::Other(text)) = x {
            match crate::json::parse::aws_principal(text) {
                Err((message, hint)) => out.push(
                    LintCode::MalformedPrincipal,
                    Some(i),
                    path(),
                    message,
                    hint.unwrap_or_default(),
                ),
                Ok(_) if !text.starts_with("arn:") => out.push(
                    LintCode::DeletedPrincipal,
                    Some(i),
                    path(),
                    format!("\"{text}\" is a unique id: AWS shows one once the user or role it names is deleted, and the grant reaches nobody"),
                    "name the user or role again by ARN, or remove it",
                ),
                Ok(_) => {}
            }
        }
    }
    if by_letters && s.effect == Effect::Allow && !p.negated {
        let public = p.principals.iter().any(|x| {
            matches!(
                x,
                Principal::Anyone | Principal::Aws(AwsPrincipal::Everyone)
            )
        });
        let narrowed = s
            .condition
            .tests()
            .iter()
            .any(|t| narrows_public_access(&t.operator, t.key.as_str()));
        if public && !narrowed {
            out.push(
                LintCode::PublicAccess,
                Some(i),
                format!("Statement[{i}].{name}"),
                "everyone, anonymous callers included, gets this access: the principal is \"*\" and no condition narrows it".to_owned(),
                "name the accounts or roles, or add a condition such as StringEquals aws:PrincipalOrgID",
            );
        }
        let guarded = s
            .condition
            .tests()
            .iter()
            .any(|t| guards_service_principal(&t.operator, t.key.as_str()));
        if !guarded {
            let mut n = 0;
            for x in p.principals.iter() {
                if let Principal::Service(svc) = x {
                    out.push(
                        LintCode::ServicePrincipalWithoutSource,
                        Some(i),
                        format!("Statement[{i}].{name}.Service[{n}]"),
                        format!("service principal {svc} is allowed for any caller's resources (the confused deputy)"),
                        "add a condition StringEquals aws:SourceAccount (your account) or ArnLike aws:SourceArn",
                    );
                    n += 1;
                }
            }
        }
    }
}

/// A `Deny` with `NotPrincipal` that lists a user or role but still applies to it, decided by
/// the evaluator's reading of `NotPrincipal`: the caller is spared only when its account and
/// each of its identities are listed, so a role alone does not spare its sessions.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
fn not_principal_spares(out: &mut Out, i: usize, p: &PrincipalElement) {
    for x in p.principals.iter() {
        let (caller, what) = match x {
            Principal::Aws(AwsPrincipal::User {
                partition,
                account,
                path,
                name,
            }) => (
                Caller::User {
                    partition: *partition,
                    account: account.clone(),
                    path: path.clone(),
                    name: name.clone(),
                },
                format!("the user {x}"),
            ),
            Principal::Aws(AwsPrincipal::Role {
                partition,
                account,
                path,
                name,
            }) => (
                Caller::AssumedRole {
                    partition: *partition,
                    account: account.clone(),
                    role_path: path.clone(),
                    role: name.clone(),
                    // A session the statement lists says the author knows sessions need
                    // listing: judge by that one, not by a session nobody named.
                    session: listed_session(p, account, name)
                        .unwrap_or_else(|| SessionName::new("session").expect("a valid name")),
                    federated_provider: None,
                },
                format!("a session of the role {x}"),
            ),
            _ => continue,
        };
        if element_matches(p, &caller) == PrincipalMatch::No {
            continue;
        }
        out.findings.push(Finding {
            code: LintCode::NotPrincipalDeniesListed,
            severity: LintCode::NotPrincipalDeniesListed.severity(),
            statement: Some(i),
            path: format!("Statement[{i}].NotPrincipal"),
            location: None,
            message: format!(
                "NotPrincipal lists {x}, yet the Deny still applies to {what}: AWS spares a caller \
                 only when its account and each of its identities (for a role, also the session) \
                 are listed"
            ),
            hint: format!(
                "write \"Principal\": \"*\" with ArnNotLike aws:PrincipalArn \"{x}\" instead \
                 (`deny anyone except ...` in policy!): aws:PrincipalArn of a session is its \
                 role's ARN, so the role's sessions are spared too"
            )
            .into(),
            counterexample: Some(caller.arn()),
        });
    }
}

/// The session name of an `assumed-role` ARN of this role that the element lists.
fn listed_session(
    p: &PrincipalElement,
    account: &AccountId,
    role: &RoleName,
) -> Option<SessionName> {
    p.principals.iter().find_map(|x| match x {
        Principal::Aws(AwsPrincipal::AssumedRole {
            account: a,
            role: r,
            session,
            ..
        }) if a == account && r == role => Some(session.clone()),
        _ => None,
    })
}

fn actions(out: &mut Out, i: usize, s: &Statement) {
    let st = Some(i);
    let Some(a) = &s.action else {
        out.push(
            LintCode::MissingAction,
            st,
            format!("Statement[{i}]"),
            "the statement has no Action".to_owned(),
            "add \"Action\": [\"ecr:BatchGetImage\", ...]",
        );
        return;
    };
    let name = if a.negated { "NotAction" } else { "Action" };
    if a.actions.is_empty() {
        out.push(
            LintCode::MissingAction,
            st,
            format!("Statement[{i}].{name}"),
            format!("{name} is an empty list"),
            "list the actions, or remove the statement",
        );
    }
    let entries = Entries::new(&a.actions);
    let redundant = entries.redundant(&a.actions);
    // Paths are written only for the entries with a finding, from the start they share.
    let start = std::cell::OnceCell::new();
    let path = |j: usize| entry_path(start.get_or_init(|| entry_path_start(i, name)), j);
    if a.actions.len() > 16 {
        // Long lists are where most entries have findings (lists of patterns): at most one
        // of the entry's kind and one for its redundancy, reserved at once so that the list
        // does not grow again (each growth of a list this long is a large request, which
        // makes the allocator sort its free memory).
        let redundant = redundant
            .as_deref()
            .map_or(0, |r| r.iter().filter(|&&r| r).count());
        // And room for the statement's other findings and the exact ones.
        out.findings.reserve(a.actions.len() + redundant + 16);
    }
    // The catalogue actions the entries cover, as `ir::Actions::resolve` of the lowered
    // entries finds them, from what is known of each entry already.
    let mut listed = 0u128;
    let mut others = false;
    for (j, item) in a.actions.iter().enumerate() {
        listed |= resolved_entry(item, entries.bits(j));
        others |= matches!(item, ActionItem::Other(_));
        let text = &item.as_str();
        // Findings of this entry start here (each has the entry's path).
        let first = out.findings.len();
        // Only a wildcard finding of an allowing `Action` names what a pattern matches.
        let named = s.effect == Effect::Allow && !a.negated;
        let Some(check) = classify_entry(item, named, entries.bits(j)) else {
            redundant_finding(out, st, redundant.as_deref(), j, text, first, path);
            continue;
        };
        match check {
            ActionCheck::Unknown { suggestion } => out.push(
                LintCode::UnknownAction,
                st,
                path(j),
                format!("unknown action \"{text}\""),
                suggestion.map_or_else(
                    || "see the ECR actions in the Service Authorization Reference".to_owned(),
                    |s| format!("did you mean \"{s}\"?"),
                ),
            ),
            ActionCheck::Public(_)
                if !a.negated
                    && out.kind != PolicyKind::PublicRepository
                    && out.kind != PolicyKind::Identity =>
            {
                let name = text.split_once(':').map_or(*text, |(_, name)| name);
                out.push(
                    LintCode::PublicActionInPrivatePolicy,
                    st,
                    path(j),
                    format!("\"{text}\" is an ECR Public action: it has no effect in the {} of a private registry", if out.kind == PolicyKind::Registry { "registry policy" } else { "policy of a repository" }),
                    format!("use the ecr: action of the same name, \"ecr:{name}\""),
                );
            }
            // `ecr-public:GetAuthorizationToken` has no resource and the registry actions
            // act on the public registry: a repository's policy grants neither, which is
            // how the evaluator decides them (`RequestAction::is_repository_action`).
            // Authentication "through an IAM policy":
            // <https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policy-examples.html>;
            // resource types:
            // <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistrypublic.html>.
            ActionCheck::Public(act)
                if !a.negated
                    && out.kind == PolicyKind::PublicRepository
                    && !act.is_repository_action() =>
            {
                if act == policy_catalogue::PublicAction::GetAuthorizationToken {
                    out.push(
                        LintCode::AuthorizationTokenInRepositoryPolicy,
                        st,
                        path(j),
                        format!("{act} has no resource: an ECR Public repository policy cannot grant it"),
                        "grant it, with sts:GetServiceBearerToken, in the caller's identity policy on \"Resource\": \"*\"",
                    );
                } else {
                    out.push(
                        LintCode::NotARepositoryAction,
                        st,
                        path(j),
                        format!("{act} applies to the public registry, not to a repository: an ECR Public repository policy cannot grant it"),
                        "grant it in an identity policy",
                    );
                }
            }
            // `ecr-public:CreateRepository` names a repository that has no policy yet, as
            // `ecr:CreateRepository` does: the evaluator leaves an ECR Public repository
            // policy's Allow of it out (`PublicAction::is_granted_by_repository_policy`, with
            // the pages it rests on), and the lint says so as it does for the private action.
            ActionCheck::Public(act)
                if !a.negated
                    && s.effect == Effect::Allow
                    && out.kind == PolicyKind::PublicRepository
                    && !act.is_granted_by_repository_policy() =>
            {
                out.push(
                    LintCode::NotGrantedByRepositoryPolicy,
                    st,
                    path(j),
                    format!("{act} is not granted by a repository policy: the repository it would create has no policy yet, and AWS takes it from an identity policy; this entry grants nothing"),
                    "grant it in the caller's identity policy",
                );
            }
            // An action without a repository resource in a registry policy, whose `Resource`
            // names repositories: the evaluator does not consult the registry policy for it
            // (`eval/registry.rs`). `ecr:CreatePullThroughCacheRule` "must be granted via an
            // identity-based IAM policy"
            // (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html>),
            // although the newest "Private registry permissions" page speaks of granting
            // "pull-through cache rule creation" in a registry policy: a warning, not an
            // error. Under scope V1 the arm below reports the refusal instead.
            ActionCheck::NotRepositoryAction(act)
                if !a.negated
                    && out.kind == PolicyKind::Registry
                    && out.scope == RegistryPolicyScope::V2 =>
            {
                out.push(
                    LintCode::NotARepositoryAction,
                    st,
                    path(j),
                    format!("{act} does not apply to a repository: a registry policy, whose Resource names repositories, does not grant it"),
                    "grant it in an identity policy on \"Resource\": \"*\"",
                );
                if let Some(f) = out.findings.last_mut() {
                    f.severity = super::finding::Severity::Warning;
                }
            }
            // Actions on a repository that AWS takes from other policies: the evaluator
            // leaves a repository policy's Allow of them out, and so does the analysis.
            ActionCheck::Repository(act)
                if !a.negated
                    && s.effect == Effect::Allow
                    && out.kind == PolicyKind::Repository
                    && !act.is_granted_by_repository_policy() =>
            {
                let (why, fix) = not_granted_words(act);
                out.push(
                    LintCode::NotGrantedByRepositoryPolicy,
                    st,
                    path(j),
                    format!("{act} is not granted by a repository policy: {why}; this entry grants nothing"),
                    fix,
                );
            }
            ActionCheck::Repository(_)
            | ActionCheck::NotRepositoryAction(_)
            | ActionCheck::AuthorizationToken
                if !a.negated && out.kind == PolicyKind::PublicRepository =>
            {
                let name = text.split_once(':').map_or(*text, |(_, name)| name);
                out.push(
                    LintCode::PrivateActionInPublicPolicy,
                    st,
                    path(j),
                    format!("\"{text}\" is an action of private ECR: it has no effect in an ECR Public repository policy"),
                    format!("use the ecr-public: action of the same name, \"ecr-public:{name}\""),
                );
            }
            ActionCheck::Repository(act) | ActionCheck::NotRepositoryAction(act)
                if !a.negated
                    && out.kind == PolicyKind::Registry
                    && !RegistryPolicyScope::V1.allows(act) =>
            {
                let v1 = out.scope == RegistryPolicyScope::V1;
                out.push(
                    LintCode::ActionOutsideScopeV1,
                    st,
                    path(j),
                    if v1 {
                        format!("{act} is refused by a registry of policy scope V1, which enforces only ecr:ReplicateImage, ecr:BatchImportUpstreamImage and ecr:CreateRepository")
                    } else {
                        format!("{act} is enforced only by registries of policy scope V2 (the default); a registry still on V1 refuses this policy")
                    },
                    "check the scope with `aws ecr get-account-setting --name REGISTRY_POLICY_SCOPE`; switch with `aws ecr put-account-setting --name REGISTRY_POLICY_SCOPE --value V2`",
                );
                if v1 {
                    if let Some(f) = out.findings.last_mut() {
                        f.severity = super::finding::Severity::Error;
                    }
                }
            }
            ActionCheck::AuthorizationToken if out.kind == PolicyKind::Identity => {}
            ActionCheck::NotRepositoryAction(_)
                if matches!(out.kind, PolicyKind::Identity | PolicyKind::Registry) => {}
            ActionCheck::OtherService if out.kind == PolicyKind::Identity => {}
            ActionCheck::AuthorizationToken if !a.negated => out.push(
                LintCode::AuthorizationTokenInRepositoryPolicy,
                st,
                path(j),
                format!(
                    "ecr:GetAuthorizationToken has no resource: {} cannot grant it",
                    out.kind.with_article()
                ),
                "grant it in the caller's identity policy on \"Resource\": \"*\"",
            ),
            ActionCheck::NotRepositoryAction(act) if !a.negated => out.push(
                LintCode::NotARepositoryAction,
                st,
                path(j),
                format!(
                    "{act} does not apply to a repository: a repository policy cannot grant it"
                ),
                "grant it in an identity policy, or in the registry policy",
            ),
            ActionCheck::OtherService if !a.negated && *text != "*" => out.push(
                LintCode::ForeignAction,
                st,
                path(j),
                format!(
                    "\"{text}\" is not an ECR action and has no effect in {}",
                    out.kind.with_article()
                ),
                "remove it",
            ),
            ActionCheck::Pattern(_)
                if out.kind == PolicyKind::Identity
                    && !text.to_ascii_lowercase().starts_with("ecr") => {}
            ActionCheck::Pattern(matches) if matches.is_empty() && !a.negated => {
                let service = text
                    .bytes()
                    .position(|b| b == b':')
                    .map_or("", |colon| &text[..colon]);
                let ecr = if service
                    .bytes()
                    .all(|b| b.is_ascii() && b != b'*' && b != b'?')
                {
                    // Without a wildcard, ASCII text matches exactly its own letters in
                    // either case.
                    service.eq_ignore_ascii_case("ecr")
                        || service.eq_ignore_ascii_case("ecr-public")
                } else {
                    ["ecr", "ecr-public"]
                        .iter()
                        .any(|ours| wildcard_match(service, ours, true))
                };
                if !ecr {
                    out.push(
                        LintCode::ForeignAction,
                        st,
                        path(j),
                        format!(
                            "\"{text}\" is a pattern for actions of another service ({service}) and matches no ECR action: it has no effect in a repository policy"
                        ),
                        "remove it",
                    );
                } else if s.effect == Effect::Allow && !service.eq_ignore_ascii_case("ecr-public") {
                    out.push(
                        LintCode::WildcardAction,
                        st,
                        path(j),
                        quoted(
                            text,
                            " matches no ECR action today, and will match every action AWS adds later that fits it",
                        ),
                        "list the actions, or use a bundle such as pull or push",
                    );
                }
            }
            ActionCheck::Pattern(matches) if s.effect == Effect::Allow && !a.negated => {
                // Written without the formatting machinery: a list of patterns has one of
                // these for each entry.
                let today: Vec<&str> = matches.iter().map(|m| m.name()).collect();
                let mut message = String::with_capacity(text.len() + 16 * today.len().min(8) + 96);
                message.push('"');
                message.push_str(text);
                message.push_str("\" matches ");
                push_number(&mut message, today.len());
                message.push_str(" ECR actions today (");
                for (k, name) in today.iter().take(8).enumerate() {
                    if k > 0 {
                        message.push_str(", ");
                    }
                    message.push_str(name);
                }
                if today.len() > 8 {
                    message.push_str(" and ");
                    push_number(&mut message, today.len() - 8);
                    message.push_str(" more");
                }
                message.push_str(") and will match every action AWS adds later");
                out.push(
                    LintCode::WildcardAction,
                    st,
                    path(j),
                    message,
                    "list the actions, or use a bundle such as pull or push",
                );
            }
            _ => {}
        }
        redundant_finding(out, st, redundant.as_deref(), j, text, first, path);
    }
    if others {
        // The entries that are neither catalogue actions nor patterns, resolved in one call.
        listed |= policy_analysis::ir::Actions::resolve_entries(
            false,
            a.actions.iter().filter_map(|x| match x {
                ActionItem::Other(text) => Some((text.as_str(), None)),
                _ => None,
            }),
        )
        .0;
    }
    let repository = policy_analysis::ir::ActionSet::REPOSITORY.0;
    listed &= repository;
    out.resolved[i] = policy_analysis::ir::ActionSet(if a.negated {
        repository & !listed
    } else {
        listed
    });
}

/// The repository actions entry `item` covers (`bits`: its [`policy_catalogue::action_bits`]
/// when it is a pattern), as [`policy_analysis::ir::Actions::resolve`] counts them: a
/// catalogue action is its own bit, an ECR Public action (a name without wildcards, outside
/// `ecr:`) none, a pattern (ASCII, by its rules) what it matches; other text is left to the
/// caller, which resolves all such entries of a list in one call.
fn resolved_entry(item: &ActionItem, bits: u128) -> u128 {
    match item {
        ActionItem::Ecr(a) => 1 << a.index(),
        ActionItem::Public(_) | ActionItem::Other(_) => 0,
        ActionItem::Pattern(_) => bits,
    }
}

/// Why a repository policy does not grant `act` (one of the actions
/// [`is_granted_by_repository_policy`](policy_catalogue::Action::is_granted_by_repository_policy)
/// leaves out), and where to grant it instead.
fn not_granted_words(act: policy_catalogue::Action) -> (&'static str, &'static str) {
    use policy_catalogue::Action;
    match act {
        // <https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html>
        Action::ReplicateImage => (
            "AWS requires the destination registry's policy to grant replication",
            "grant it to the source account in the registry policy of the destination registry (PutRegistryPolicy), with ecr:CreateRepository if repositories are to be created",
        ),
        // <https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html>
        _ => (
            "the repository it would create has no policy yet, and AWS takes it from an identity policy or the registry policy",
            "grant it in the caller's identity policy, or in the registry policy for replication and pull through cache",
        ),
    }
}

/// The finding of entry `j` when another entry of its list covers it. The entry's findings
/// start at `first` in the list; the path of one of them is copied rather than written again.
fn redundant_finding(
    out: &mut Out,
    st: Option<usize>,
    redundant: Option<&[bool]>,
    j: usize,
    text: &str,
    first: usize,
    path: impl Fn(usize) -> String,
) {
    if redundant.is_some_and(|r| r[j]) {
        let path = match out.findings.get(first..).and_then(<[Finding]>::last) {
            Some(earlier) => earlier.path.clone(),
            None => path(j),
        };
        out.push(
            LintCode::RedundantAction,
            st,
            path,
            quoted(text, " is already covered by another entry of the list"),
            "remove it",
        );
    }
}

/// [`classify_entry`] of an entry, asking the catalogue what a pattern matches.
#[cfg(test)]
fn classify_item(item: &ActionItem, named: bool) -> Option<ActionCheck> {
    let bits = match item {
        ActionItem::Pattern(p) => policy_catalogue::action_bits(p.as_str()),
        _ => 0,
    };
    classify_entry(item, named, bits)
}

/// [`classify_action`] of an entry: the catalogue's actions are known by their variant, and a
/// pattern's matches (`bits`, [`policy_catalogue::action_bits`] of its text; unused for other
/// entries) are listed only when `named` (a finding may name them); `None` for a pattern that
/// matches some action when they are not, which no rule reports.
fn classify_entry(item: &ActionItem, named: bool, bits: u128) -> Option<ActionCheck> {
    Some(match item {
        ActionItem::Pattern(_) if !named => {
            if bits != 0 {
                return None;
            }
            ActionCheck::Pattern(Vec::new())
        }
        ActionItem::Pattern(_) => ActionCheck::Pattern(matching_actions(bits)),
        ActionItem::Ecr(policy_catalogue::Action::GetAuthorizationToken) => {
            ActionCheck::AuthorizationToken
        }
        ActionItem::Ecr(a) if a.is_repository_action() => ActionCheck::Repository(*a),
        ActionItem::Ecr(a) => ActionCheck::NotRepositoryAction(*a),
        ActionItem::Public(a) => ActionCheck::Public(*a),
        ActionItem::Other(text) => classify_action(text),
    })
}

/// [`policy_catalogue::ActionPattern::matching_actions`]: the catalogue's actions of `bits`
/// (a pattern's [`policy_catalogue::action_bits`]), in rank order, read off the actions sorted
/// by rank once.
fn matching_actions(bits: u128) -> Vec<policy_catalogue::Action> {
    use policy_catalogue::Action;
    static BY_RANK: std::sync::OnceLock<[Action; Action::ALL.len()]> = std::sync::OnceLock::new();
    if bits == 0 {
        return Vec::new();
    }
    let by_rank = BY_RANK.get_or_init(|| {
        let mut all = Action::ALL;
        all.sort_by_key(|a| a.rank());
        all
    });
    by_rank
        .iter()
        .copied()
        .filter(|a| bits & 1 << a.index() != 0)
        .collect()
}

/// Text compared and hashed ignoring ASCII letter case, without a lowercase copy: two texts
/// are equal exactly when their `to_ascii_lowercase` are.
#[derive(Clone, Copy)]
struct Folded<'a>(&'a str);

impl PartialEq for Folded<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 || self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Folded<'_> {}

impl std::hash::Hash for Folded<'_> {
    /// Eight bytes at a time with bit 5 of every byte set, which the two cases of a letter
    /// share: texts equal ignoring ASCII case hash alike.
    /// The bytes past the last whole word are read as the text's last eight bytes (which
    /// overlap the word before), without a copy of a varying length; only a text shorter
    /// than a word is read byte by byte.
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        const FOLD: u64 = 0x2020_2020_2020_2020;
        let bytes = self.0.as_bytes();
        let mut key = bytes.len() as u64;
        let mut mix = |word: u64| {
            key = (key.rotate_left(5) ^ (word | FOLD)).wrapping_mul(0x517c_c1b7_2722_0a95)
        };
        let mut words = bytes.chunks_exact(8);
        for chunk in &mut words {
            mix(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        if !words.remainder().is_empty() {
            mix(match bytes.last_chunk::<8>() {
                Some(last) => u64::from_le_bytes(*last),
                None => bytes.iter().fold(0, |w, &b| w << 8 | u64::from(b)),
            });
        }
        h.write_u64(key ^ (key >> 29));
    }
}

/// The hasher of maps keyed by [`Folded`], which hashes itself.
#[derive(Default)]
struct FoldedHasher(u64);

impl std::hash::Hasher for FoldedHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

type FoldedMap<'a, V> =
    std::collections::HashMap<Folded<'a>, V, std::hash::BuildHasherDefault<FoldedHasher>>;

/// What the rules need to know of each entry of an `Action` list beside its own text, found
/// in one pass over the list: whether an earlier entry has the same text ignoring ASCII case,
/// and for a pattern the catalogue actions it matches, asked of the catalogue once per
/// spelling rather than once per entry.
struct Entries {
    /// Empty when no entry repeats an earlier one.
    repeats: Vec<bool>,
    /// [`policy_catalogue::action_bits`] of each pattern entry (0 for the others); empty when
    /// the list holds no pattern.
    bits: Vec<u128>,
}

impl Entries {
    fn new(items: &ValueList<ActionItem>) -> Entries {
        use std::collections::hash_map::Entry;
        let n = items.len();
        let mut entries = Entries {
            repeats: Vec::new(),
            bits: Vec::new(),
        };
        let (mut ecr, mut public) = (0u128, 0u128);
        // The first entry of each spelling that is not a catalogue action, by its text.
        let mut firsts: Option<FoldedMap<'_, usize>> = None;
        for (j, item) in items.iter().enumerate() {
            let repeat = match item {
                ActionItem::Ecr(a) => {
                    let bit = 1u128 << a.index();
                    let seen = ecr & bit != 0;
                    ecr |= bit;
                    seen
                }
                ActionItem::Public(a) => {
                    let bit = 1u128 << a.index();
                    let seen = public & bit != 0;
                    public |= bit;
                    seen
                }
                ActionItem::Pattern(_) | ActionItem::Other(_) => {
                    let pattern = match item {
                        ActionItem::Pattern(p) => Some(p.as_str()),
                        _ => None,
                    };
                    if pattern.is_some() && entries.bits.is_empty() {
                        entries.bits = vec![0; n];
                    }
                    let first = if n < 2 {
                        None
                    } else {
                        // Room for every entry left that is not a catalogue action, at
                        // once rather than through every smaller table.
                        let room = || {
                            let left = items.iter().skip(j);
                            FoldedMap::with_capacity_and_hasher(
                                left.filter(|x| {
                                    matches!(x, ActionItem::Pattern(_) | ActionItem::Other(_))
                                })
                                .count(),
                                std::hash::BuildHasherDefault::default(),
                            )
                        };
                        match firsts.get_or_insert_with(room).entry(Folded(item.as_str())) {
                            Entry::Occupied(e) => Some(*e.get()),
                            Entry::Vacant(e) => {
                                e.insert(j);
                                None
                            }
                        }
                    };
                    if let Some(p) = pattern {
                        // A repeat in another letter case matches what its first spelling
                        // does; that spelling may be other text (`ECR:Batch*` is no pattern).
                        entries.bits[j] = match first {
                            Some(k) if matches!(items[k], ActionItem::Pattern(_)) => {
                                entries.bits[k]
                            }
                            _ => policy_catalogue::action_bits(p),
                        };
                    }
                    first.is_some()
                }
            };
            if repeat {
                if entries.repeats.is_empty() {
                    entries.repeats = vec![false; n];
                }
                entries.repeats[j] = true;
            }
        }
        entries
    }

    /// The catalogue actions entry `j` matches when it is a pattern.
    fn bits(&self, j: usize) -> u128 {
        self.bits.get(j).copied().unwrap_or(0)
    }

    fn repeats(&self, j: usize) -> bool {
        self.repeats.get(j).copied().unwrap_or(false)
    }

    /// For each entry, whether it repeats an earlier one (in any letter case) or a wildcard
    /// entry of the list covers it ([`action_covers_action`]); `None` when no entry is
    /// redundant. An entry that
    /// repeats an earlier one is known; a catalogue action is covered exactly when a wildcard
    /// entry matches it, which is its bit in the union of the wildcard entries' catalogue
    /// bits; any other entry is looked up among the wildcard entries by its text.
    fn redundant(&self, items: &ValueList<ActionItem>) -> Option<Vec<bool>> {
        // An entry alone neither repeats nor is covered by another.
        if items.len() < 2 {
            return None;
        }
        let wild = |text: &str| text.bytes().any(|b| b == b'*' || b == b'?');
        let mut redundant = self.repeats.clone();
        // The first spelling of each wildcard entry: only those cover others.
        let wide: Vec<(usize, &str)> = items
            .iter()
            .enumerate()
            .filter(|&(j, item)| {
                // A pattern holds a wildcard by its rules; other text is scanned.
                match item {
                    ActionItem::Ecr(_) | ActionItem::Public(_) => false,
                    ActionItem::Pattern(_) => !self.repeats(j),
                    ActionItem::Other(text) => !self.repeats(j) && wild(text),
                }
            })
            .map(|(j, item)| (j, item.as_str()))
            .collect();
        if !wide.is_empty() {
            let index = Wide::new(wide.iter().map(|&(_, w)| w));
            // The catalogue's bits read a wildcard as `wildcard_match` does for ASCII text.
            let by_bits = wide.iter().all(|(_, w)| w.is_ascii());
            let mut covered_actions: Option<u128> = None;
            for (j, item) in items.iter().enumerate() {
                if self.repeats(j) {
                    continue;
                }
                let covered = match item {
                    ActionItem::Ecr(a) if by_bits => {
                        let union = *covered_actions.get_or_insert_with(|| {
                            wide.iter().fold(0, |union, &(k, w)| {
                                union
                                    | match &items[k] {
                                        ActionItem::Pattern(_) => self.bits(k),
                                        _ => policy_catalogue::action_bits(w),
                                    }
                            })
                        });
                        union & 1 << a.index() != 0
                    }
                    _ => index.covers(item.as_str()),
                };
                if covered {
                    if redundant.is_empty() {
                        redundant = vec![false; items.len()];
                    }
                    redundant[j] = true;
                }
            }
        }
        (!redundant.is_empty()).then_some(redundant)
    }
}

/// Wildcard entries grouped by their literal text before the first wildcard, ignoring ASCII
/// case: an entry is compared only with the patterns whose literal start it begins with, and
/// a pattern of the form `prefix*` answers by a lookup.
struct Wide<'a> {
    /// For each literal start: whether `start*` is one of the patterns, and the patterns,
    /// each with whether it can cover an entry that holds a `*` (it ends with one:
    /// [`action_covers_action`]).
    by_prefix: FoldedMap<'a, (bool, Vec<(&'a str, bool)>)>,
    /// The lengths of the literal starts: only prefixes that long can name a group.
    lengths: Vec<usize>,
}

impl<'a> Wide<'a> {
    /// `patterns`: texts with a wildcard, each spelling once.
    fn new(patterns: impl Iterator<Item = &'a str>) -> Wide<'a> {
        let mut by_prefix: FoldedMap<'a, (bool, Vec<(&'a str, bool)>)> = FoldedMap::default();
        for text in patterns {
            let Some(cut) = text.bytes().position(|b| b == b'*' || b == b'?') else {
                continue;
            };
            let group = by_prefix.entry(Folded(&text[..cut])).or_default();
            group.0 |= &text[cut..] == "*";
            group.1.push((text, text.ends_with('*')));
        }
        let mut lengths: Vec<usize> = by_prefix.keys().map(|k| k.0.len()).collect();
        lengths.sort_unstable();
        lengths.dedup();
        Wide { by_prefix, lengths }
    }

    /// Whether one of the patterns covers `text` ([`action_covers_action`]).
    fn covers(&self, text: &str) -> bool {
        // A pattern that does not end with `*` covers no entry holding a `*`
        // (the third test of `action_covers_action`, asked once here for the entry).
        let starred = text.bytes().any(|b| b == b'*');
        self.lengths
            .iter()
            .copied()
            .filter(|&k| text.is_char_boundary(k))
            .any(|k| {
                self.by_prefix
                    .get(&Folded(&text[..k]))
                    .is_some_and(|(star, ws)| {
                        // `prefix*` covers every other entry that starts with `prefix`.
                        (*star && text[k..] != *"*")
                            || ws.iter().any(|&(w, wide)| {
                                (wide || !starred) && action_covers_action(w, text)
                            })
                    })
            })
    }
}

/// [`Entries::redundant`] of a list.
#[cfg(test)]
fn redundant_items(items: &ValueList<ActionItem>) -> Option<Vec<bool>> {
    Entries::new(items).redundant(items)
}

/// For each entry, whether it repeats an earlier one (in any letter case) or a wildcard entry
/// of the list covers it ([`action_covers_action`]), each entry looked up once (see [`Wide`]).
#[cfg(test)]
fn redundant_entries(texts: &[&str]) -> Vec<bool> {
    let mut seen: FoldedMap<'_, ()> = FoldedMap::default();
    let repeats: Vec<bool> = texts
        .iter()
        .map(|t| seen.insert(Folded(t), ()).is_some())
        .collect();
    let index = Wide::new(
        texts
            .iter()
            .zip(&repeats)
            .filter(|&(_, &r)| !r)
            .map(|(t, _)| *t),
    );
    texts
        .iter()
        .zip(&repeats)
        .map(|(t, &r)| r || index.covers(t))
        .collect()
}

/// `Statement[i].{name}[`: what the paths of a list's entries start with.
fn entry_path_start(i: usize, name: &str) -> String {
    let mut start = String::with_capacity(16 + name.len());
    start.push_str("Statement[");
    push_number(&mut start, i);
    start.push_str("].");
    start.push_str(name);
    start.push('[');
    start
}

/// `Statement[i].{name}[j]` from its start ([`entry_path_start`]), written without the
/// formatting machinery: the lint writes one for every finding on an entry, and a list can
/// hold hundreds.
fn entry_path(start: &str, j: usize) -> String {
    let mut path = String::with_capacity(start.len() + 6);
    path.push_str(start);
    push_number(&mut path, j);
    path.push(']');
    path
}

fn push_number(s: &mut String, n: usize) {
    if n >= 10 {
        push_number(s, n / 10);
    }
    s.push(char::from(b'0' + (n % 10) as u8));
}

/// `"text"` followed by `rest`.
fn quoted(text: &str, rest: &str) -> String {
    let mut s = String::with_capacity(text.len() + rest.len() + 2);
    s.push('"');
    s.push_str(text);
    s.push('"');
    s.push_str(rest);
    s
}

fn conditions(out: &mut Out, i: usize, s: &Statement, legacy: bool) {
    let st = Some(i);
    for t in s.condition.tests() {
        let op = t.operator;
        let key = t.key.as_str();
        let path = || format!("Statement[{i}].Condition.{op}.{key}");
        // The key's catalogue entry, looked up once for the test and its values.
        let known = t.key.known();
        // `operator_fits_key_name(op.operator, key)`.
        let fits = known.map(|k| k.fits(op.operator));
        if fits == Some(false) {
            let ty = known.map_or("", |k| key_type_name(k.value_type));
            out.push(
                LintCode::OperatorKeyMismatch,
                st,
                path(),
                format!("{op} does not fit {key}, whose values are {ty}"),
                suggest_operator(known.map(|k| k.value_type)),
            );
        }
        if t.values.is_empty() {
            out.push(
                LintCode::EmptyList,
                st,
                path(),
                format!("{key} has no values"),
                "give it a value, or remove the test",
            );
        }
        for (j, v) in t.values.iter().enumerate() {
            let text = v.as_text();
            // JSON booleans and numbers fit the operators they are typed for.
            let typed = matches!(v, ConditionValue::String(_));
            let problem = typed
                .then(|| value_problem(op.operator, known, key, &text))
                .flatten();
            // Mismatched operators and keys have their own finding.
            if let Some(problem) = problem.filter(|_| fits != Some(false)) {
                let (message, hint) = problem.split_once("\nhelp: ").unwrap_or((&problem, ""));
                let hint = if hint.is_empty() {
                    "write a value of the operator's type"
                } else {
                    hint
                };
                out.push(
                    LintCode::ValueTypeMismatch,
                    st,
                    format!("{}[{j}]", path()),
                    message.replace('`', ""),
                    hint.to_owned(),
                );
            }
            if wildcard_in_non_like(op.operator, &text) {
                out.push(
                    LintCode::WildcardInNonLikeOperator,
                    st,
                    format!("{}[{j}]", path()),
                    format!("{op} takes \"{text}\" literally: * and ? are wildcards only for Like operators"),
                    format!("use {} if a wildcard is meant", like_of(op.operator)),
                );
            }
            if legacy && has_policy_variable(&text) {
                out.push(
                    LintCode::PolicyVariableInLegacyVersion,
                    st,
                    format!("{}[{j}]", path()),
                    format!(
                        "under Version 2008-10-17 \"{text}\" is plain text, not a policy variable"
                    ),
                    "set \"Version\": \"2012-10-17\"",
                );
            }
        }
    }
    if legacy {
        if let Some(p) = &s.principal {
            for x in p.principals.iter() {
                let text = x.to_string();
                if has_policy_variable(&text) {
                    out.push(
                        LintCode::PolicyVariableInLegacyVersion,
                        st,
                        format!("Statement[{i}].Principal"),
                        format!("under Version 2008-10-17 \"{text}\" is plain text, not a policy variable"),
                        "set \"Version\": \"2012-10-17\"",
                    );
                }
            }
        }
    }
}

/// [`condition_value_problem`] of a value of the key whose catalogue entry is `known`: under
/// a string or ARN operator it finds a problem only in the value of a key that holds ARNs,
/// so the values of other keys are not looked up in the catalogue again.
fn value_problem(
    op: policy_catalogue::Operator,
    known: Option<&policy_catalogue::KnownKey>,
    key: &str,
    value: &str,
) -> Option<String> {
    use policy_catalogue::{KeyType, OperatorFamily};
    if matches!(op.family(), OperatorFamily::String | OperatorFamily::Arn)
        && known.is_none_or(|k| k.value_type != KeyType::Arn)
    {
        return None;
    }
    condition_value_problem(op, key, value)
}

fn key_type_name(t: policy_catalogue::KeyType) -> &'static str {
    use policy_catalogue::KeyType as K;
    match t {
        K::String => "strings",
        K::Arn => "ARNs",
        K::Numeric => "numbers",
        K::Date => "dates",
        K::Bool => "booleans",
        K::Ip => "IP addresses",
        K::Binary => "binary",
    }
}

fn suggest_operator(t: Option<policy_catalogue::KeyType>) -> String {
    use policy_catalogue::KeyType as K;
    let ops = match t {
        Some(K::String) => "a String operator (StringEquals, StringLike, ...)",
        Some(K::Arn) => "an Arn operator (ArnEquals, ArnLike, ...)",
        Some(K::Numeric) => "a Numeric operator",
        Some(K::Date) => "a Date operator",
        Some(K::Bool) => "Bool",
        Some(K::Ip) => "IpAddress or NotIpAddress",
        Some(K::Binary) => "BinaryEquals",
        None => "an operator of the key's type",
    };
    format!("use {ops}")
}

fn like_of(op: policy_catalogue::Operator) -> &'static str {
    use policy_catalogue::Operator as O;
    match op {
        O::StringNotEquals | O::StringNotEqualsIgnoreCase => "StringNotLike",
        O::ArnEquals => "ArnLike",
        O::ArnNotEquals => "ArnNotLike",
        _ => "StringLike",
    }
}

/// Identity policies: an action without resource-level permissions is granted only on `"*"`
/// (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_service-with-iam.html>).
fn wildcard_resource(out: &mut Out, i: usize, s: &Statement) {
    let (Some(a), Some(r)) = (&s.action, &s.resource) else {
        return;
    };
    if a.negated
        || r.negated
        || r.resources
            .iter()
            .any(|x| !x.is_empty() && x.bytes().all(|b| b == b'*'))
    {
        return;
    }
    let name = "Action";
    for (j, item) in a.actions.iter().enumerate() {
        let act = match classify_action(item.as_str()) {
            ActionCheck::AuthorizationToken => policy_catalogue::Action::GetAuthorizationToken,
            ActionCheck::NotRepositoryAction(act)
                if act.resource_type() == policy_catalogue::ResourceType::None =>
            {
                act
            }
            _ => continue,
        };
        out.push(
            LintCode::ActionNeedsWildcardResource,
            Some(i),
            format!("Statement[{i}].{name}[{j}]"),
            format!("{act} has no resource-level permissions: on this Resource the statement grants it nowhere"),
            format!("grant {act} in a statement of its own with \"Resource\": \"*\""),
        );
    }
}

/// Registry policies: every `Resource` names repositories of one registry.
fn registry_resources(out: &mut Out, doc: &PolicyDocument, account: Option<&AccountId>) {
    if let Some(ours) = account {
        for (i, s) in doc.statements.iter().enumerate() {
            let Some(r) = &s.resource else { continue };
            for (j, text) in r.resources.iter().enumerate() {
                let theirs = text
                    .split(':')
                    .nth(4)
                    .filter(|_| is_private_repository_arn(text));
                if theirs.is_some_and(|a| a != ours.as_str()) {
                    let index = if r.resources.is_written_bare() {
                        String::new()
                    } else {
                        format!("[{j}]")
                    };
                    out.push(
                        LintCode::ResourceOutsideRegistry,
                        Some(i),
                        format!("Statement[{i}].Resource{index}"),
                        format!("\"{}\" names repositories of another account than the registry's, {ours}", text.escape_debug()),
                        "a registry policy covers the repositories of its own registry: name arn:aws:ecr:REGION:ACCOUNT:repository/... with the registry's account",
                    );
                }
            }
        }
    }
    if let Err(e) = RegistryPolicy::check(doc.clone(), RegistryPolicyScope::V2) {
        for v in e.violations {
            use crate::model::kinds::KindRuleViolation as V;
            let (statement, message) = match &v {
                V::NotARepositoryArn {
                    statement,
                    resource,
                    ..
                } => (
                    *statement,
                    if is_private_repository_arn(resource) {
                        format!(
                            "\"{}\" is not a valid repository ARN",
                            resource.escape_debug()
                        )
                    } else {
                        format!("\"{}\" is not a repository of the registry: a registry policy covers repository ARNs of its own registry", resource.escape_debug())
                    },
                ),
                V::OtherRegistry { statement, .. } => (
                    *statement,
                    v.to_string()
                        .split_once(": ")
                        .map_or_else(String::new, |(_, m)| m.to_owned()),
                ),
                _ => continue,
            };
            out.push(
                LintCode::ResourceOutsideRegistry,
                Some(statement),
                v.path(),
                message,
                v.hint(),
            );
        }
    }
}

/// Whether no identity of the owning account, its root user included, could call
/// `ecr:SetRepositoryPolicy` under this policy, whatever its identity policies allow: nobody
/// could change it again, and ECR refuses it unless `force` is set (ECR-FACTS section 1).
/// Decided by the exact analysis: a deny of everyone, a deny whose condition always holds, a
/// deny of the account's root (which covers the whole account), or a `NotPrincipal` deny that
/// does not list the account, the role and its sessions. The owner is not known here, so the
/// policy counts when it locks out an account it does not name and each one it names.
///
/// ```
/// use policy_core::PolicyDocument;
/// use policy_core::lint::locks_out_policy_changes;
///
/// let doc = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Deny", "Principal": "*",
///     "Action": "ecr:Set*"}]}"#)?;
/// assert!(locks_out_policy_changes(&doc));
/// let sessions_missed = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [{
///     "Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root",
///     "arn:aws:iam::111122223333:role/admin"]}, "Action": "ecr:SetRepositoryPolicy"}]}"#)?;
/// // The root user is spared, and can still change the policy.
/// assert!(!locks_out_policy_changes(&sessions_missed));
/// # Ok::<(), policy_core::json::ParseError>(())
/// ```
#[must_use]
pub fn locks_out_policy_changes(doc: &PolicyDocument) -> bool {
    !super::exact::locked_out(doc, None).is_empty()
}

/// [`locks_out_policy_changes`] for the policy of `repository`, whose account is the owner:
/// a deny of that account's root, or one sparing only a role of another account, counts too.
///
/// ```
/// use policy_core::PolicyDocument;
/// use policy_core::lint::{locks_out_policy_changes, locks_out_policy_changes_of};
///
/// let doc = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [{
///     "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
///     "Action": "ecr:SetRepositoryPolicy"}]}"#)?;
/// assert!(!locks_out_policy_changes(&doc));
/// let repository = "arn:aws:ecr:us-east-1:111122223333:repository/app".parse()?;
/// assert!(locks_out_policy_changes_of(&doc, &repository));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn locks_out_policy_changes_of(doc: &PolicyDocument, repository: &RepositoryArn) -> bool {
    !super::exact::locked_out(doc, Some(repository)).is_empty()
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use policy_catalogue::checks::{
        action_covers_action, classify_action, condition_value_problem, operator_fits_key_name,
        ActionCheck,
    };
    use policy_catalogue::{known_key, Action, Operator, PublicAction, KNOWN_KEYS};

    use super::{
        classify_entry, classify_item, redundant_entries, redundant_items, Entries, Folded,
        FoldedMap,
    };
    use crate::model::action::ActionItem;
    use crate::model::document::PolicyDocument;
    use crate::model::list::ValueList;

    /// The problems `value_problem` finds with the key's entry given are those of
    /// `condition_value_problem`, and the entry's fit is `operator_fits_key_name`: every
    /// operator, on every catalogue key (in two letter cases, with a tag for the prefixes) and
    /// keys it does not know, with values of every type the rules test and random ones.
    #[test]
    fn value_problems_are_those_of_the_catalogue() {
        let mut keys: Vec<String> = KNOWN_KEYS
            .iter()
            .flat_map(|k| {
                let name = if k.is_prefix {
                    format!("{}team", k.name)
                } else {
                    k.name.to_owned()
                };
                [name.to_ascii_lowercase(), name]
            })
            .collect();
        keys.extend(["ecr:Unknown", "s3:prefix", "aws:SourceArnX"].map(String::from));
        let mut values: Vec<String> = [
            "",
            "*",
            "true",
            "false",
            "42",
            "-1.5e3",
            "2026-12-01T00:00:00Z",
            "10.0.0.0/16",
            "2001:db8::/48",
            "300.0.0.1",
            "123456789012",
            "ci-role",
            "arn:aws:iam::123456789012:role/ci",
            "arn:aws:iam::*:role/team-*",
            "arn:*",
            "o-a1b2c3d4e5",
            "${aws:username}",
            "not an arn",
        ]
        .map(String::from)
        .to_vec();
        let pieces = [
            "arn:", "aws", ":", "*", "?", "1", "0", ".", "/", "${", "}", "T", "-", "x",
        ];
        let mut seed = 0x5eed_2026_1202_u64;
        for _ in 0..400 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            values.push(
                (0..seed % 7)
                    .map(|k| pieces[((seed >> (4 * k + 8)) % pieces.len() as u64) as usize])
                    .collect(),
            );
        }
        for op in Operator::ALL {
            for key in &keys {
                let known = known_key(key);
                assert_eq!(
                    known.map(|k| k.fits(op)),
                    operator_fits_key_name(op, key),
                    "{op:?} {key}"
                );
                for v in &values {
                    assert_eq!(
                        super::value_problem(op, known, key, v),
                        condition_value_problem(op, key, v),
                        "{op:?} {key} {v:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn entries_are_classified_as_their_text() {
        let texts = Action::ALL
            .iter()
            .map(|a| a.as_str().to_owned())
            .chain(PublicAction::ALL.iter().map(|a| a.as_str().to_owned()))
            .chain(
                [
                    "ecr:Batch*",
                    "ecr:bAtCh*",
                    "ECR:Batch*",
                    "ecr:Get*Policy",
                    "ecr:Nothing*",
                    "ecr:putimages",
                    "s3:GetObject",
                    "s3:*",
                    "*",
                    "ecr-public:*",
                ]
                .map(String::from),
            );
        let mut unnamed_patterns = 0;
        for text in texts {
            let item = ActionItem::parse(&text);
            let check = classify_action(item.as_str());
            assert_eq!(classify_item(&item, true).as_ref(), Some(&check), "{text}");
            // Without names, a pattern that matches something has no class.
            match classify_item(&item, false) {
                None => {
                    assert!(
                        matches!(&check, ActionCheck::Pattern(m) if !m.is_empty()),
                        "{text}"
                    );
                    unnamed_patterns += 1;
                }
                unnamed => assert_eq!(unnamed.as_ref(), Some(&check), "{text}"),
            }
        }
        assert_eq!(unnamed_patterns, 4);
    }

    #[test]
    fn redundant_items_are_the_redundant_entries() {
        let pool = [
            "ecr:PutImage",
            "ecr:putimage",
            "ecr:BatchGetImage",
            "ecr-public:PutImage",
            "ECR-PUBLIC:putimage",
            "ecr:Batch*",
            "s3:GetObject",
            "ECR:batch*",
            "ecr:*",
            "ecr*",
            "*",
            "ecr-public:*",
            "ecr:Get*Policy",
            "ecr:GetRepositoryPolicy",
            "ecr:Nothing?",
            "ecr:bAtCh*",
        ];
        for a in pool {
            for b in pool {
                for c in pool {
                    // Lists of one, two and three entries.
                    for texts in [&[a][..], &[a, b], &[a, b, c]] {
                        let items: Vec<ActionItem> =
                            texts.iter().map(|t| ActionItem::parse(t)).collect();
                        let listed: Vec<&str> = items.iter().map(ActionItem::as_str).collect();
                        let expected = redundant_entries(&listed);
                        let items = items.into_iter().collect::<ValueList<_>>();
                        let got =
                            redundant_items(&items).unwrap_or_else(|| vec![false; texts.len()]);
                        assert_eq!(got, expected, "{texts:?}");
                        // What a pattern matches, asked once per spelling, is its own.
                        let entries = Entries::new(&items);
                        for (j, item) in items.iter().enumerate() {
                            for named in [true, false] {
                                assert_eq!(
                                    classify_entry(item, named, entries.bits(j)),
                                    classify_item(item, named),
                                    "{texts:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// The definition, pair by pair.
    fn naive(texts: &[&str]) -> Vec<bool> {
        (0..texts.len())
            .map(|j| {
                texts[..j].iter().any(|o| o.eq_ignore_ascii_case(texts[j]))
                    || texts.iter().any(|w| action_covers_action(w, texts[j]))
            })
            .collect()
    }

    #[test]
    fn redundant_entries_agree_with_the_definition() {
        let pool = [
            "ecr:*",
            "ECR:*",
            "ecr:Batch*",
            "ecr:batch*",
            "ecr:BatchGetImage",
            "ecr:batchgetimage",
            "ecr:B?tch*",
            "ecr:Put*",
            "ecr:PutImage",
            "*",
            "ecr:*Image",
            "ecr:Get*Policy",
            "ecr:GetRepositoryPolicy",
            "ecr:?*",
            "s3:*",
            "ecr:",
            "ecr:Batch",
            "ecr:Batch**",
        ];
        // Every list of up to three entries of the pool, and some longer ones.
        let mut lists: Vec<Vec<&str>> = Vec::new();
        for a in pool {
            lists.push(vec![a]);
            for b in pool {
                lists.push(vec![a, b]);
                for c in pool {
                    lists.push(vec![a, b, c]);
                }
            }
        }
        lists.push(pool.to_vec());
        lists.push(pool.iter().rev().copied().collect());
        for list in &lists {
            assert_eq!(redundant_entries(list), naive(list), "{list:?}");
        }
    }

    #[test]
    fn ten_thousand_wildcard_entries() {
        let texts: Vec<String> = (0..10_000)
            .map(|i| match i % 3 {
                0 => "ecr:*".to_owned(),
                1 => format!("ecr:Batch{i}*"),
                _ => format!("ecr:Get{i}?"),
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let redundant = redundant_entries(&refs);
        // The first `ecr:*` covers everything else; later ones repeat it.
        assert!(!redundant[0]);
        assert!(redundant[1..].iter().all(|&r| r));
    }

    /// The actions the rules resolve for each statement are `ir::Actions::resolve` of its
    /// lowered actions: on each kind of entry alone, and on random lists of names in any
    /// letter case, patterns, repeats, public actions, other services and other text, under
    /// `Action` and `NotAction`.
    #[test]
    fn resolved_actions_are_those_of_the_lowered_statements() {
        let pieces = [
            "ecr:BatchGetImage",
            "ECR:putimage",
            "ecr:putimage",
            "ecr:Batch*",
            "ecr:batch*",
            "ECR:Batch*",
            "ecr:Get*",
            "ecr:*Image",
            "ecr:Describe?mages",
            "ecr:*",
            "*",
            "ecr:Nothing*0?",
            "ecr:NoSuchAction",
            "s3:Get*",
            "s3:GetObject",
            "ecr-public:PutImage",
            "ecr-public:*",
            "ecr:GetAuthorizationToken",
            "ecr:CreateRepository",
            "ecr:List*",
            "ecr:\\u00c4*",
            "ecr:Get\\u212a*",
        ];
        let check = |items: &[&str]| {
            let list = items
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(",");
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":[
                {{"Effect":"Allow","Principal":"*","Action":[{list}]}},
                {{"Effect":"Deny","Principal":"*","NotAction":[{list}]}},
                {{"Effect":"Allow","Principal":"*","Resource":"*"}}]}}"#
            );
            let Ok(doc) = PolicyDocument::from_json(&text) else {
                return false;
            };
            let resolved = super::check(
                &doc,
                crate::model::kind::PolicyKind::Repository,
                crate::model::kinds::RegistryPolicyScope::V2,
                None,
            )
            .resolved;
            let lowered = crate::analysis::access::lower(&doc);
            let expected: Vec<_> = lowered
                .statements
                .iter()
                .map(|s| s.actions.resolve())
                .collect();
            assert_eq!(resolved, expected, "{items:?}");
            true
        };
        for p in pieces {
            assert!(check(&[p]) || p.contains('\\'), "{p}");
        }
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let mut checked = 0;
        for _ in 0..400 {
            let items: Vec<&str> = (0..next(10))
                .map(|_| pieces[next(pieces.len() as u64) as usize])
                .collect();
            checked += usize::from(check(&items));
        }
        assert!(checked > 200, "only {checked} lists read");
    }

    /// Texts equal ignoring ASCII case hash alike, at every length around a word's (where the
    /// last bytes overlap the word before) and at random; and a map keyed by them finds the
    /// first of each spelling as a scan does.
    #[test]
    fn folded_texts_hash_alike_and_are_found_as_by_a_scan() {
        let hash = |t: &str| {
            std::hash::BuildHasherDefault::<super::FoldedHasher>::default().hash_one(Folded(t))
        };
        let swapped = |t: &str| -> String {
            t.chars()
                .map(|c| {
                    if c.is_ascii_lowercase() {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect()
        };
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let letters = ["a", "B", "z", "*", "?", ":", "0", "é", "K"];
        let mut texts: Vec<String> = Vec::new();
        for len in 0..26 {
            for _ in 0..20 {
                texts.push((0..len).map(|_| letters[next(9) as usize]).collect());
            }
        }
        for t in &texts {
            assert_eq!(hash(t), hash(&swapped(t)), "{t:?}");
            assert_eq!(hash(t), hash(&t.to_ascii_lowercase()), "{t:?}");
        }
        // Lists drawn from few texts, so that spellings repeat.
        for _ in 0..200 {
            let list: Vec<String> = (0..next(30))
                .map(|_| {
                    let t = &texts[(next(40) as usize * 13) % texts.len()];
                    if next(2) == 0 {
                        swapped(t)
                    } else {
                        t.clone()
                    }
                })
                .collect();
            let mut firsts: FoldedMap<'_, usize> = FoldedMap::default();
            for (j, t) in list.iter().enumerate() {
                let first = *firsts.entry(Folded(t)).or_insert(j);
                let scan = list
                    .iter()
                    .position(|u| u.eq_ignore_ascii_case(t))
                    .unwrap_or(j);
                assert_eq!(first, scan, "{list:?}");
            }
        }
    }
}

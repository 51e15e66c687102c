//! The hand-written side of the `ecr:` actions: parsing, display, the canonical
//! statement order, and the classification types the generated tables use.

use std::fmt;
use std::str::FromStr;

pub use crate::generated::Action;
use crate::name_hash;
use crate::suggest::closest;

/// The access level AWS assigns an action in the Service Authorization Reference.
///
/// Access levels are not push and pull: `Write` covers both `ecr:PutImage` and
/// `ecr:DeleteRepository`, so granting by access level over-grants.
///
/// ```
/// use policy_catalogue::{AccessLevel, Action};
///
/// assert_eq!(Action::SetRepositoryPolicy.access_level(), AccessLevel::PermissionsManagement);
/// assert_eq!(AccessLevel::PermissionsManagement.as_str(), "Permissions management");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    /// List resources (`ecr:ListImages`, `ecr:DescribeImages`).
    List,
    /// Read data (`ecr:BatchGetImage`, `ecr:GetRepositoryPolicy`).
    Read,
    /// Create, change or delete (`ecr:PutImage`, `ecr:DeleteRepository`).
    Write,
    /// Change who may do what (`ecr:SetRepositoryPolicy`).
    PermissionsManagement,
    /// Change tags (`ecr:TagResource`).
    Tagging,
}

impl AccessLevel {
    /// Every access level.
    pub const ALL: [AccessLevel; 5] = [
        Self::List,
        Self::Read,
        Self::Write,
        Self::PermissionsManagement,
        Self::Tagging,
    ];

    /// The label AWS uses, e.g. `"Permissions management"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::List => "List",
            Self::Read => "Read",
            Self::Write => "Write",
            Self::PermissionsManagement => "Permissions management",
            Self::Tagging => "Tagging",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of resource an action applies to.
///
/// ```
/// use policy_catalogue::{Action, ResourceType};
///
/// assert_eq!(Action::PutImage.resource_type(), ResourceType::Repository);
/// assert_eq!(Action::GetAuthorizationToken.resource_type(), ResourceType::None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ResourceType {
    /// A repository ARN. Only these actions can be granted by a repository policy.
    Repository,
    /// An ECR Public registry ARN.
    Registry,
    /// No resource: the action is only granted on `"Resource": "*"` in an identity policy.
    None,
}

impl ResourceType {
    /// A short lowercase label: `"repository"`, `"registry"` or `"none"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Repository => "repository",
            Self::Registry => "registry",
            Self::None => "none",
        }
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The push and pull workflow, first in the canonical statement order. This is the
/// only place the order is written down; `rank`, bundles and pattern expansion all
/// derive from it.
const WORKFLOW: [Action; 7] = [
    Action::GetDownloadUrlForLayer,
    Action::BatchGetImage,
    Action::BatchCheckLayerAvailability,
    Action::PutImage,
    Action::InitiateLayerUpload,
    Action::UploadLayerPart,
    Action::CompleteLayerUpload,
];

/// `RANKS[action.index()]` is the action's rank, computed once at compile time.
const RANKS: [u8; Action::ALL.len()] = compute_ranks();

const fn compute_ranks() -> [u8; Action::ALL.len()] {
    let mut ranks = [0u8; Action::ALL.len()];
    let mut placed = [false; Action::ALL.len()];
    let mut next = 0u8;
    let mut i = 0;
    while i < WORKFLOW.len() {
        ranks[WORKFLOW[i].index()] = next;
        placed[WORKFLOW[i].index()] = true;
        next += 1;
        i += 1;
    }
    let mut j = 0;
    while j < Action::ALL.len() {
        if !placed[j] {
            ranks[j] = next;
            next += 1;
        }
        j += 1;
    }
    ranks
}

/// Sorts actions into canonical statement order at compile time (insertion sort:
/// the lists are short and this must be a `const fn`).
pub(crate) const fn canonical<const N: usize>(mut actions: [Action; N]) -> [Action; N] {
    let mut i = 1;
    while i < N {
        let mut j = i;
        while j > 0 && actions[j - 1].rank() > actions[j].rank() {
            let t = actions[j - 1];
            actions[j - 1] = actions[j];
            actions[j] = t;
            j -= 1;
        }
        i += 1;
    }
    actions
}

impl Action {
    /// Whether the action applies to a repository: true exactly when
    /// [`resource_type`](Self::resource_type) is [`ResourceType::Repository`].
    ///
    /// Actions without a resource (such as `ecr:GetAuthorizationToken`, which
    /// `docker login` needs) must come from the caller's identity policy instead. Two
    /// actions on a repository are still not granted by a repository policy: see
    /// [`is_granted_by_repository_policy`](Self::is_granted_by_repository_policy).
    pub const fn is_repository_action(self) -> bool {
        matches!(self.resource_type(), ResourceType::Repository)
    }

    /// Whether an `Allow` of a repository policy grants the action: it applies to a
    /// repository ([`is_repository_action`](Self::is_repository_action)) and AWS does not
    /// leave it to other policies ([`is_excluded_from_repository_policies`](Self::is_excluded_from_repository_policies),
    /// the data's `not_granted_by` column). The two exceptions:
    ///
    /// - `ecr:CreateRepository` "can be granted by either an identity-based IAM policy or the
    ///   private registry permissions policy"
    ///   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html>):
    ///   the repository it would create has no policy yet;
    /// - `ecr:ReplicateImage`: "A registry policy must grant permission for the
    ///   `ecr:ReplicateImage` API action"
    ///   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html>),
    ///   the destination registry's policy, not a repository's.
    ///
    /// A pattern such as `ecr:*` in a repository policy therefore grants every other
    /// repository action and not these.
    ///
    /// ```
    /// use policy_catalogue::Action;
    ///
    /// assert!(Action::BatchGetImage.is_granted_by_repository_policy());
    /// assert!(Action::CreateRepository.is_repository_action());
    /// assert!(!Action::CreateRepository.is_granted_by_repository_policy());
    /// assert!(!Action::ReplicateImage.is_granted_by_repository_policy());
    /// assert!(!Action::GetAuthorizationToken.is_granted_by_repository_policy());
    /// ```
    pub const fn is_granted_by_repository_policy(self) -> bool {
        self.is_repository_action() && !self.is_excluded_from_repository_policies()
    }

    /// Rank in the canonical statement order, `0` first.
    ///
    /// The order is the pull workflow (`GetDownloadUrlForLayer`, `BatchGetImage`,
    /// `BatchCheckLayerAvailability`), then the rest of the push workflow
    /// (`PutImage`, `InitiateLayerUpload`, `UploadLayerPart`, `CompleteLayerUpload`),
    /// then every other action in catalogue (alphabetical) order. Sorting the union
    /// of the `pull` and `push` bundles by rank gives, in either order of the
    /// bundles, exactly the action list of the common push-and-pull policy.
    ///
    /// ```
    /// use policy_catalogue::Action;
    ///
    /// assert_eq!(Action::GetDownloadUrlForLayer.rank(), 0);
    /// assert!(Action::CompleteLayerUpload.rank() < Action::BatchDeleteImage.rank());
    /// ```
    pub const fn rank(self) -> u8 {
        RANKS[self.index()]
    }

    /// The action with this name (without the `ecr:` prefix), in any ASCII letter case.
    ///
    /// ```
    /// use policy_catalogue::Action;
    /// assert_eq!(Action::from_name("PutImage"), Some(Action::PutImage));
    /// assert_eq!(Action::from_name("putimage"), Some(Action::PutImage));
    /// assert_eq!(Action::from_name("ecr:PutImage"), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Action> {
        Action::by_name_slot(name.as_bytes()).filter(|a| name_hash::same_name(a.name(), name))
    }

    /// Position in [`Action::ALL`]; dense, so usable as a bit index.
    pub const fn index(self) -> usize {
        // The generated enum declares its variants in `ALL` order.
        self as usize
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Splits `service:name` at the first colon; `None` for the service when there is
/// no colon.
pub(crate) fn split_service(input: &str) -> (Option<&str>, &str) {
    match input.split_once(':') {
        Some((service, name)) => (Some(service), name),
        None => (None, input),
    }
}

/// Suggests the closest catalogue entry for a misspelt name, returning its full text.
pub(crate) fn suggest<T: Copy>(
    all: &[T],
    name_of: impl Fn(T) -> &'static str,
    text_of: impl Fn(T) -> &'static str,
    name: &str,
) -> Option<&'static str> {
    let best = closest(name, all.iter().map(|&a| name_of(a)))?;
    all.iter()
        .copied()
        .find(|&a| name_of(a) == best)
        .map(text_of)
}

impl FromStr for Action {
    type Err = UnknownAction;

    /// Accepts `"ecr:PutImage"` or the bare `"PutImage"`, in any ASCII letter case
    /// (AWS treats action names case-insensitively), and yields the catalogue
    /// variant.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let (service, name) = split_service(input);
        let service_ok = service.is_none_or(|s| s.eq_ignore_ascii_case("ecr"));
        if service_ok {
            if let Some(action) = Action::from_name(name) {
                return Ok(action);
            }
        }
        let suggestion = if service_ok || service == Some("") {
            suggest(&Action::ALL, Action::name, Action::as_str, name)
        } else {
            None
        };
        Err(UnknownAction {
            input: input.to_string(),
            suggestion,
        })
    }
}

/// The service prefix of `input` when it is present, non-empty and not `expected`.
pub(crate) fn foreign_service<'a>(input: &'a str, expected: &str) -> Option<&'a str> {
    match split_service(input).0 {
        Some(s) if !s.is_empty() && !s.eq_ignore_ascii_case(expected) => Some(s),
        _ => None,
    }
}

/// The input is not one of the `ecr:` actions of the catalogue.
///
/// ```
/// use policy_catalogue::Action;
///
/// let err = "ecr:PutImages".parse::<Action>().unwrap_err();
/// assert_eq!(err.suggestion, Some("ecr:PutImage"));
/// assert_eq!(
///     err.to_string(),
///     r#"unknown ECR action "ecr:PutImages"; did you mean "ecr:PutImage"?"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownAction {
    /// The text that failed to parse.
    pub input: String,
    /// The closest catalogue action, in full (`"ecr:PutImage"`), if one is close.
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input = self.input.escape_debug();
        if let Some(service) = foreign_service(&self.input, "ecr") {
            return write!(
                f,
                "\"{input}\" is not an ECR action (service prefix \"{}\")",
                service.escape_debug()
            );
        }
        match self.suggestion {
            Some(s) => write!(f, "unknown ECR action \"{input}\"; did you mean \"{s}\"?"),
            None => write!(
                f,
                "unknown ECR action \"{input}\": expected one of the {} ecr: actions, e.g. \"ecr:PutImage\"",
                Action::ALL.len()
            ),
        }
    }
}

impl std::error::Error for UnknownAction {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_index_finds_every_name_in_any_case_and_nothing_else() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            assert_eq!(Action::from_name(&a.name().to_ascii_lowercase()), Some(a));
            assert_eq!(Action::from_name(&a.name().to_ascii_uppercase()), Some(a));
            assert_eq!(Action::from_name(&format!("{}s", a.name())), None);
            assert_eq!(Action::from_name(&a.name()[1..]), None);
        }
        for p in crate::PublicAction::ALL {
            assert_eq!(
                crate::PublicAction::from_name(&p.name().to_ascii_lowercase()),
                Some(p)
            );
        }
        for junk in [
            "",
            "ecr:PutImage",
            "Put Image",
            "é",
            "PutImage\0",
            "P",
            "PutImag",
        ] {
            assert_eq!(Action::from_name(junk), None, "{junk:?}");
        }
        // Every spelling ignoring case, and nothing that differs in any other way: the hash
        // folds only bit 5, which the comparison after it checks.
        for a in Action::ALL {
            let name = a.name();
            for i in 0..name.len() {
                let mut flipped = name.as_bytes().to_vec();
                flipped[i] ^= 0x20;
                assert_eq!(
                    Action::from_name(std::str::from_utf8(&flipped).unwrap()),
                    Some(a)
                );
                for other in [b'@', b'`', b'[', b'{', b'0', 0x10] {
                    let mut changed = name.as_bytes().to_vec();
                    changed[i] = other;
                    let changed = String::from_utf8(changed).unwrap();
                    assert_eq!(Action::from_name(&changed), None, "{changed:?}");
                }
            }
        }
    }

    #[test]
    fn all_is_in_index_order_and_sorted() {
        assert_eq!(Action::ALL.len(), 60);
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(a.index(), i);
        }
        for pair in Action::ALL.windows(2) {
            assert!(pair[0].name() < pair[1].name());
        }
    }

    #[test]
    fn as_str_and_name_agree() {
        for a in Action::ALL {
            assert_eq!(a.as_str(), format!("ecr:{}", a.name()));
            assert_eq!(a.to_string(), a.as_str());
        }
    }

    #[test]
    fn ranks_are_a_permutation_with_the_workflow_first() {
        let mut seen = [false; 60];
        for a in Action::ALL {
            let r = usize::from(a.rank());
            assert!(r < 60);
            assert!(!seen[r], "rank {r} used twice");
            seen[r] = true;
        }
        let mut by_rank = Action::ALL;
        by_rank.sort_by_key(|a| a.rank());
        assert_eq!(by_rank[..7], WORKFLOW);
        // The rest keep catalogue order.
        for pair in by_rank[7..].windows(2) {
            assert!(pair[0].index() < pair[1].index());
        }
        assert_eq!(by_rank[7], Action::BatchDeleteImage);
    }

    #[test]
    fn canonical_sorts_by_rank() {
        let sorted = canonical([
            Action::PutImage,
            Action::BatchDeleteImage,
            Action::BatchGetImage,
        ]);
        assert_eq!(
            sorted,
            [
                Action::BatchGetImage,
                Action::PutImage,
                Action::BatchDeleteImage
            ]
        );
        assert_eq!(canonical::<0>([]), []);
    }

    #[test]
    fn parses_case_insensitively_with_or_without_prefix() {
        for text in [
            "ecr:PutImage",
            "PutImage",
            "ecr:putimage",
            "ECR:PUTIMAGE",
            "Ecr:pUtImAgE",
        ] {
            assert_eq!(text.parse::<Action>(), Ok(Action::PutImage), "{text}");
        }
        for a in Action::ALL {
            assert_eq!(a.as_str().parse::<Action>(), Ok(a));
            assert_eq!(a.name().parse::<Action>(), Ok(a));
            assert_eq!(a.as_str().to_lowercase().parse::<Action>(), Ok(a));
        }
    }

    #[test]
    fn unknown_actions_have_useful_messages() {
        let e = "ecr:PutImages".parse::<Action>().unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"unknown ECR action "ecr:PutImages"; did you mean "ecr:PutImage"?"#
        );
        let e = "ecr:Frobnicate".parse::<Action>().unwrap_err();
        assert_eq!(e.suggestion, None);
        assert_eq!(
            e.to_string(),
            r#"unknown ECR action "ecr:Frobnicate": expected one of the 60 ecr: actions, e.g. "ecr:PutImage""#
        );
        let e = "s3:GetObject".parse::<Action>().unwrap_err();
        assert_eq!(
            e.to_string(),
            r#""s3:GetObject" is not an ECR action (service prefix "s3")"#
        );
        let e = "ecr-public:PutImage".parse::<Action>().unwrap_err();
        assert!(e.to_string().contains(r#"(service prefix "ecr-public")"#));
        let e = "GetDownloadUrlForLayers".parse::<Action>().unwrap_err();
        assert_eq!(e.suggestion, Some("ecr:GetDownloadUrlForLayer"));
        let e = "PutImge".parse::<Action>().unwrap_err();
        assert_eq!(e.suggestion, Some("ecr:PutImage"));
    }

    #[test]
    fn odd_inputs_never_panic() {
        for text in [
            "",
            ":",
            "ecr:",
            "::",
            "ecr::PutImage",
            "*",
            "ecr:*",
            "é:ü",
            "ecr:Put\u{0}Image",
        ] {
            assert!(text.parse::<Action>().is_err(), "{text:?}");
            let _ = text.parse::<Action>().unwrap_err().to_string();
        }
        let huge = "x".repeat(100_000);
        assert!(huge.parse::<Action>().is_err());
        let e = "ecr:\"quoted\"\n".parse::<Action>().unwrap_err();
        assert!(e.to_string().contains(r#"ecr:\"quoted\"\n"#));
    }

    #[test]
    fn access_levels_match_the_data_file() {
        // Spot checks against data/ecr-actions.tsv.
        assert_eq!(
            Action::BatchCheckLayerAvailability.access_level(),
            AccessLevel::Read
        );
        assert_eq!(Action::BatchDeleteImage.access_level(), AccessLevel::Write);
        assert_eq!(Action::DescribeImages.access_level(), AccessLevel::List);
        assert_eq!(Action::ListImages.access_level(), AccessLevel::List);
        assert_eq!(
            Action::DeleteRepositoryPolicy.access_level(),
            AccessLevel::PermissionsManagement
        );
        assert_eq!(
            Action::PutRegistryPolicy.access_level(),
            AccessLevel::PermissionsManagement
        );
        assert_eq!(Action::TagResource.access_level(), AccessLevel::Tagging);
        assert_eq!(Action::UntagResource.access_level(), AccessLevel::Tagging);
        assert_eq!(
            Action::GetAuthorizationToken.access_level(),
            AccessLevel::Read
        );
    }

    #[test]
    fn other_columns_match_the_data_file() {
        assert_eq!(
            Action::GetAuthorizationToken.resource_type(),
            ResourceType::None
        );
        assert!(Action::BatchImportUpstreamImage.is_permission_only());
        assert!(Action::ReplicateImage.is_permission_only());
        assert!(!Action::PutImage.is_permission_only());
        assert_eq!(
            Action::CreateRepository.condition_keys(),
            ["aws:RequestTag/${TagKey}", "aws:TagKeys"]
        );
        assert_eq!(
            Action::GetAccountSetting.condition_keys(),
            ["ecr:AccountSetting"]
        );
        assert_eq!(
            Action::CreateRepository.dependent_actions(),
            ["ecr:TagResource"]
        );
        assert_eq!(
            Action::PutImage.resource_condition_keys(),
            ["aws:ResourceTag/${TagKey}", "ecr:ResourceTag/${TagKey}"]
        );
        assert!(Action::GetAuthorizationToken
            .resource_condition_keys()
            .is_empty());
        let repository = Action::ALL
            .iter()
            .filter(|a| a.is_repository_action())
            .count();
        assert_eq!(repository, 35);
    }

    #[test]
    fn labels() {
        assert_eq!(AccessLevel::ALL.len(), 5);
        assert_eq!(AccessLevel::Tagging.to_string(), "Tagging");
        assert_eq!(ResourceType::Registry.to_string(), "registry");
    }
}

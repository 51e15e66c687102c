//! The hand-written side of the `ecr-public:` actions.

use std::fmt;
use std::str::FromStr;

use crate::action::{foreign_service, split_service, suggest};
pub use crate::generated::PublicAction;
use crate::name_hash;
use crate::ResourceType;

impl PublicAction {
    /// The action with this name (without the `ecr-public:` prefix), in any ASCII letter case.
    ///
    /// ```
    /// use policy_catalogue::PublicAction;
    /// assert_eq!(PublicAction::from_name("putimage"), Some(PublicAction::PutImage));
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<PublicAction> {
        PublicAction::by_name_slot(name.as_bytes()).filter(|a| name_hash::same_name(a.name(), name))
    }

    /// Whether the action applies to a repository (rather than a registry or nothing).
    pub const fn is_repository_action(self) -> bool {
        matches!(self.resource_type(), ResourceType::Repository)
    }

    /// Whether an `Allow` of an ECR Public repository policy grants the action: it applies to
    /// a repository ([`is_repository_action`](Self::is_repository_action)) and is not left to
    /// other policies ([`is_excluded_from_repository_policies`](Self::is_excluded_from_repository_policies),
    /// the data's `not_granted_by` column).
    ///
    /// The one exception is `ecr-public:CreateRepository`, as `ecr:CreateRepository` is for
    /// private repositories: the repository it would create has no policy yet. ECR Public's
    /// only resource-based policy is the repository policy, "scoped for and specifically used
    /// for controlling access to individual Amazon ECR repositories"
    /// (<https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policies.html>),
    /// and to create a repository "you include the `ecr-public:CreateRepository` action in
    /// their policy", an identity-based one
    /// (<https://docs.aws.amazon.com/AmazonECR/latest/public/security_iam_service-with-iam.html>).
    ///
    /// ```
    /// use policy_catalogue::PublicAction;
    ///
    /// assert!(PublicAction::PutImage.is_granted_by_repository_policy());
    /// assert!(PublicAction::CreateRepository.is_repository_action());
    /// assert!(!PublicAction::CreateRepository.is_granted_by_repository_policy());
    /// assert!(!PublicAction::PutRegistryCatalogData.is_granted_by_repository_policy());
    /// assert!(!PublicAction::GetAuthorizationToken.is_granted_by_repository_policy());
    /// ```
    pub const fn is_granted_by_repository_policy(self) -> bool {
        self.is_repository_action() && !self.is_excluded_from_repository_policies()
    }

    /// Position in [`PublicAction::ALL`].
    pub const fn index(self) -> usize {
        // The generated enum declares its variants in `ALL` order.
        self as usize
    }
}

impl fmt::Display for PublicAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PublicAction {
    type Err = UnknownPublicAction;

    /// Accepts `"ecr-public:PutImage"` in any ASCII letter case. The prefix is
    /// required: a bare `"PutImage"` means the private `ecr:` action.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let (service, name) = split_service(input);
        let is_public = service.is_some_and(|s| s.eq_ignore_ascii_case("ecr-public"));
        if is_public {
            if let Some(action) = PublicAction::from_name(name) {
                return Ok(action);
            }
        }
        let suggestion = if foreign_service(input, "ecr-public").is_none() {
            suggest(
                &PublicAction::ALL,
                PublicAction::name,
                PublicAction::as_str,
                name,
            )
        } else {
            None
        };
        Err(UnknownPublicAction {
            input: input.to_string(),
            suggestion,
        })
    }
}

/// The input is not one of the `ecr-public:` actions of the catalogue.
///
/// ```
/// use policy_catalogue::PublicAction;
///
/// let err = "PutImage".parse::<PublicAction>().unwrap_err();
/// assert_eq!(err.suggestion, Some("ecr-public:PutImage"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownPublicAction {
    /// The text that failed to parse.
    pub input: String,
    /// The closest catalogue action, in full (`"ecr-public:PutImage"`), if one is close.
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownPublicAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input = self.input.escape_debug();
        if let Some(service) = foreign_service(&self.input, "ecr-public") {
            return write!(
                f,
                "\"{input}\" is not an ECR Public action (service prefix \"{}\")",
                service.escape_debug()
            );
        }
        match self.suggestion {
            Some(s) => write!(
                f,
                "unknown ECR Public action \"{input}\"; did you mean \"{s}\"?"
            ),
            None => write!(
                f,
                "unknown ECR Public action \"{input}\": expected one of the {} ecr-public: actions, \
                 e.g. \"ecr-public:PutImage\"",
                PublicAction::ALL.len()
            ),
        }
    }
}

impl std::error::Error for UnknownPublicAction {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AccessLevel;

    #[test]
    fn catalogue_shape() {
        assert_eq!(PublicAction::ALL.len(), 23);
        for (i, a) in PublicAction::ALL.iter().enumerate() {
            assert_eq!(a.index(), i);
            assert_eq!(a.as_str(), format!("ecr-public:{}", a.name()));
        }
    }

    #[test]
    fn parses_with_prefix_in_any_case() {
        for text in ["ecr-public:PutImage", "ECR-PUBLIC:putimage"] {
            assert_eq!(text.parse::<PublicAction>(), Ok(PublicAction::PutImage));
        }
        for a in PublicAction::ALL {
            assert_eq!(a.to_string().parse::<PublicAction>(), Ok(a));
        }
    }

    #[test]
    fn errors() {
        let e = "PutImage".parse::<PublicAction>().unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"unknown ECR Public action "PutImage"; did you mean "ecr-public:PutImage"?"#
        );
        let e = "ecr:PutImage".parse::<PublicAction>().unwrap_err();
        assert_eq!(e.suggestion, None);
        assert_eq!(
            e.to_string(),
            r#""ecr:PutImage" is not an ECR Public action (service prefix "ecr")"#
        );
        let e = "ecr-public:Frobnicate".parse::<PublicAction>().unwrap_err();
        assert!(e
            .to_string()
            .contains("expected one of the 23 ecr-public: actions"));
        for text in ["", ":", "ecr-public:", "ü:ü"] {
            assert!(text.parse::<PublicAction>().is_err());
        }
    }

    #[test]
    fn columns_match_the_data_file() {
        assert_eq!(
            PublicAction::DescribeRegistries.resource_type(),
            ResourceType::Registry
        );
        assert_eq!(
            PublicAction::DescribeRepositories.resource_type(),
            ResourceType::Repository
        );
        assert_eq!(
            PublicAction::GetAuthorizationToken.resource_type(),
            ResourceType::None
        );
        assert_eq!(
            PublicAction::DescribeImageTags.access_level(),
            AccessLevel::List
        );
        assert_eq!(
            PublicAction::DeleteRepositoryPolicy.access_level(),
            AccessLevel::Write
        );
        assert_eq!(
            PublicAction::SetRepositoryPolicy.access_level(),
            AccessLevel::PermissionsManagement
        );
        assert_eq!(
            PublicAction::CreateRepository.dependent_actions(),
            ["ecr-public:TagResource"]
        );
        assert!(PublicAction::PutImage.is_repository_action());
        assert!(!PublicAction::PutRegistryCatalogData.is_repository_action());
    }
}

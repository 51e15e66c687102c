//! Named groups of actions: the words of the policy DSL (`push`, `pull`, ...).

use std::fmt;
use std::str::FromStr;

use crate::action::canonical;
use crate::suggest::closest;
use crate::Action;

/// A named, fixed group of repository actions.
///
/// Each bundle is an explicit list, so a new action in the catalogue never joins a
/// bundle silently. Every member is a repository action (grantable by a repository
/// policy), and [`actions`](Bundle::actions) lists them in canonical statement order.
///
/// ```
/// use policy_catalogue::{Action, Bundle};
///
/// let pull: Bundle = "pull".parse().unwrap();
/// assert_eq!(
///     pull.actions(),
///     [Action::GetDownloadUrlForLayer, Action::BatchGetImage, Action::BatchCheckLayerAvailability]
/// );
/// assert_eq!(pull.keyword(), "pull");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Bundle {
    /// Pull images: what `docker pull` needs from the repository.
    ///
    /// - `GetDownloadUrlForLayer`: fetch layer blobs.
    /// - `BatchGetImage`: fetch the image manifest.
    /// - `BatchCheckLayerAvailability`: check which layers exist.
    ///
    /// The same three actions as the AWS CDK's `grantPull` (which also grants
    /// `GetAuthorizationToken`, but on `*` in the grantee's identity policy: a
    /// repository policy cannot grant it).
    Pull,
    /// Push images: what `docker push` needs from the repository.
    ///
    /// - `BatchCheckLayerAvailability`: skip layers that already exist.
    /// - `PutImage`: write the manifest and tag.
    /// - `InitiateLayerUpload`, `UploadLayerPart`, `CompleteLayerUpload`: upload a layer.
    ///
    /// The same five actions as the AWS CDK's `grantPush`. Pushing does not imply
    /// pulling: combine with [`Bundle::Pull`] for both.
    Push,
    /// Describe and list the repository and its images, without image content.
    ///
    /// - `DescribeRepositories`, `DescribeImages`: the AWS CDK's `grantRead`.
    /// - `ListImages`, `ListTagsForResource`: listings that the managed policy
    ///   `AmazonEC2ContainerRegistryReadOnly` also grants.
    /// - `DescribeImageReplicationStatus`, `DescribeImageSigningStatus`: further
    ///   read-only status of an image.
    ///
    /// Unlike that managed policy it leaves out policy reads and scan findings
    /// (see [`Bundle::Policy`], [`Bundle::Lifecycle`], [`Bundle::Scan`]).
    Read,
    /// Delete images and the repository itself.
    ///
    /// - `BatchDeleteImage`: delete images.
    /// - `DeleteRepository`: delete the repository.
    ///
    /// Both have access level Write, like `PutImage`: one reason bundles do not follow
    /// access levels.
    Delete,
    /// Manage the repository's tags.
    ///
    /// - `TagResource`, `UntagResource`: change tags.
    /// - `ListTagsForResource`: read them back.
    Tag,
    /// Read and change the repository policy itself.
    ///
    /// - `GetRepositoryPolicy`, `SetRepositoryPolicy`, `DeleteRepositoryPolicy`.
    ///
    /// `SetRepositoryPolicy` lets the holder grant itself anything: grant it sparingly.
    Policy,
    /// Manage the lifecycle policy and its previews.
    ///
    /// - `GetLifecyclePolicy`, `PutLifecyclePolicy`, `DeleteLifecyclePolicy`.
    /// - `GetLifecyclePolicyPreview`, `StartLifecyclePolicyPreview`.
    Lifecycle,
    /// Image scanning.
    ///
    /// - `StartImageScan`: start a scan.
    /// - `DescribeImageScanFindings`: read the findings (also in the managed read-only policy).
    /// - `PutImageScanningConfiguration`, `BatchGetRepositoryScanningConfiguration`:
    ///   write and read the scan-on-push setting.
    Scan,
    /// Every action a repository policy can grant today: the catalogue's actions
    /// whose resource is a repository.
    ///
    /// This is an explicit list, not `ecr:*`, so it never picks up future actions
    /// silently; a test fails when the catalogue gains a repository action, so the
    /// list is reviewed.
    All,
}

const PULL: [Action; 3] = canonical([
    Action::GetDownloadUrlForLayer,
    Action::BatchGetImage,
    Action::BatchCheckLayerAvailability,
]);

const PUSH: [Action; 5] = canonical([
    Action::PutImage,
    Action::InitiateLayerUpload,
    Action::UploadLayerPart,
    Action::CompleteLayerUpload,
    Action::BatchCheckLayerAvailability,
]);

const READ: [Action; 6] = canonical([
    Action::DescribeRepositories,
    Action::DescribeImages,
    Action::ListImages,
    Action::ListTagsForResource,
    Action::DescribeImageReplicationStatus,
    Action::DescribeImageSigningStatus,
]);

const DELETE: [Action; 2] = canonical([Action::BatchDeleteImage, Action::DeleteRepository]);

const TAG: [Action; 3] = canonical([
    Action::TagResource,
    Action::UntagResource,
    Action::ListTagsForResource,
]);

const POLICY: [Action; 3] = canonical([
    Action::GetRepositoryPolicy,
    Action::SetRepositoryPolicy,
    Action::DeleteRepositoryPolicy,
]);

const LIFECYCLE: [Action; 5] = canonical([
    Action::GetLifecyclePolicy,
    Action::PutLifecyclePolicy,
    Action::DeleteLifecyclePolicy,
    Action::GetLifecyclePolicyPreview,
    Action::StartLifecyclePolicyPreview,
]);

const SCAN: [Action; 4] = canonical([
    Action::StartImageScan,
    Action::DescribeImageScanFindings,
    Action::PutImageScanningConfiguration,
    Action::BatchGetRepositoryScanningConfiguration,
]);

// Not ecr:CreateRepository nor ecr:ReplicateImage, which AWS takes from identity and registry
// policies (`Action::is_granted_by_repository_policy`).
const ALL_REPOSITORY: [Action; 33] = canonical([
    Action::BatchCheckLayerAvailability,
    Action::BatchDeleteImage,
    Action::BatchGetImage,
    Action::BatchGetRepositoryScanningConfiguration,
    Action::BatchImportUpstreamImage,
    Action::CompleteLayerUpload,
    Action::DeleteLifecyclePolicy,
    Action::DeleteRepository,
    Action::DeleteRepositoryPolicy,
    Action::DescribeImageReplicationStatus,
    Action::DescribeImageScanFindings,
    Action::DescribeImageSigningStatus,
    Action::DescribeImages,
    Action::DescribeRepositories,
    Action::GetDownloadUrlForLayer,
    Action::GetImageCopyStatus,
    Action::GetLifecyclePolicy,
    Action::GetLifecyclePolicyPreview,
    Action::GetRepositoryPolicy,
    Action::InitiateLayerUpload,
    Action::ListImages,
    Action::ListTagsForResource,
    Action::PutImage,
    Action::PutImageScanningConfiguration,
    Action::PutImageTagMutability,
    Action::PutLifecyclePolicy,
    Action::SetRepositoryPolicy,
    Action::StartImageScan,
    Action::StartLifecyclePolicyPreview,
    Action::TagResource,
    Action::UntagResource,
    Action::UpdateImageStorageClass,
    Action::UploadLayerPart,
]);

impl Bundle {
    /// Every bundle, in the order of their keywords in the documentation.
    pub const ALL: [Bundle; 9] = [
        Self::Pull,
        Self::Push,
        Self::Read,
        Self::Delete,
        Self::Tag,
        Self::Policy,
        Self::Lifecycle,
        Self::Scan,
        Self::All,
    ];

    /// The DSL word for the bundle: `"pull"`, `"push"`, `"read"`, `"delete"`, `"tag"`,
    /// `"policy"`, `"lifecycle"`, `"scan"` or `"all"`.
    pub const fn keyword(self) -> &'static str {
        match self {
            Self::Pull => "pull",
            Self::Push => "push",
            Self::Read => "read",
            Self::Delete => "delete",
            Self::Tag => "tag",
            Self::Policy => "policy",
            Self::Lifecycle => "lifecycle",
            Self::Scan => "scan",
            Self::All => "all",
        }
    }

    /// The member actions, in canonical statement order (see [`Action::rank`]).
    pub const fn actions(self) -> &'static [Action] {
        match self {
            Self::Pull => &PULL,
            Self::Push => &PUSH,
            Self::Read => &READ,
            Self::Delete => &DELETE,
            Self::Tag => &TAG,
            Self::Policy => &POLICY,
            Self::Lifecycle => &LIFECYCLE,
            Self::Scan => &SCAN,
            Self::All => &ALL_REPOSITORY,
        }
    }

    /// A one-line description.
    pub const fn description(self) -> &'static str {
        match self {
            Self::Pull => "pull images (docker pull)",
            Self::Push => "push images (docker push); does not include pull",
            Self::Read => "describe and list the repository, its images and tags",
            Self::Delete => "delete images and the repository",
            Self::Tag => "tag, untag and list the repository's tags",
            Self::Policy => "read, set and delete the repository policy",
            Self::Lifecycle => "manage the lifecycle policy and its previews",
            Self::Scan => "scan images and read scan findings and settings",
            Self::All => "every action a repository policy can grant today",
        }
    }
}

impl fmt::Display for Bundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

impl FromStr for Bundle {
    type Err = UnknownBundle;

    /// Accepts exactly the lowercase keyword.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Bundle::ALL
            .into_iter()
            .find(|b| b.keyword() == input)
            .ok_or_else(|| UnknownBundle {
                input: input.to_string(),
                suggestion: closest(input, Bundle::ALL.iter().map(|b| b.keyword())),
            })
    }
}

/// The input is not a bundle keyword.
///
/// ```
/// use policy_catalogue::Bundle;
///
/// let err = "psh".parse::<Bundle>().unwrap_err();
/// assert_eq!(err.suggestion, Some("push"));
/// assert_eq!(err.to_string(), r#"unknown action bundle "psh"; did you mean "push"?"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownBundle {
    /// The text that failed to parse.
    pub input: String,
    /// The closest keyword, if one is close.
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input = self.input.escape_debug();
        match self.suggestion {
            Some(s) => write!(
                f,
                "unknown action bundle \"{input}\"; did you mean \"{s}\"?"
            ),
            None => {
                write!(f, "unknown action bundle \"{input}\": expected one of ")?;
                for (i, b) in Bundle::ALL.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{}", b.keyword())?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for UnknownBundle {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_and_push_members() {
        let mut pull = Bundle::Pull.actions().to_vec();
        pull.sort();
        assert_eq!(
            pull,
            [
                Action::BatchCheckLayerAvailability,
                Action::BatchGetImage,
                Action::GetDownloadUrlForLayer
            ]
        );
        assert_eq!(
            Bundle::Push.actions(),
            [
                Action::BatchCheckLayerAvailability,
                Action::PutImage,
                Action::InitiateLayerUpload,
                Action::UploadLayerPart,
                Action::CompleteLayerUpload,
            ]
        );
    }

    #[test]
    fn push_and_pull_in_either_order_give_the_seed_order() {
        let seed = [
            Action::GetDownloadUrlForLayer,
            Action::BatchGetImage,
            Action::BatchCheckLayerAvailability,
            Action::PutImage,
            Action::InitiateLayerUpload,
            Action::UploadLayerPart,
            Action::CompleteLayerUpload,
        ];
        for order in [[Bundle::Push, Bundle::Pull], [Bundle::Pull, Bundle::Push]] {
            let mut union: Vec<Action> = order.iter().flat_map(|b| b.actions()).copied().collect();
            union.sort_by_key(|a| a.rank());
            union.dedup();
            assert_eq!(union, seed);
        }
    }

    #[test]
    fn every_member_is_a_repository_action_in_canonical_order_once() {
        for b in Bundle::ALL {
            let actions = b.actions();
            assert!(!actions.is_empty());
            for a in actions {
                assert!(a.is_repository_action(), "{b}: {a}");
            }
            for pair in actions.windows(2) {
                assert!(
                    pair[0].rank() < pair[1].rank(),
                    "{b}: {} {}",
                    pair[0],
                    pair[1]
                );
            }
        }
    }

    #[test]
    fn all_is_exactly_todays_repository_actions() {
        // Fails when the catalogue gains or loses a repository action: review the list.
        let mut expected: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| a.is_granted_by_repository_policy())
            .collect();
        expected.sort_by_key(|a| a.rank());
        assert_eq!(Bundle::All.actions(), expected);
        assert!(!Bundle::All
            .actions()
            .contains(&Action::GetAuthorizationToken));
    }

    #[test]
    fn other_members() {
        assert_eq!(
            Bundle::Delete.actions(),
            [Action::BatchDeleteImage, Action::DeleteRepository]
        );
        assert_eq!(Bundle::Read.actions().len(), 6);
        assert_eq!(Bundle::Tag.actions().len(), 3);
        assert_eq!(Bundle::Policy.actions().len(), 3);
        assert_eq!(Bundle::Lifecycle.actions().len(), 5);
        assert_eq!(Bundle::Scan.actions().len(), 4);
    }

    #[test]
    fn parsing() {
        for b in Bundle::ALL {
            assert_eq!(b.keyword().parse::<Bundle>(), Ok(b));
            assert_eq!(b.to_string(), b.keyword());
            assert!(!b.description().is_empty());
        }
        let e = "Push".parse::<Bundle>().unwrap_err();
        assert_eq!(e.suggestion, Some("push"));
        let e = "xyz".parse::<Bundle>().unwrap_err();
        assert_eq!(e.suggestion, None);
        assert_eq!(
            e.to_string(),
            r#"unknown action bundle "xyz": expected one of pull, push, read, delete, tag, policy, lifecycle, scan, all"#
        );
        assert!("".parse::<Bundle>().is_err());
        assert!(" pull".parse::<Bundle>().is_err());
    }
}

//! Repository ARNs: `arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}`.

use std::fmt;
use std::str::FromStr;

use policy_catalogue::RuleViolation;

use crate::model::names::{AccountId, Partition, Region, RepositoryName};

/// The ARN of a private ECR repository (ECR-FACTS section 2):
/// `arn:aws:ecr:us-east-1:123456789012:repository/team/app`.
///
/// Every part is validated; the repository name may contain `/`.
///
/// ```
/// use policy_core::model::RepositoryArn;
///
/// let arn: RepositoryArn = "arn:aws:ecr:us-east-1:123456789012:repository/team/app".parse()?;
/// assert_eq!(arn.account().as_str(), "123456789012");
/// assert_eq!(arn.name().as_str(), "team/app");
/// assert_eq!(arn.to_string(), "arn:aws:ecr:us-east-1:123456789012:repository/team/app");
/// assert!("arn:aws:ecr:us-east-1:123456789012:repository/Team".parse::<RepositoryArn>().is_err());
/// # Ok::<(), policy_core::RuleViolation>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepositoryArn {
    partition: Partition,
    region: Region,
    account: AccountId,
    name: RepositoryName,
    /// The ARN as text, rendered once: the evaluator compares against it on every request.
    text: String,
}

impl RepositoryArn {
    /// The ARN of repository `name` in `account` and `region`, in the `aws` partition.
    ///
    /// ```
    /// use policy_core::{AccountId, RepositoryName};
    /// use policy_core::model::RepositoryArn;
    /// use policy_core::names::Region;
    /// let arn = RepositoryArn::new(
    ///     Region::new("eu-west-1")?,
    ///     AccountId::new("123456789012")?,
    ///     RepositoryName::new("app")?,
    /// );
    /// assert_eq!(arn.as_str(), "arn:aws:ecr:eu-west-1:123456789012:repository/app");
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    #[must_use]
    pub fn new(region: Region, account: AccountId, name: RepositoryName) -> Self {
        Self::with_partition(Partition::Aws, region, account, name)
    }

    /// The ARN of a repository in another partition (`aws-cn`, `aws-us-gov`, ...).
    #[must_use]
    pub fn with_partition(
        partition: Partition,
        region: Region,
        account: AccountId,
        name: RepositoryName,
    ) -> Self {
        // Concatenated: the text `format!` would write, in one allocation.
        let text = [
            "arn:",
            partition.as_str(),
            ":ecr:",
            region.as_str(),
            ":",
            account.as_str(),
            ":repository/",
            name.as_str(),
        ]
        .concat();
        RepositoryArn {
            partition,
            region,
            account,
            name,
            text,
        }
    }

    /// The partition.
    #[must_use]
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The region.
    #[must_use]
    pub fn region(&self) -> &Region {
        &self.region
    }

    /// The account that owns the repository (the registry id).
    #[must_use]
    pub fn account(&self) -> &AccountId {
        &self.account
    }

    /// The repository name.
    #[must_use]
    pub fn name(&self) -> &RepositoryName {
        &self.name
    }

    /// The ARN as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for RepositoryArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for RepositoryArn {
    type Err = RuleViolation;

    /// Parses `arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME`, checking every part.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let shape = || {
            RuleViolation::new(
                "repository ARN",
                "arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME",
                s,
                "does not have that form",
            )
        };
        let mut fields = s.splitn(6, ':');
        let (Some("arn"), Some(partition), Some("ecr"), Some(region), Some(account), Some(rest)) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return Err(shape());
        };
        let name = rest.strip_prefix("repository/").ok_or_else(shape)?;
        Ok(RepositoryArn::with_partition(
            partition.parse()?,
            Region::new(region)?,
            AccountId::new(account)?,
            RepositoryName::new(name)?,
        ))
    }
}

impl TryFrom<&str> for RepositoryArn {
    type Error = RuleViolation;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders() {
        for ok in [
            "arn:aws:ecr:us-east-1:123456789012:repository/app",
            "arn:aws-cn:ecr:cn-north-1:012345678901:repository/a/b/c",
            "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/team__x.y",
        ] {
            assert_eq!(ok.parse::<RepositoryArn>().unwrap().to_string(), ok);
        }
    }

    #[test]
    fn rejects_bad_parts() {
        for bad in [
            "",
            "arn:aws:ecr:us-east-1:123456789012:repository/",
            "arn:aws:ecr:us-east-1:123456789012:repo/app",
            "arn:aws:s3:us-east-1:123456789012:repository/app",
            "arn:aws:ecr::123456789012:repository/app",
            "arn:aws:ecr:us-east-1:12345:repository/app",
            "arn:aws:ecr:us-east-1:123456789012:repository/App",
            "arn:aws:ecr:us-east-1:123456789012",
            "arn:aws-xx:ecr:us-east-1:123456789012:repository/app",
            "arn:aws:ecr-public::123456789012:repository/app",
        ] {
            let err = bad.parse::<RepositoryArn>().unwrap_err();
            assert!(!err.to_string().is_empty(), "{bad}");
        }
    }
}

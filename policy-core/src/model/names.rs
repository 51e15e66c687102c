//! Validated names: account ids, IAM user and role names, service principals, Sids and more.
//!
//! Every constructor checks its input against the rule in [`policy_catalogue::rules`], the same
//! function the `policy!` macro runs at compile time, so a value that compiles in the macro is
//! exactly a value these constructors accept.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use policy_catalogue::rules;

pub use policy_catalogue::RuleViolation;

macro_rules! validated_name {
    (
        $(#[$meta:meta])*
        $name:ident, $check:path, $example:literal
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Cow<'static, str>);

        impl $name {
            /// Checks `value` and wraps it.
            ///
            /// # Errors
            /// A [`RuleViolation`] naming the value and the rule it breaks.
            ///
            /// # Examples
            /// ```
            #[doc = concat!("use policy_core::names::", stringify!($name), ";")]
            #[doc = concat!("let value = ", stringify!($name), "::new(", stringify!($example), ")?;")]
            #[doc = concat!("assert_eq!(value.as_str(), ", stringify!($example), ");")]
            /// # Ok::<(), policy_core::RuleViolation>(())
            /// ```
            pub fn new(value: impl Into<String>) -> Result<Self, RuleViolation> {
                let value = value.into();
                $check(&value)?;
                Ok(Self(Cow::Owned(value)))
            }

            /// Wraps a literal that the `policy!` macro has already checked at compile time.
            #[doc(hidden)]
            #[must_use]
            pub const fn __checked(value: &'static str) -> Self {
                Self(Cow::Borrowed(value))
            }

            /// Wraps text that a catalogue rule has already accepted.
            #[allow(dead_code)]
            pub(crate) fn from_checked(value: &str) -> Self {
                Self(Cow::Owned(value.to_owned()))
            }

            /// The text as it appears in the policy.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = RuleViolation;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl From<$name> for String {
            fn from(name: $name) -> String {
                name.0.into_owned()
            }
        }

        impl TryFrom<&str> for $name {
            type Error = RuleViolation;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = RuleViolation;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

validated_name!(
    /// An AWS account id: exactly 12 digits (leading zeros are significant).
    AccountId, rules::check_account_id, "123456789012"
);
validated_name!(
    /// An IAM user name: 1 to 64 characters of `A-Z a-z 0-9 + = , . @ _ -`.
    UserName, rules::check_user_name, "fcj-ecr-ci-cd-user"
);
validated_name!(
    /// An IAM role name: 1 to 64 characters of `A-Z a-z 0-9 + = , . @ _ -`.
    RoleName, rules::check_role_name, "deployer"
);
validated_name!(
    /// An IAM path such as `/` or `/ci/`: starts and ends with `/`, printable ASCII, at most 512 characters.
    IamPath, rules::check_iam_path, "/ci/"
);
validated_name!(
    /// The session name of an assumed-role session: 2 to 64 characters of `\w + = , . @ -`.
    SessionName, rules::check_session_name, "ci-session"
);
validated_name!(
    /// A service principal such as `codebuild.amazonaws.com`.
    ServiceName, rules::check_service_principal, "codebuild.amazonaws.com"
);
validated_name!(
    /// A statement id. ECR accepts more than IAM's `[A-Za-z0-9]` (its own examples use spaces);
    /// the lint suggests the strict form.
    Sid, rules::check_sid, "AllowPushPullFromCICDUser"
);
impl Sid {
    /// The empty Sid, `"Sid": ""`. ECR accepts and returns it, so a policy read with one keeps
    /// it and writes it back; [`Sid::new`] refuses it, and the lint suggests a name instead.
    ///
    /// ```
    /// use policy_core::{PolicyDocument, Sid};
    /// let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"#;
    /// let doc = PolicyDocument::from_json(text)?;
    /// assert_eq!(doc.statements[0].sid, Some(Sid::empty()));
    /// assert_eq!(doc.to_json(), text);
    /// assert!(Sid::new("").is_err());
    /// # Ok::<(), policy_core::json::ParseError>(())
    /// ```
    #[must_use]
    pub const fn empty() -> Self {
        Sid::__checked("")
    }

    /// Whether this is the empty Sid.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

validated_name!(
    /// The optional `Id` of a policy document.
    PolicyId, rules::check_policy_id, "ecr-repository-policy"
);
validated_name!(
    /// An ECR repository name such as `team/app`: 2 to 256 characters, lowercase parts joined by
    /// `.`, `_`, `__` or dashes, namespaces separated by `/`.
    RepositoryName, rules::check_repository_name, "fcj-workshop-app"
);
validated_name!(
    /// An AWS Organizations id such as `o-a1b2c3d4e5`.
    OrgId, rules::check_organization_id, "o-a1b2c3d4e5"
);
validated_name!(
    /// An AWS region such as `us-east-1`.
    Region, rules::check_region, "us-east-1"
);

impl IamPath {
    /// The root path `/`, which ARNs leave out.
    #[must_use]
    pub const fn root() -> Self {
        Self(Cow::Borrowed("/"))
    }

    /// Whether this is the root path `/`.
    #[must_use]
    pub fn is_root(&self) -> bool {
        self.0 == "/"
    }
}

impl Default for IamPath {
    fn default() -> Self {
        Self::root()
    }
}

/// An AWS partition: the first field of every ARN.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Partition {
    /// `aws`: the commercial regions.
    #[default]
    Aws,
    /// `aws-cn`: the China regions.
    AwsCn,
    /// `aws-us-gov`: AWS GovCloud (US).
    AwsUsGov,
    /// `aws-iso`: the US ISO regions.
    AwsIso,
    /// `aws-iso-b`: the US ISOB regions.
    AwsIsoB,
    /// `aws-iso-e`: the EU ISOE regions.
    AwsIsoE,
    /// `aws-iso-f`: the US ISOF regions.
    AwsIsoF,
}

impl Partition {
    /// Every partition, in the order of this enum.
    pub const ALL: [Partition; 7] = [
        Partition::Aws,
        Partition::AwsCn,
        Partition::AwsUsGov,
        Partition::AwsIso,
        Partition::AwsIsoB,
        Partition::AwsIsoE,
        Partition::AwsIsoF,
    ];

    /// The partition as it appears in ARNs, e.g. `aws-us-gov`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsIso => "aws-iso",
            Partition::AwsIsoB => "aws-iso-b",
            Partition::AwsIsoE => "aws-iso-e",
            Partition::AwsIsoF => "aws-iso-f",
        }
    }

    /// The partition written `s`, if it is one; `aws` comes first.
    pub(crate) fn find(s: &str) -> Option<Self> {
        Partition::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Partition {
    type Err = RuleViolation;

    /// Parses `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, `aws-iso-e` or `aws-iso-f`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        rules::check_partition(s)?;
        Partition::find(s).ok_or_else(|| {
            RuleViolation::new("partition", "one of the AWS partitions", s, "unknown")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_id_reads_writes_and_compares_as_its_text() {
        let id = AccountId::new("012345678901").unwrap();
        assert_eq!(id.as_str(), "012345678901");
        assert_eq!(id.to_string(), "012345678901");
        assert_eq!(format!("{id:?}"), r#"AccountId("012345678901")"#);
        assert_eq!(String::from(id.clone()), "012345678901");
        assert_eq!(AccountId::__checked("012345678901"), id);
        let mut ids: Vec<AccountId> = ["999999999999", "000000000001", "123456789012"]
            .into_iter()
            .map(|t| AccountId::new(t).unwrap())
            .collect();
        ids.sort();
        let texts: Vec<&str> = ids.iter().map(AccountId::as_str).collect();
        assert_eq!(texts, ["000000000001", "123456789012", "999999999999"]);
        for bad in [
            "",
            "12345678901",
            "1234567890123",
            "12345678901a",
            "١٢٣٤٥٦٧٨٩٠١٢",
        ] {
            assert!(AccountId::new(bad).is_err(), "{bad}");
        }
    }
}

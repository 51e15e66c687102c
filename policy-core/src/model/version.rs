//! The `Version` element and the statement `Effect`.

use std::fmt;
use std::str::FromStr;

use policy_catalogue::{rules, RuleViolation};

/// The policy language version, the `Version` element.
///
/// ECR accepts both. Under `2008-10-17` policy variables such as `${aws:username}` are plain text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// `2012-10-17`, the current version.
    #[default]
    V2012_10_17,
    /// `2008-10-17`, the legacy version still common in ECR (the console's default for years).
    V2008_10_17,
}

impl Version {
    /// The text of the `Version` element.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }

    /// Whether policy variables (`${aws:username}`) are substituted under this version.
    #[must_use]
    pub const fn supports_policy_variables(self) -> bool {
        matches!(self, Version::V2012_10_17)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Version {
    type Err = RuleViolation;

    /// Parses `2012-10-17` or `2008-10-17`.
    ///
    /// ```
    /// use policy_core::Version;
    /// assert_eq!("2008-10-17".parse::<Version>()?, Version::V2008_10_17);
    /// assert!("2020-01-01".parse::<Version>().is_err());
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        rules::check_version(s)?;
        Ok(if s == Version::V2008_10_17.as_str() {
            Version::V2008_10_17
        } else {
            Version::V2012_10_17
        })
    }
}

/// Whether a statement allows or denies, the `Effect` element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`: an explicit deny wins over every allow.
    Deny,
}

impl Effect {
    /// `"Allow"` or `"Deny"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Effect {
    type Err = RuleViolation;

    /// Parses `Allow` or `Deny`, in that letter case, as IAM requires.
    ///
    /// ```
    /// use policy_core::Effect;
    /// assert_eq!("Deny".parse::<Effect>()?, Effect::Deny);
    /// assert!("allow".parse::<Effect>().is_err());
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "Allow" => Ok(Effect::Allow),
            "Deny" => Ok(Effect::Deny),
            _ => Err(RuleViolation::new(
                "effect",
                "`Allow` or `Deny`, in that letter case",
                s,
                match policy_catalogue::closest(s, ["Allow", "Deny"]) {
                    Some(near) => format!("is not an effect (did you mean `{near}`?)"),
                    None => "is not an effect".to_owned(),
                },
            )),
        }
    }
}

//! `serde` for the value types that have a text form: each serializes as its text and
//! deserializes through its `FromStr`, so a value read from YAML, TOML or JSON passes the same
//! checks as one parsed in code.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{Error, Visitor};

/// Reads any `FromStr` type from a string.
pub(crate) struct FromStrVisitor<T> {
    expecting: &'static str,
    ty: PhantomData<T>,
}

impl<T> FromStrVisitor<T> {
    pub(crate) const fn new(expecting: &'static str) -> Self {
        FromStrVisitor {
            expecting,
            ty: PhantomData,
        }
    }
}

impl<T> Visitor<'_> for FromStrVisitor<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

/// `Serialize` as the `Display` text, `Deserialize` through `FromStr`.
macro_rules! text_serde {
    ($($ty:ty => $expecting:literal),* $(,)?) => {$(
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::model::serde_text::FromStrVisitor::<$ty>::new($expecting))
            }
        }
    )*};
}
// Used by the floors above (`eval`, `analysis`), which are features.
#[cfg(feature = "eval")]
pub(crate) use text_serde;

use crate::model::action::ActionItem;
use crate::model::arn::RepositoryArn;
use crate::model::condition::ConditionKey;
use crate::model::names::{
    AccountId, IamPath, OrgId, Partition, PolicyId, Region, RepositoryName, RoleName, ServiceName,
    SessionName, Sid, UserName,
};
use crate::model::principal::AwsPrincipal;
use crate::model::version::{Effect, Version};

text_serde! {
    AccountId => "a 12-digit AWS account id",
    IamPath => "an IAM path such as \"/ci/\"",
    OrgId => "an AWS Organizations id such as \"o-a1b2c3d4e5\"",
    PolicyId => "a policy Id",
    Region => "an AWS Region such as \"us-east-1\"",
    RepositoryName => "an ECR repository name",
    RoleName => "an IAM role name",
    ServiceName => "a service principal such as \"codebuild.amazonaws.com\"",
    SessionName => "a role session name",
    Sid => "a statement id (Sid)",
    UserName => "an IAM user name",
    Partition => "an AWS partition such as \"aws\"",
    Effect => "\"Allow\" or \"Deny\"",
    Version => "\"2012-10-17\" or \"2008-10-17\"",
    ActionItem => "an action such as \"ecr:PutImage\" or a pattern such as \"ecr:Batch*\"",
    ConditionKey => "a condition key such as \"aws:SourceAccount\"",
    AwsPrincipal => "\"*\", an account id or a principal ARN",
    RepositoryArn => "a repository ARN",
}

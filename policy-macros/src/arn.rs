//! Principal ARNs, read at compile time by the catalogue's `parse_principal_arn`, the reading
//! `AwsPrincipal::from_arn` in policy-core uses too.

use policy_catalogue::principal_arn::{parse_principal_arn, PrincipalArn};
use policy_catalogue::rules::PARTITIONS;
use policy_catalogue::RuleViolation;

/// The variant names of `Partition` in policy-core, in the order of [`PARTITIONS`].
const PARTITION_VARIANTS: [&str; 7] = [
    "Aws", "AwsCn", "AwsUsGov", "AwsIso", "AwsIsoB", "AwsIsoE", "AwsIsoF",
];

/// A checked principal ARN; the partition is the `Partition` variant name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arn {
    Account {
        partition: &'static str,
        account: String,
        bare: bool,
    },
    User {
        partition: &'static str,
        account: String,
        path: String,
        name: String,
    },
    Role {
        partition: &'static str,
        account: String,
        path: String,
        name: String,
    },
    AssumedRole {
        partition: &'static str,
        account: String,
        role: String,
        session: String,
    },
}

fn partition_variant(text: &str) -> &'static str {
    PARTITIONS
        .iter()
        .position(|p| *p == text)
        .and_then(|i| PARTITION_VARIANTS.get(i).copied())
        .unwrap_or(PARTITION_VARIANTS[0])
}

/// Reads an account id, or a root, user, role or assumed-role ARN, with the catalogue's
/// reading (the one `AwsPrincipal::from_arn` uses).
pub fn parse(text: &str) -> Result<Arn, RuleViolation> {
    Ok(match parse_principal_arn(text)? {
        PrincipalArn::Account {
            partition,
            account,
            bare,
        } => Arn::Account {
            partition: partition_variant(partition),
            account: account.to_owned(),
            bare,
        },
        PrincipalArn::User {
            partition,
            account,
            path,
            name,
        } => Arn::User {
            partition: partition_variant(partition),
            account: account.to_owned(),
            path: path.to_owned(),
            name: name.to_owned(),
        },
        PrincipalArn::Role {
            partition,
            account,
            path,
            name,
        } => Arn::Role {
            partition: partition_variant(partition),
            account: account.to_owned(),
            path: path.to_owned(),
            name: name.to_owned(),
        },
        PrincipalArn::AssumedRole {
            partition,
            account,
            role,
            session,
        } => Arn::AssumedRole {
            partition: partition_variant(partition),
            account: account.to_owned(),
            role: role.to_owned(),
            session: session.to_owned(),
        },
    })
}

impl Arn {
    /// The text this principal has in JSON.
    pub fn text(&self) -> String {
        let arn_partition = |variant: &str| {
            PARTITION_VARIANTS
                .iter()
                .position(|v| *v == variant)
                .map_or("aws", |i| PARTITIONS[i])
        };
        match self {
            Arn::Account {
                account,
                bare: true,
                ..
            } => account.clone(),
            Arn::Account {
                partition, account, ..
            } => format!("arn:{}:iam::{account}:root", arn_partition(partition)),
            Arn::User {
                partition,
                account,
                path,
                name,
            } => format!(
                "arn:{}:iam::{account}:user{path}{name}",
                arn_partition(partition)
            ),
            Arn::Role {
                partition,
                account,
                path,
                name,
            } => format!(
                "arn:{}:iam::{account}:role{path}{name}",
                arn_partition(partition)
            ),
            Arn::AssumedRole {
                partition,
                account,
                role,
                session,
            } => format!(
                "arn:{}:sts::{account}:assumed-role/{role}/{session}",
                arn_partition(partition)
            ),
        }
    }
}

//! Principal ARNs, read at compile time by the same steps as `AwsPrincipal::from_arn` in
//! policy-core and checked by the same catalogue rules.

use policy_catalogue::rules::{
    check_account_id, check_iam_path, check_partition, check_role_name, check_session_name,
    check_user_name, PARTITIONS,
};
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

fn partition_variant(text: &str) -> Result<&'static str, RuleViolation> {
    check_partition(text)?;
    PARTITIONS
        .iter()
        .position(|p| *p == text)
        .and_then(|i| PARTITION_VARIANTS.get(i).copied())
        .ok_or_else(|| {
            RuleViolation::new("partition", "one of the AWS partitions", text, "unknown")
        })
}

/// Reads an account id, or a root, user, role or assumed-role ARN.
pub fn parse(text: &str) -> Result<Arn, RuleViolation> {
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        check_account_id(text)?;
        return Ok(Arn::Account {
            partition: PARTITION_VARIANTS[0],
            account: text.to_owned(),
            bare: true,
        });
    }
    let shape = || {
        RuleViolation::new(
            "principal ARN",
            "an account id, or an arn:PARTITION:iam::ACCOUNT:root, :user/NAME, :role/NAME or arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION ARN",
            text,
            "is none of these",
        )
    };
    let mut fields = text.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(""), Some(account), Some(resource)) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return Err(shape());
    };
    let partition = partition_variant(partition)?;
    check_account_id(account)?;
    let account = account.to_owned();
    match service {
        "iam" => {
            if resource == "root" {
                return Ok(Arn::Account {
                    partition,
                    account,
                    bare: false,
                });
            }
            let (kind, rest) = resource.split_once('/').ok_or_else(shape)?;
            let (path, name) = match rest.rfind('/') {
                Some(i) => (format!("/{}", &rest[..=i]), &rest[i + 1..]),
                None => ("/".to_owned(), rest),
            };
            check_iam_path(&path)?;
            match kind {
                "user" => {
                    check_user_name(name)?;
                    Ok(Arn::User {
                        partition,
                        account,
                        path,
                        name: name.to_owned(),
                    })
                }
                "role" => {
                    check_role_name(name)?;
                    Ok(Arn::Role {
                        partition,
                        account,
                        path,
                        name: name.to_owned(),
                    })
                }
                _ => Err(shape()),
            }
        }
        "sts" => {
            let rest = resource.strip_prefix("assumed-role/").ok_or_else(shape)?;
            let (role, session) = rest.split_once('/').ok_or_else(shape)?;
            check_role_name(role)?;
            check_session_name(session)?;
            Ok(Arn::AssumedRole {
                partition,
                account,
                role: role.to_owned(),
                session: session.to_owned(),
            })
        }
        _ => Err(shape()),
    }
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

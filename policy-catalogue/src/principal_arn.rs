//! Principal ARNs: the one reading of `AWS` principal text, shared by the runtime model and the
//! `policy!` macro, so that an ARN the macro accepts is exactly one the model reads.

use crate::rules::{
    check_account_id, check_iam_path, check_partition, check_role_name, check_session_name,
    check_user_name,
};
use crate::RuleViolation;

/// The parts of a principal ARN (or bare account id), borrowed from the text, each checked by
/// its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalArn<'a> {
    /// `123456789012` (`bare`) or `arn:aws:iam::123456789012:root`.
    Account {
        /// The partition, `aws` for a bare id.
        partition: &'a str,
        /// The 12-digit account id.
        account: &'a str,
        /// Written as the bare account id.
        bare: bool,
    },
    /// `arn:aws:iam::123456789012:user/path/name`.
    User {
        /// The partition.
        partition: &'a str,
        /// The account.
        account: &'a str,
        /// The IAM path, `/` for none.
        path: &'a str,
        /// The user name.
        name: &'a str,
    },
    /// `arn:aws:iam::123456789012:role/path/name`.
    Role {
        /// The partition.
        partition: &'a str,
        /// The account.
        account: &'a str,
        /// The IAM path, `/` for none.
        path: &'a str,
        /// The role name.
        name: &'a str,
    },
    /// `arn:aws:sts::123456789012:assumed-role/role/session`.
    AssumedRole {
        /// The partition.
        partition: &'a str,
        /// The account.
        account: &'a str,
        /// The role name.
        role: &'a str,
        /// The session name.
        session: &'a str,
    },
}

/// Reads an account id, or a root, user, role or assumed-role ARN, checking every part.
///
/// ```
/// use policy_catalogue::principal_arn::{parse_principal_arn, PrincipalArn};
///
/// assert_eq!(
///     parse_principal_arn("arn:aws:iam::123456789012:user/ci/deployer")?,
///     PrincipalArn::User { partition: "aws", account: "123456789012", path: "/ci/", name: "deployer" }
/// );
/// assert!(parse_principal_arn("arn:aws:iam::*:root").is_err());
/// # Ok::<(), policy_catalogue::RuleViolation>(())
/// ```
///
/// # Errors
/// A [`RuleViolation`] when the text is none of these shapes or a part breaks its rule.
pub fn parse_principal_arn(text: &str) -> Result<PrincipalArn<'_>, RuleViolation> {
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        check_account_id(text)?;
        return Ok(PrincipalArn::Account {
            partition: "aws",
            account: text,
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
    let (partition, service, account, resource) = match iam_or_sts_fields(text) {
        Some(fields) => fields,
        None => fields(text, shape)?,
    };
    match service {
        "iam" if resource == "root" => Ok(PrincipalArn::Account {
            partition,
            account,
            bare: false,
        }),
        "iam" => {
            // Byte searches: the resource is short, a searcher costs more to set up.
            let slash = resource.bytes().position(|b| b == b'/').ok_or_else(shape)?;
            let kind = &resource[..slash];
            // The path runs from the slash after the kind to the last slash: `/` or `/a/b/`.
            let last = resource.bytes().rposition(|b| b == b'/').unwrap_or(slash);
            let (path, name) = (&resource[slash..last + 1], &resource[last + 1..]);
            // The root path, which nearly every principal has, is valid as it is.
            if path != "/" {
                check_iam_path(path)?;
            }
            match kind {
                "user" => {
                    check_user_name(name)?;
                    Ok(PrincipalArn::User {
                        partition,
                        account,
                        path,
                        name,
                    })
                }
                "role" => {
                    check_role_name(name)?;
                    Ok(PrincipalArn::Role {
                        partition,
                        account,
                        path,
                        name,
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
            Ok(PrincipalArn::AssumedRole {
                partition,
                account,
                role,
                session,
            })
        }
        _ => Err(shape()),
    }
}

/// The partition, service, account and resource of an ARN, the partition and account
/// checked.
type Fields<'a> = (&'a str, &'a str, &'a str, &'a str);

/// The fields of the usual principal ARN, `arn:PARTITION:iam::ACCOUNT:...` or `sts`, read
/// at the places they must stand, when every check of [`fields`] passes; `None` for anything
/// else, which [`fields`] then reads (and refuses with its reason).
fn iam_or_sts_fields(text: &str) -> Option<Fields<'_>> {
    let rest = text.strip_prefix("arn:")?;
    let end = rest.bytes().position(|b| b == b':')?;
    let partition = &rest[..end];
    if check_partition(partition).is_err() {
        return None;
    }
    // `iam::` or `sts::` (the region is empty), the twelve digits, a colon.
    let rest = rest.get(end + 1..)?;
    let service = rest.get(..3).filter(|s| matches!(*s, "iam" | "sts"))?;
    let rest = rest.strip_prefix(service)?.strip_prefix("::")?;
    let account = rest.get(..12)?;
    if !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let resource = rest[12..].strip_prefix(':')?;
    Some((partition, service, account, resource))
}

/// The fields of any ARN: the five colons that separate its six fields (the resource may hold
/// more), found in one pass that stops at the fifth, then the prefix, region, partition and
/// account checked.
fn fields(text: &str, shape: impl Fn() -> RuleViolation) -> Result<Fields<'_>, RuleViolation> {
    let mut colons = [0usize; 5];
    let mut found = 0;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if b == b':' {
            colons[found] = i;
            found += 1;
            if found == colons.len() {
                break;
            }
        }
    }
    let [c1, c2, c3, c4, c5] = colons;
    if found < colons.len() {
        return Err(shape());
    }
    let (prefix, partition, service, region, account, resource) = (
        &text[..c1],
        &text[c1 + 1..c2],
        &text[c2 + 1..c3],
        &text[c3 + 1..c4],
        &text[c4 + 1..c5],
        &text[c5 + 1..],
    );
    if prefix != "arn" || !region.is_empty() {
        return Err(shape());
    }
    check_partition(partition)?;
    check_account_id(account)?;
    Ok((partition, service, account, resource))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_fields_are_read_as_the_general_reading_reads_them() {
        let shape = || RuleViolation::new("principal ARN", "", "", "");
        let mut read = 0;
        for partition in [
            "aws",
            "aws-cn",
            "aws-us-gov",
            "aws-iso-f",
            "mars",
            "",
            "aws:x",
        ] {
            for service in ["iam", "sts", "s3", "IAM", "iam:", "ia", ""] {
                for region in ["", "us-east-1", ":"] {
                    for account in [
                        "123456789012",
                        "12345678901",
                        "1234567890123",
                        "12345678901a",
                        "*",
                    ] {
                        for resource in ["root", "user/a", "", ":x", "role/p/r"] {
                            let text =
                                format!("arn:{partition}:{service}:{region}:{account}:{resource}");
                            let general = fields(&text, shape).ok();
                            let usual = iam_or_sts_fields(&text);
                            if usual.is_some() {
                                read += 1;
                                assert_eq!(usual, general, "{text}");
                            } else if matches!(service, "iam" | "sts") {
                                assert_eq!(general, None, "{text}");
                            }
                        }
                    }
                }
            }
        }
        assert!(read > 0);
    }

    #[test]
    fn shapes_and_parts() {
        assert_eq!(
            parse_principal_arn("123456789012").unwrap(),
            PrincipalArn::Account {
                partition: "aws",
                account: "123456789012",
                bare: true
            }
        );
        assert_eq!(
            parse_principal_arn("arn:aws-cn:iam::123456789012:role/r").unwrap(),
            PrincipalArn::Role {
                partition: "aws-cn",
                account: "123456789012",
                path: "/",
                name: "r"
            }
        );
        assert_eq!(
            parse_principal_arn("arn:aws:sts::123456789012:assumed-role/r/ci").unwrap(),
            PrincipalArn::AssumedRole {
                partition: "aws",
                account: "123456789012",
                role: "r",
                session: "ci"
            }
        );
        for bad in [
            "",
            "arn:aws:iam::123456789012",
            "arn:aws:iam:us-east-1:123456789012:root",
            "arn:aws:iam::123456789012:group/g",
            "arn:aws:iam::123456789012:user/",
            "arn:aws:iam::123456789012:user//x",
            "arn:aws:s3:::bucket",
            "arn:aws:sts::123456789012:assumed-role/r",
            "arn:aws:sts::123456789012:assumed-role/r/s",
            "arn:mars:iam::123456789012:root",
            "arn:aws:iam::12345678901:root",
            "ARN:aws:iam::123456789012:root",
        ] {
            assert!(parse_principal_arn(bad).is_err(), "{bad}");
        }
    }
}

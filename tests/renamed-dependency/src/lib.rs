//! Checks that `policy!` works in a crate that knows `ecr-policy` only under another name
//! (`container_policies`, see Cargo.toml): the macro forwards `$crate`, so no path in its
//! expansion spells `ecr_policy`. The module below also has no implicit prelude.
#![no_implicit_prelude]
#![deny(clippy::pedantic)]

use ::container_policies::{policy, AccountId, PolicyTemplate, RepositoryPolicy};

/// The card line, as a template waiting for its account.
pub fn card_line() -> PolicyTemplate {
    policy! { allow user "fcj-ecr-ci-cd-user" push, pull on repo }
}

/// A policy with an interpolated account and a condition.
#[must_use]
pub fn with_account(account: AccountId) -> RepositoryPolicy {
    policy! {
        account {account};
        sid "CodeBuild" allow service "codebuild.amazonaws.com" pull on repo
            when source_account "123456789012";
        sid "Deployer" allow role "deployer" push on repo
    }
}

#[cfg(test)]
mod tests {
    use ::container_policies::AccountId;
    use ::std::assert_eq;
    use ::std::result::Result::Ok;

    #[test]
    fn the_renamed_crate_expands() {
        let Ok(account) = AccountId::new("123456789012") else {
            ::std::panic!("valid account");
        };
        let json = super::card_line()
            .bind(::core::clone::Clone::clone(&account))
            .to_json();
        assert_eq!(
            json,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/fcj-ecr-ci-cd-user"},"Action":["ecr:GetDownloadUrlForLayer","ecr:BatchGetImage","ecr:BatchCheckLayerAvailability","ecr:PutImage","ecr:InitiateLayerUpload","ecr:UploadLayerPart","ecr:CompleteLayerUpload"]}]}"#
        );
        let policy = super::with_account(account);
        assert_eq!(policy.statements().len(), 2);
    }
}

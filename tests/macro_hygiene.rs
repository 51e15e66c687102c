//! The expansion of `policy!` names everything by absolute path: it works inside a
//! `#![no_implicit_prelude]` module, and passes `clippy::pedantic` (this file denies it; the
//! workspace runs clippy on every target).
#![deny(clippy::pedantic)]

mod no_prelude {
    #![no_implicit_prelude]

    use ::core::clone::Clone;
    use ::ecr_policy::model::ConditionValue;
    use ::ecr_policy::{policy, AccountId, OrgId, PolicyTemplate, RepositoryPolicy};

    pub fn every_form(acct: &AccountId, org: OrgId, source: ConditionValue) -> RepositoryPolicy {
        policy! {
            version "2008-10-17";
            id "hygiene";
            account {acct.clone()};
            sid "A" allow user "ci/deployer", role "r" in account "210987654321",
                session "r" "ci-session", account "210987654321",
                service "codebuild.amazonaws.com", arn "arn:aws:iam::210987654321:role/x"
                push, pull, PutImage, ecr:Batch*, "ecr:ListImages"
                on repo when source_account {acct.clone()} and source_arn {source}
                and ForAnyValue:StringLike "aws:PrincipalOrgPaths" ["o-a1b2c3d4e5/*"]
                and NumericLessThan "aws:MultiFactorAuthAge" 3600 and Bool "aws:SecureTransport" true;
            sid "B" deny anyone except role "admin" ecr:* on repo unless source_ip ["203.0.113.0/24"]
                or principal_tag "team" = "platform" or secure_transport;
            allow org "o-a1b2c3d4e5" except delete on repo;
            allow account "210987654321" pull on repo when org {org}
        }
    }

    pub fn template() -> PolicyTemplate {
        policy! { allow user "fcj-ecr-ci-cd-user" push, pull on repo }
    }
}

#[test]
fn works_without_the_prelude() {
    let acct = ecr_policy::AccountId::new("123456789012").unwrap();
    let org = ecr_policy::OrgId::new("o-a1b2c3d4e5").unwrap();
    let source = "arn:aws:codebuild:us-east-1:123456789012:project/*".into();
    let policy = no_prelude::every_form(&acct, org, source);
    assert_eq!(policy.statements().len(), 4);
    assert_eq!(
        no_prelude::template().bind(acct).to_json_pretty(),
        common_seed()
    );
}

/// The seed policy without its Sid and with the current version: what the card line gives.
fn common_seed() -> String {
    String::from(concat!(
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n",
        "      \"Principal\": {\n        \"AWS\": \"arn:aws:iam::123456789012:user/fcj-ecr-ci-cd-user\"\n      },\n",
        "      \"Action\": [\n        \"ecr:GetDownloadUrlForLayer\",\n        \"ecr:BatchGetImage\",\n",
        "        \"ecr:BatchCheckLayerAvailability\",\n        \"ecr:PutImage\",\n        \"ecr:InitiateLayerUpload\",\n",
        "        \"ecr:UploadLayerPart\",\n        \"ecr:CompleteLayerUpload\"\n      ]\n    }\n  ]\n}"
    ))
}

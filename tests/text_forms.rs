//! Every type with a text form reads it back: `parse` is the inverse of `Display`.

use ecr_policy::lint::LintCode;
use ecr_policy::model::{ActionItem, AwsPrincipal, ConditionKey, Principal};
use ecr_policy::{AccountId, Action, Effect, RepositoryPolicy, RoleName, Sid, UserName};

#[test]
fn every_lint_code_reads_back() {
    for &code in LintCode::ALL {
        assert_eq!(code.as_str().parse::<LintCode>().unwrap(), code);
    }
    let err = "wildcard-actoin".parse::<LintCode>().unwrap_err();
    assert!(err.to_string().contains("wildcard-action"), "{err}");
    assert!("".parse::<LintCode>().is_err());
}

#[test]
fn effects_read_back_in_their_letter_case() {
    for effect in [Effect::Allow, Effect::Deny] {
        assert_eq!(effect.to_string().parse::<Effect>().unwrap(), effect);
    }
    let err = "deny".parse::<Effect>().unwrap_err();
    assert!(err.to_string().contains("Deny"), "{err}");
}

#[test]
fn aws_principals_read_back() {
    for text in [
        "*",
        "123456789012",
        "arn:aws:iam::123456789012:root",
        "arn:aws:iam::123456789012:user/ci/builder",
        "arn:aws-cn:iam::123456789012:role/deployer",
        "arn:aws:sts::123456789012:assumed-role/deployer/run-1",
    ] {
        let p: AwsPrincipal = text.parse().unwrap();
        assert_eq!(p.to_string(), text);
        let q: Principal = text.parse().unwrap();
        assert_eq!(q.to_string(), text);
    }
    assert!("arn:aws:iam::12345:root".parse::<AwsPrincipal>().is_err());
    assert!("ci-user".parse::<Principal>().is_err());
    assert_eq!(
        "codebuild.amazonaws.com".parse::<Principal>().unwrap(),
        Principal::Service("codebuild.amazonaws.com".parse().unwrap())
    );
}

#[test]
fn actions_and_keys_read_back() {
    for text in [
        "ecr:PutImage",
        "ecr:Batch*",
        "ecr-public:BatchCheckLayerAvailability",
        "s3:GetObject",
    ] {
        let a: ActionItem = text.parse().unwrap();
        assert_eq!(a.to_string(), text);
    }
    assert_eq!(
        "ecr:putimage".parse::<ActionItem>().unwrap(),
        ActionItem::Ecr(Action::PutImage)
    );
    let key: ConditionKey = "aws:PrincipalOrgID".parse().unwrap();
    assert_eq!(key.to_string(), "aws:PrincipalOrgID");
    assert!("".parse::<ConditionKey>().is_err());
}

#[test]
fn repository_policies_read_from_their_json() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"#;
    let policy: RepositoryPolicy = text.parse().unwrap();
    assert_eq!(policy.to_json(), text);
    let err = r#"{"Statement":[{"Effect":"Allow","Action":"ecr:BatchGetImage"}]}"#
        .parse::<RepositoryPolicy>()
        .unwrap_err();
    assert_eq!(err.errors[0].path(), "Statement[0].Principal");
}

#[test]
fn names_give_back_their_text() {
    let account: String = AccountId::new("123456789012").unwrap().into();
    assert_eq!(account, "123456789012");
    let user: String = UserName::new("fcj-ecr-ci-cd-user").unwrap().into();
    assert_eq!(user, "fcj-ecr-ci-cd-user");
    assert_eq!(String::from(RoleName::new("deployer").unwrap()), "deployer");
    assert_eq!(String::from(Sid::new("AllowPull").unwrap()), "AllowPull");
}

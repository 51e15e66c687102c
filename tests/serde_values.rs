//! With the feature `serde`, the value types travel through serde as their text and come back
//! through the same checks as `FromStr`.
#![cfg(feature = "serde")]

use ecr_policy::eval::Outcome;
use ecr_policy::lint::{Finding, LintCode, Severity};
use ecr_policy::model::{ActionItem, AwsPrincipal, ConditionKey, Statement};
use ecr_policy::names::{Partition, Region};
use ecr_policy::{AccountId, Action, Bundle, Effect, PolicyDocument, Sid, UserName, Version};
/// Serializes to `text` and reads back the same value.
macro_rules! round_trip {
    ($ty:ty, $value:expr, $text:expr $(,)?) => {{
        let value: $ty = $value;
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(json, $text);
        assert_eq!(serde_json::from_str::<$ty>(&json).unwrap(), value);
    }};
}

#[test]
fn values_travel_as_their_text() {
    round_trip!(
        AccountId,
        AccountId::new("123456789012").unwrap(),
        r#""123456789012""#
    );
    round_trip!(UserName, UserName::new("ci").unwrap(), r#""ci""#);
    round_trip!(Sid, Sid::new("AllowPull").unwrap(), r#""AllowPull""#);
    round_trip!(Region, Region::new("us-east-1").unwrap(), r#""us-east-1""#);
    round_trip!(Partition, Partition::AwsCn, r#""aws-cn""#);
    round_trip!(Action, Action::PutImage, r#""ecr:PutImage""#);
    round_trip!(Bundle, Bundle::Pull, r#""pull""#);
    round_trip!(Effect, Effect::Deny, r#""Deny""#);
    round_trip!(Version, Version::V2008_10_17, r#""2008-10-17""#);
    round_trip!(
        ActionItem,
        ActionItem::parse("ecr:Batch*"),
        r#""ecr:Batch*""#
    );
    round_trip!(
        ConditionKey,
        ConditionKey::new("aws:SourceAccount").unwrap(),
        r#""aws:SourceAccount""#
    );
    round_trip!(
        AwsPrincipal,
        "arn:aws:iam::123456789012:role/deployer"
            .parse::<AwsPrincipal>()
            .unwrap(),
        r#""arn:aws:iam::123456789012:role/deployer""#,
    );
    round_trip!(LintCode, LintCode::PublicAccess, r#""public-access""#);
    round_trip!(Severity, Severity::SecurityWarning, r#""security-warning""#);
    round_trip!(Outcome, Outcome::ImplicitlyDenied, r#""implicitly denied""#);
}

#[test]
fn invalid_text_is_refused_with_the_rule() {
    let err = serde_json::from_str::<AccountId>(r#""12345""#).unwrap_err();
    assert!(err.to_string().contains("12 digits"), "{err}");
    assert!(serde_json::from_str::<Effect>(r#""allow""#).is_err());
    assert!(serde_json::from_str::<Bundle>(r#""pul""#).is_err());
    assert!(serde_json::from_str::<AccountId>("123456789012").is_err());
}

#[test]
fn statements_and_findings_travel_whole() {
    let statement: Statement = serde_json::from_str(
        r#"{"Sid":"Pull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}"#,
    )
    .unwrap();
    assert_eq!(statement.effect, Effect::Allow);
    let again: Statement =
        serde_json::from_str(&serde_json::to_string(&statement).unwrap()).unwrap();
    assert_eq!(again, statement);
    assert!(serde_json::from_str::<Statement>(r#"{"Effect":"Maybe"}"#).is_err());
    assert!(serde_json::from_str::<Statement>("[]").is_err());

    let doc = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"#,
    )
    .unwrap();
    let findings = doc.lint();
    assert!(!findings.is_empty());
    for finding in &findings {
        let json = serde_json::to_string(finding).unwrap();
        assert!(json.starts_with(r#"{"code":""#), "{json}");
        assert_eq!(&serde_json::from_str::<Finding>(&json).unwrap(), finding);
    }
    let err = serde_json::from_str::<Finding>(r#"{"code":"public-access"}"#).unwrap_err();
    assert!(err.to_string().contains("severity"), "{err}");
}

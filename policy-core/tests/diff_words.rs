//! The words of `diff` between repository policies: callers whose access changes alike are one
//! entry, said by their union; actions in the catalogue's spelling; the example request on the
//! repository compared when it is known.

use policy_core::compare::{diff, diff_with, equivalent, DiffOptions};
use policy_core::eval::Outcome;
use policy_core::PolicyDocument;

fn doc(statements: &str) -> PolicyDocument {
    PolicyDocument::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
    ))
    .unwrap()
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.starts_with(' ')).collect()
}

const PULL: &str =
    "pull (ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer)";

#[test]
fn public_pull_added_is_one_entry_for_anyone() {
    let before = doc(
        r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":["ecr:BatchGetImage","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer"]}"#,
    );
    let after = doc(r#"{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}"#);
    let d = diff(&before, &after);
    let text = d.to_string();
    assert_eq!(
        lines(&text),
        [
            "+ Allow anyone, anonymous callers included: ecr:BatchGetImage",
            "- Allow any principal in account 210987654321: ecr:BatchCheckLayerAvailability, ecr:GetDownloadUrlForLayer",
        ],
        "{text}"
    );
    // The example of public access is a caller from an account no policy names.
    let proof = d.added[0].counterexample.as_ref().unwrap();
    assert!(proof.is_certain());
    assert!(
        proof
            .request()
            .unwrap()
            .caller()
            .arn()
            .starts_with("arn:aws:iam::"),
        "{proof}"
    );
    assert!(!proof.to_string().contains("210987654321:"), "{proof}");
}

#[test]
fn a_user_who_already_pulled_is_the_exception() {
    let before = doc(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/team/ci"},"Action":["ecr:BatchGetImage","ecr:PutImage"]}"#,
    );
    let after = doc(
        r#"{"Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer"]}"#,
    );
    let text = diff(&before, &after).to_string();
    assert_eq!(
        lines(&text),
        [
            "+ Allow the user ci (path /team/) in account 123456789012: ecr:BatchCheckLayerAvailability, ecr:GetDownloadUrlForLayer",
            &format!("+ Allow anyone, anonymous callers included, except the user ci (path /team/) in account 123456789012: {PULL}"),
            "- Allow the user ci (path /team/) in account 123456789012: ecr:PutImage",
        ],
        "{text}"
    );
}

#[test]
fn named_principals_read_as_names() {
    let before = doc(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/deploy"},"Action":"ecr:BatchGetImage"}"#,
    );
    let after = doc(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/deploy"},"Action":["ecr:BatchGetImage","ecr:PutImage"]},
           {"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:PutImage"}"#,
    );
    let text = diff(&before, &after).to_string();
    assert_eq!(
        lines(&text),
        ["+ Allow the role deploy in account 123456789012; the service codebuild.amazonaws.com: ecr:PutImage"],
        "{text}"
    );
}

#[test]
fn everyone_outside_an_account() {
    let before = doc(
        r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ecr:BatchGetImage"}"#,
    );
    let after = doc(
        r#"{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"123456789012"}}}"#,
    );
    let text = diff(&before, &after).to_string();
    assert_eq!(
        lines(&text),
        [
            "+ Allow anyone outside account 123456789012, anonymous callers included: ecr:BatchGetImage",
            "- Allow any principal in account 123456789012: ecr:BatchGetImage",
        ],
        "{text}"
    );
}

#[test]
fn requests_are_made_on_the_repository_given() {
    let before = doc(
        r#"{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:BatchGetImage"}"#,
    );
    let after = doc(
        r#"{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":["ecr:BatchGetImage","ecr:PutImage"]}"#,
    );
    let on = DiffOptions::on(
        "arn:aws:ecr:eu-west-1:111122223333:repository/team/app"
            .parse()
            .unwrap(),
    );
    let d = diff_with(&before, &after, &on);
    let proof = d.added[0].counterexample.as_ref().unwrap();
    assert_eq!(
        proof.repository.to_string(),
        "arn:aws:ecr:eu-west-1:111122223333:repository/team/app"
    );
    assert_eq!(proof.outcome(&after), Some(Outcome::Allowed));
    assert_ne!(proof.outcome(&before), Some(Outcome::Allowed));
    assert!(!d.to_string().contains("999999999999"), "{d}");

    // Only the account known: the requests are made in it.
    let in_account = DiffOptions::in_account("111122223333".parse().unwrap());
    let d = diff_with(&before, &after, &in_account);
    let proof = d.added[0].counterexample.as_ref().unwrap();
    assert_eq!(proof.repository.account().as_str(), "111122223333");
}

#[test]
fn a_difference_the_repository_given_does_not_see_is_still_shown() {
    // The region of the repository given meets both conditions; another region does not.
    let before = doc(
        r#"{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:BatchGetImage"}"#,
    );
    let after = doc(
        r#"{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#,
    );
    assert!(!equivalent(&before, &after));
    let on = DiffOptions::on(
        "arn:aws:ecr:eu-west-1:111122223333:repository/app"
            .parse()
            .unwrap(),
    );
    let d = diff_with(&before, &after, &on);
    assert!(!d.is_empty());
    let proof = d.removed[0].counterexample.as_ref().unwrap();
    assert!(proof.is_certain());
    assert_eq!(proof.outcome(&before), Some(Outcome::Allowed));
    assert_ne!(proof.outcome(&after), Some(Outcome::Allowed));
}

/// An owner between two account patterns: `444499999999` starts with `4444` but not with
/// `44440`, and only the owner's account is tested.
#[test]
fn an_owner_between_account_patterns_tells_them_apart() {
    let with = |pattern: &str| {
        doc(&format!(
            r#"{{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{{"StringLike":{{"aws:ResourceAccount":"{pattern}"}}}}}}"#
        ))
    };
    let (wide, narrow) = (with("4444*"), with("44440*"));
    assert!(!equivalent(&wide, &narrow));
    assert!(!equivalent(&narrow, &wide));
    let d = diff(&wide, &narrow);
    assert!(d.added.is_empty(), "{d}");
    let proof = d.removed[0].counterexample.as_ref().unwrap();
    assert!(proof.is_certain(), "{proof}");
    let owner = proof.repository.account().as_str().to_owned();
    assert!(
        owner.starts_with("4444") && !owner.starts_with("44440"),
        "{proof}"
    );
    assert_eq!(proof.outcome(&wide), Some(Outcome::Allowed));
    assert_ne!(proof.outcome(&narrow), Some(Outcome::Allowed));
    // A pattern and itself are still equivalent.
    assert!(equivalent(&wide, &with("4444*")));
}

//! The access analysis on the model: lowering, counterexample requests, and confirmation by the
//! evaluator.

use policy_core::access::{
    AccessAnalysis, AnalysisOptions, CallerClass, IdentityAssumption, Route,
};
use policy_core::eval::{Evaluator, Outcome};
use policy_core::model::RepositoryArn;
use policy_core::{Action, PolicyDocument};

const REPO: &str = "arn:aws:ecr:us-east-1:111122223333:repository/app";

fn options() -> AnalysisOptions {
    AnalysisOptions {
        repository: Some(REPO.parse::<RepositoryArn>().unwrap()),
        ..AnalysisOptions::default()
    }
}

fn analysis(json: &str) -> (PolicyDocument, AccessAnalysis) {
    let doc = PolicyDocument::from_json(json).unwrap();
    let a = AccessAnalysis::new(&doc, &options());
    (doc, a)
}

fn outsider(a: &AccessAnalysis) -> CallerClass {
    a.classes()
        .iter()
        .find(|c| matches!(c, CallerClass::Session { account, role: None, .. } if !account.named))
        .unwrap()
        .clone()
}

#[test]
fn weak_conditions_give_certain_outside_access_with_a_request() {
    for condition in [
        r#"{"StringLike": {"aws:PrincipalArn": "*"}}"#,
        r#"{"StringLike": {"aws:PrincipalOrgID": "o-*"}}"#,
        r#"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#,
        r#"{"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/"]}}"#,
        r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}"#,
    ] {
        let (doc, a) = analysis(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{condition}}}]}}"#
        ));
        let g = a
            .decide(&outsider(&a), Action::BatchGetImage)
            .unwrap_or_else(|| panic!("{condition}"));
        assert!(g.is_certain(), "{condition}: {g:?}");
        assert_eq!(g.route, Route::CrossAccount);
        let request = g.request.unwrap();
        let evaluator = Evaluator::new(&doc).with_identity_policy(
            PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#).unwrap(),
        );
        assert_eq!(
            evaluator.decide(&request),
            Outcome::Allowed,
            "{condition}: {request}"
        );
    }
}

#[test]
fn narrowing_conditions_keep_outsiders_out() {
    for condition in [
        r#"{"StringEquals": {"aws:PrincipalAccount": "111122223333"}}"#,
        r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}"#,
        r#"{"StringEquals": {"aws:PrincipalOrgID": "o-short"}}"#,
    ] {
        let (_, a) = analysis(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{condition}}}]}}"#
        ));
        assert_eq!(
            a.decide(&outsider(&a), Action::BatchGetImage),
            None,
            "{condition}"
        );
    }
}

#[test]
fn lock_out_by_not_principal() {
    let doc = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"ecr:*"}]}"#).unwrap();
    let a = AccessAnalysis::new(
        &doc,
        &AnalysisOptions {
            identity: IdentityAssumption::AllowAll,
            ..options()
        },
    );
    let owners: Vec<&CallerClass> = a
        .classes()
        .iter()
        .filter(|c| c.account().is_some_and(|x| x.owner))
        .collect();
    assert!(owners.len() >= 3);
    for c in owners {
        assert_eq!(
            a.decide(c, Action::SetRepositoryPolicy),
            None,
            "{}",
            c.describe()
        );
    }
}

#[test]
fn service_guards() {
    let (_, a) = analysis(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":["ecr:BatchGetImage"],"Condition":{"StringLike":{"aws:SourceAccount":"*"}}}]}"#,
    );
    let class = CallerClass::Service {
        name: Some("codebuild.amazonaws.com".into()),
    };
    let g = a.decide(&class, Action::BatchGetImage).unwrap();
    assert!(g.is_certain());
    let account = g
        .request
        .unwrap()
        .context_values("aws:SourceAccount")
        .unwrap()[0]
        .to_owned();
    assert_eq!(account.len(), 12);
}

/// The policies of the shared corpus (its `.json` files that read as documents, with those of
/// its `constructed` folder): the workspace's sibling `shared/corpus/policies`, or the folder
/// ECR_POLICY_CORPUS names (the corpus or its policies). `None` when the variable is unset and
/// the sibling is absent; a named folder that cannot be read or holds no policy is an error,
/// not a pass.
fn corpus_policies() -> Option<Vec<(std::path::PathBuf, PolicyDocument)>> {
    let named = std::env::var_os("ECR_POLICY_CORPUS");
    let dir = named.clone().map_or_else(
        || {
            std::path::PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/corpus/policies"
            ))
        },
        std::path::PathBuf::from,
    );
    // The corpus itself may be named, its policies beside the rest.
    let dir = if dir.join("policies").is_dir() {
        dir.join("policies")
    } else {
        dir
    };
    let top = match std::fs::read_dir(&dir) {
        Ok(top) => top,
        Err(_) if named.is_none() => return None,
        Err(e) => panic!(
            "ECR_POLICY_CORPUS names {}, which cannot be read: {e}",
            dir.display()
        ),
    };
    let constructed = std::fs::read_dir(dir.join("constructed"))
        .into_iter()
        .flatten();
    let policies: Vec<_> = top
        .chain(constructed)
        .map(|e| e.unwrap().path())
        .filter(|path| path.extension().is_some_and(|x| x == "json"))
        .filter_map(|path| {
            let doc = PolicyDocument::from_json(&std::fs::read_to_string(&path).unwrap()).ok()?;
            Some((path, doc))
        })
        .collect();
    assert!(
        named.is_none() || !policies.is_empty(),
        "ECR_POLICY_CORPUS names {}, which holds no policy (no `.json` file that reads as one)",
        dir.display()
    );
    Some(policies)
}

/// Every policy of the shared corpus: the analysis finishes, and every grant the engine finds
/// exactly is one the evaluator allows.
#[test]
fn corpus_grants_are_confirmed() {
    let Some(policies) = corpus_policies() else {
        return;
    };
    let mut unconfirmed = Vec::new();
    let mut grants = 0;
    for (path, doc) in &policies {
        let raw = policy_analysis::Analyzer::new(
            &policy_core::access::lower(doc),
            &policy_analysis::Options {
                owner: Some("123456789012".into()),
                region: Some("us-east-1".into()),
                ..policy_analysis::Options::default()
            },
        );
        let a = AccessAnalysis::new(
            doc,
            &AnalysisOptions {
                repository: Some(
                    "arn:aws:ecr:us-east-1:123456789012:repository/app"
                        .parse()
                        .unwrap(),
                ),
                ..AnalysisOptions::default()
            },
        );
        for (engine, confirmed) in raw.access().iter().zip(a.access()) {
            grants += 1;
            let anonymous = matches!(engine.class, CallerClass::Anonymous);
            if engine.grant.certainty == policy_analysis::Certainty::Certain
                && !confirmed.grant.is_certain()
                && !anonymous
            {
                unconfirmed.push(format!(
                    "{}: {} {:?}",
                    path.display(),
                    engine.class.describe(),
                    confirmed.grant.request.map(|r| r.to_string())
                ));
            }
        }
    }
    println!("{grants} grants");
    assert!(
        unconfirmed.is_empty(),
        "{} of {grants} grants unconfirmed:\n{}",
        unconfirmed.len(),
        unconfirmed.join("\n")
    );
}

/// Every policy of the shared corpus, for an owner or none, a region or none: the
/// dead-statement check's cheaper steps find the dead statements its reference finds
/// (compared here, in release builds too; builds with debug assertions compare them in the
/// check itself as well).
#[test]
fn corpus_dead_statements_are_the_reference() {
    let Some(policies) = corpus_policies() else {
        return;
    };
    let mut dead = 0;
    for (path, doc) in &policies {
        let lowered = policy_core::access::lower(doc);
        for (owner, region) in [
            (Some("123456789012"), Some("us-east-1")),
            (Some("111122223333"), None),
            (None, None),
        ] {
            let analyzer = policy_analysis::Analyzer::new(
                &lowered,
                &policy_analysis::Options {
                    owner: owner.map(str::to_owned),
                    region: region.map(str::to_owned),
                    ..policy_analysis::Options::default()
                },
            );
            let found = analyzer.dead_statements();
            assert_eq!(
                found,
                analyzer.dead_statements_reference(),
                "{} {owner:?} {region:?}",
                path.display()
            );
            dead += found.len();
        }
    }
    let policies = policies.len();
    println!("{policies} policies, {dead} dead statements");
    assert!(policies > 40, "{policies} policies");
}

#[test]
fn exact_diff_sees_through_wording_and_proves_each_change() {
    let allow_all = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    )
    .unwrap();
    let before = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"444455556666"},"Action":["ecr:BatchGetImage","ecr:PutImage"]}]}"#,
    )
    .unwrap();
    // The same access in other words: a condition that always holds for that account.
    let reworded = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:PutImage","ecr:BatchGetImage"],
        "Condition":{"StringEquals":{"aws:PrincipalAccount":"444455556666"}}}]}"#,
    )
    .unwrap();
    assert!(policy_core::compare::exact_diff(&before, &reworded, &options()).is_empty());
    // `diff` and `equivalent` see through it too, on every repository.
    assert!(policy_core::compare::diff(&before, &reworded).is_empty());
    assert!(policy_core::compare::equivalent(&before, &reworded));

    // Push taken away: removed, with a request the old policy allows and the new refuses.
    let pull_only = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"444455556666"},"Action":"ecr:BatchGetImage"}]}"#,
    )
    .unwrap();
    let changes = policy_core::compare::exact_diff(&before, &pull_only, &options());
    assert!(changes.added.is_empty());
    assert!(!changes.removed.is_empty());
    assert_eq!(changes.certain().count(), changes.removed.len());
    for change in &changes.removed {
        assert_eq!(change.actions, [Action::PutImage]);
        let request = change.grant.request.as_ref().unwrap();
        let old = Evaluator::new(&before).with_identity_policy(&allow_all);
        let new = Evaluator::new(&pull_only).with_identity_policy(&allow_all);
        assert_eq!(old.decide(request), Outcome::Allowed, "{request}");
        assert_ne!(new.decide(request), Outcome::Allowed, "{request}");
    }
}

#[test]
fn equivalence_holds_on_every_owner_and_reading_of_identity_policies() {
    use policy_core::compare::{diff, equivalent};
    let doc = |t: &str| PolicyDocument::from_json(t).unwrap();
    // A deny that reaches only callers whose account starts 4444: the root user of such a
    // repository's own account included, whom no allow is needed for.
    let deny = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:PutImage",
        "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::4444*:*"}}}]}"#,
    );
    let nothing = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage",
        "Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#,
    );
    assert!(!equivalent(&deny, &nothing));
    let d = diff(&deny, &nothing);
    let proof = d.added[0].counterexample.as_ref().unwrap();
    assert!(proof.is_certain(), "{d}");
    assert!(
        proof.repository.account().as_str().starts_with("4444"),
        "{d}"
    );
    assert_eq!(proof.outcome(&nothing), Some(Outcome::Allowed));
    assert_eq!(proof.outcome(&deny), Some(Outcome::ExplicitlyDenied));

    // Naming a user of the owner's account, against trusting that account: the same for every
    // other owner, and a change only when the account owns the repository and its identity
    // policies allow nothing.
    let by_account = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr:PutImage"},
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/ci"},"Action":"ecr:PutImage"}]}"#,
    );
    let account_only = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr:PutImage"}]}"#,
    );
    let d = diff(&account_only, &by_account);
    assert!(d.removed.is_empty(), "{d}");
    let proof = d.added[0].counterexample.as_ref().unwrap();
    assert_eq!(proof.repository.account().as_str(), "111122223333", "{d}");
    assert!(!proof.with_identity_policy);
    assert!(
        d.to_string()
            .contains("the user ci in the owning account 111122223333"),
        "{d}"
    );

    // A deny of the owner's own user, where nothing allows it: a change only when its
    // identity policy allows.
    let denied = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/ci"},"Action":"ecr:PutImage"}]}"#,
    );
    let d = diff(&denied, &nothing);
    assert!(d.removed.is_empty(), "{d}");
    let proof = d.added[0].counterexample.as_ref().unwrap();
    assert!(proof.with_identity_policy && proof.is_certain(), "{d}");
    assert_eq!(proof.repository.account().as_str(), "111122223333", "{d}");
    assert!(
        d.to_string()
            .contains("with an identity policy that allows it"),
        "{d}"
    );
}

/// A service's grant under a negated test on `aws:PrincipalArn` holds whether AWS leaves the
/// key out for a service or gives it the service name, so taking it away is a certain change
/// (its request proven by the evaluators); under a positive test it rests on that value and
/// stays `Possible`.
#[test]
fn diff_proves_a_service_grant_a_negated_principal_arn_test_cannot_refuse() {
    let service = |condition: &str| {
        PolicyDocument::from_json(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",
            "Principal":{{"Service":"codebuild.amazonaws.com"}},"Action":"ecr:BatchGetImage",
            "Condition":{condition}}}]}}"#
        ))
        .unwrap()
    };
    let negated = service(r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ci*"}}"#);
    let deny_only = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",
        "Action":["ecr:Delete*","ecr:SetRepositoryPolicy","ecr:PutImage"],
        "Condition":{"StringEquals":{"aws:PrincipalType":"AssumedRole"},
        "NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}"#,
    )
    .unwrap();
    let changes = policy_core::compare::diff(&negated, &deny_only);
    assert!(changes.added.is_empty(), "{changes}");
    let [change] = changes.removed.as_slice() else {
        panic!("{changes}")
    };
    let proof = change.counterexample.as_ref().unwrap();
    assert!(proof.is_certain(), "{proof}");
    let request = proof.request().unwrap();
    assert_eq!(
        Evaluator::new(&negated).decide(&request),
        Outcome::Allowed,
        "{request}"
    );
    assert_ne!(
        Evaluator::new(&deny_only).decide(&request),
        Outcome::Allowed,
        "{request}"
    );
    assert!(policy_core::assert::check_no_new_access(&deny_only, &negated).is_err());

    let positive = service(r#"{"StringLike":{"aws:PrincipalArn":"*"}}"#);
    let changes = policy_core::compare::diff(&positive, &deny_only);
    let change = changes
        .removed
        .iter()
        .find(|c| matches!(c.classes.as_slice(), [CallerClass::Service { .. }]))
        .unwrap_or_else(|| panic!("{changes}"));
    assert!(
        !change.counterexample.as_ref().unwrap().is_certain(),
        "{changes}"
    );
}

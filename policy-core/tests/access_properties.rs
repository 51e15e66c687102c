//! Properties of the access analysis on random policies: a grant the engine finds exactly is
//! one the evaluator allows, and a class the engine finds denied has no allowed request among
//! the witnesses of the same policy without its denies.

use policy_core::access::{AccessAnalysis, AnalysisOptions, CallerClass, Route};
use policy_core::eval::{Evaluator, Outcome};
use policy_core::model::RepositoryArn;
use policy_core::{Action, PolicyDocument};
use proptest::prelude::*;

const STATEMENTS: &[&str] = &[
    r#"{"Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]COND}"#,
    r#"{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:*"COND}"#,
    r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":["ecr:PutImage","ecr:BatchGetImage"]COND}"#,
    r#"{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage"COND}"#,
    r#"{"Effect":"Allow","Principal":{"AWS":"*"},"NotAction":"ecr:Delete*"COND}"#,
    r#"{"Effect":"Deny","Principal":"*","Action":["ecr:Delete*","ecr:SetRepositoryPolicy","ecr:PutImage"]COND}"#,
    r#"{"Effect":"Deny","Principal":"*","Action":"ecr:*"COND}"#,
    r#"{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/ci","111122223333"]},"Action":"ecr:PutImage"COND}"#,
];

const CONDITIONS: &[&str] = &[
    "",
    r#","Condition":{"StringLike":{"aws:PrincipalOrgID":"o-*"}}"#,
    r#","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}"#,
    r#","Condition":{"StringEquals":{"aws:PrincipalAccount":["111122223333","444455556666"]}}"#,
    r#","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ci*"}}"#,
    r#","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::4444*:*"}}"#,
    r#","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}"#,
    r#","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}"#,
    r#","Condition":{"Bool":{"aws:SecureTransport":"false"}}"#,
    r#","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}"#,
    r#","Condition":{"StringLike":{"aws:SourceArn":"arn:aws:codebuild:*:*:project/*"}}"#,
    r#","Condition":{"Null":{"aws:SourceVpce":"true"}}"#,
    r#","Condition":{"StringNotEqualsIfExists":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#,
    r#","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/*"}}"#,
    r#","Condition":{"StringEquals":{"aws:PrincipalType":"AssumedRole"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#,
];

fn document(picks: &[(usize, usize)], keep_denies: bool) -> PolicyDocument {
    let statements: Vec<String> = picks
        .iter()
        .filter(|(s, _)| keep_denies || !STATEMENTS[*s].contains("\"Deny\""))
        .map(|&(s, c)| STATEMENTS[s].replace("COND", CONDITIONS[c]))
        .collect();
    PolicyDocument::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    ))
    .unwrap()
}

fn options() -> AnalysisOptions {
    AnalysisOptions {
        repository: Some(
            "arn:aws:ecr:us-east-1:111122223333:repository/app"
                .parse::<RepositoryArn>()
                .unwrap(),
        ),
        ..AnalysisOptions::default()
    }
}

fn allow_all() -> PolicyDocument {
    PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn exact_grants_are_allowed_and_denials_hold(
        picks in prop::collection::vec((0..STATEMENTS.len(), 0..CONDITIONS.len()), 1..5)
    ) {
        let full = document(&picks, true);
        let analysis = AccessAnalysis::new(&full, &options());
        let raw = policy_analysis::Analyzer::new(
            &policy_core::access::lower(&full),
            &policy_analysis::Options {
                owner: Some("111122223333".into()),
                region: Some("us-east-1".into()),
                repository: Some("arn:aws:ecr:us-east-1:111122223333:repository/app".into()),
                ..policy_analysis::Options::default()
            },
        );
        for (engine, confirmed) in raw.access().iter().zip(analysis.access()) {
            if engine.grant.certainty == policy_analysis::Certainty::Certain
                && !matches!(engine.class, CallerClass::Anonymous)
            {
                prop_assert!(
                    confirmed.grant.is_certain(),
                    "{}: {:?}",
                    engine.class.describe(),
                    confirmed.grant.request.map(|r| r.to_string())
                );
            }
        }
        // Denied classes: the witnesses of the policy without denies are refused.
        let open = AccessAnalysis::new(document(&picks, false), &options());
        let evaluator = Evaluator::new(&full).with_identity_policy(allow_all());
        let own = Evaluator::new(&full);
        for class in analysis.classes() {
            for action in [Action::BatchGetImage, Action::PutImage, Action::DeleteRepository] {
                if analysis.decide(class, action).is_some() {
                    continue;
                }
                let Some(g) = open.decide(class, action) else { continue };
                let Some(request) = g.request else { continue };
                let e = match g.route {
                    Route::CrossAccount | Route::IdentityPolicy => &evaluator,
                    _ => &own,
                };
                prop_assert_ne!(e.decide(&request), Outcome::Allowed, "{}: {}", class.describe(), request);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Where `differences` finds nothing, every request the first policy allows (its witnesses)
    /// the second allows too; what it finds, the evaluator confirms.
    #[test]
    fn differences_agree_with_the_evaluator(
        a in prop::collection::vec((0..STATEMENTS.len(), 0..CONDITIONS.len()), 1..4),
        b in prop::collection::vec((0..STATEMENTS.len(), 0..CONDITIONS.len()), 1..4),
    ) {
        let (da, db) = (document(&a, true), document(&b, true));
        let (aa, ab) = AccessAnalysis::pair(&da, &db, &options());
        let diffs = aa.differences(&ab);
        let theirs = Evaluator::new(&db).with_identity_policy(allow_all());
        let theirs_own = Evaluator::new(&db);
        for class in aa.classes() {
            for action in [Action::BatchGetImage, Action::PutImage, Action::DeleteRepository] {
                let differs = diffs.iter().any(|d| &d.class == class && d.actions.contains(&action));
                let Some(g) = aa.decide(class, action) else { continue };
                let Some(request) = g.request.filter(|_| g.certainty == policy_core::access::Certainty::Certain) else { continue };
                let e = match g.route {
                    Route::CrossAccount | Route::IdentityPolicy => &theirs,
                    _ => &theirs_own,
                };
                if !differs {
                    prop_assert_eq!(e.decide(&request), Outcome::Allowed, "{}: {}", class.describe(), request);
                }
            }
        }
        for d in &diffs {
            if d.grant.is_certain() {
                let r = d.grant.request.as_ref().unwrap();
                let e = match d.grant.route {
                    Route::CrossAccount | Route::IdentityPolicy => &theirs,
                    _ => &theirs_own,
                };
                prop_assert_ne!(e.decide(r), Outcome::Allowed);
            }
        }
    }
}

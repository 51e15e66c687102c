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

/// Whether `evaluator`s allow `request`, reading the callers' identity policies as the
/// analysis does by default: the owning account's allow nothing, another account's everything.
fn allowed(
    own: &Evaluator,
    other_accounts: &Evaluator,
    request: &policy_core::eval::Request,
) -> bool {
    let owner = request.repository().account();
    let e = match request.caller().account() {
        Some(account) if account != owner => other_accounts,
        _ => own,
    };
    e.decide(request) == Outcome::Allowed
}

/// Context changes made on top of each class's plain request: the keys the conditions above
/// test, set to values on both sides of each test, and removed; only keys AWS can set for the
/// caller (a service's request carries its source, an IAM caller's its organization, network
/// and MFA; see ECR-FACTS section 11).
fn probe_contexts(request: policy_core::eval::Request) -> Vec<policy_core::eval::Request> {
    let set = |k: &str, v: &[&str]| request.clone().context(k, v.iter().copied());
    if matches!(request.caller(), policy_core::eval::Caller::Service(_)) {
        return vec![
            request.clone(),
            set("aws:SourceAccount", &["111122223333"]).context(
                "aws:SourceArn",
                ["arn:aws:codebuild:us-east-1:111122223333:project/build"],
            ),
            set("aws:SourceAccount", &["444455556666"]).context(
                "aws:SourceArn",
                ["arn:aws:codebuild:us-east-1:444455556666:project/build"],
            ),
            set("aws:SecureTransport", &["false"]),
            set("aws:SecureTransport", &["true"]),
        ];
    }
    let in_org = set("aws:PrincipalOrgID", &["o-a1b2c3d4e5"]);
    vec![
        request.clone(),
        in_org.clone(),
        in_org.context(
            "aws:PrincipalOrgPaths",
            ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"],
        ),
        set("aws:PrincipalOrgID", &["o-zzzzzzzzzz"]),
        request.clone().without("aws:PrincipalOrgID"),
        set("aws:SourceIp", &["10.1.2.3"]),
        set("aws:SourceIp", &["203.0.113.7"]),
        set("aws:SourceIp", &["2001:db8::1"]),
        set("aws:SecureTransport", &["false"]),
        set("aws:SecureTransport", &["true"]),
        set("aws:SourceVpce", &["vpce-1a2b3c4d"]),
        set("aws:SourceVpce", &["vpce-99999999"]),
        set("aws:MultiFactorAuthAge", &["60"]),
        set("aws:MultiFactorAuthAge", &["7200"]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Where `differences` is empty both ways, both policies decide every probe request alike:
    /// each class's plain request for a few actions under a few contexts. And the conservative
    /// `equivalent` never calls two policies equivalent that the exact analysis tells apart.
    #[test]
    fn no_differences_means_the_same_decisions(
        a in prop::collection::vec((0..STATEMENTS.len(), 0..CONDITIONS.len()), 1..4),
        b in prop::collection::vec((0..STATEMENTS.len(), 0..CONDITIONS.len()), 1..4),
        // Half the time the second policy is the first in another order: equivalent ones.
        shuffled in any::<bool>(),
    ) {
        let da = document(&a, true);
        let db = if shuffled {
            document(&a.iter().rev().copied().collect::<Vec<_>>(), true)
        } else {
            document(&b, true)
        };
        let (aa, ab) = AccessAnalysis::pair(&da, &db, &options());
        let added = ab.differences(&aa);
        let removed = aa.differences(&ab);
        // A `Possible` difference is one the engine could not rule out (an anonymous caller,
        // whose requests the evaluator cannot form, is always one); a `Certain` one the
        // evaluators confirm, so equivalent policies must have none.
        if policy_core::compare::equivalent(&da, &db) {
            prop_assert!(
                !added.iter().chain(&removed).any(|d| d.grant.is_certain()),
                "equivalent, yet the analysis proves {:?}",
                added.iter().chain(&removed).map(|d| (d.class.describe(), d.grant.request.as_ref().map(ToString::to_string))).collect::<Vec<_>>()
            );
        }
        if !(added.is_empty() && removed.is_empty()) {
            return Ok(());
        }
        let (own_a, other_a) = (Evaluator::new(&da), Evaluator::new(&da).with_identity_policy(allow_all()));
        let (own_b, other_b) = (Evaluator::new(&db), Evaluator::new(&db).with_identity_policy(allow_all()));
        for class in aa.classes() {
            let Some((witness, _)) = aa.satisfy(class, &[]) else { continue };
            for action in [Action::BatchGetImage, Action::PutImage, Action::DeleteRepository, Action::SetRepositoryPolicy] {
                let Some(plain) = aa.request(&witness, action) else { continue };
                for request in probe_contexts(plain) {
                    prop_assert_eq!(
                        allowed(&own_a, &other_a, &request),
                        allowed(&own_b, &other_b, &request),
                        "{}: {}", class.describe(), request
                    );
                }
            }
        }
    }
}

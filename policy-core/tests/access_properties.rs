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
    r#","Condition":{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}"#,
    r#","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#,
    // A private range: no `aws:SourceIp` is in it, so this always holds.
    r#","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}"#,
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
/// and MFA; see ECR-FACTS section 11), with values AWS can set (`aws:SourceIp` is a public
/// address: a private one is never compared, see `IpSet::public`).
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
        set("aws:SourceIp", &["203.0.113.7"]),
        set("aws:SourceIp", &["198.51.100.7"]),
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

// ---- equivalent, diff and the policy checks, by the decisions of the evaluator ----

use policy_core::assert::{check_access_not_granted, check_no_new_access};
use policy_core::compare::{diff, equivalent, Counterexample};
use policy_core::eval::{Caller, Request};
use policy_core::{AccountId, RoleName, ServiceName, SessionName, UserName};

/// Callers to probe with: named and unnamed identities of the accounts the statements name
/// and of one they do not, and services.
fn probe_callers() -> Vec<Caller> {
    let a = |id: &str| AccountId::new(id).unwrap();
    let session = |id: &str, role: &str| {
        Caller::assumed_role(
            a(id),
            RoleName::new(role).unwrap(),
            SessionName::new("s1").unwrap(),
        )
    };
    vec![
        Caller::root(a("111122223333")),
        Caller::root(a("444455556666")),
        Caller::root(a("777788889999")),
        Caller::user(a("111122223333"), UserName::new("someone").unwrap()),
        Caller::user(a("444455556666"), UserName::new("someone").unwrap()),
        Caller::user(a("777788889999"), UserName::new("someone").unwrap()),
        session("111122223333", "ci"),
        session("111122223333", "other"),
        session("444455556666", "ci-build"),
        session("777788889999", "other"),
        Caller::service(ServiceName::new("codebuild.amazonaws.com").unwrap()),
        Caller::service(ServiceName::new("lambda.amazonaws.com").unwrap()),
    ]
}

/// Repositories in the accounts the statements name and in one they do not.
fn probe_repositories() -> Vec<RepositoryArn> {
    ["111122223333", "444455556666", "777788889999"]
        .iter()
        .map(|id| {
            format!("arn:aws:ecr:us-east-1:{id}:repository/app")
                .parse()
                .unwrap()
        })
        .collect()
}

/// Every probe request: each caller, a few actions, the contexts of `probe_contexts`, on each
/// repository.
fn probe_requests() -> Vec<Request> {
    let mut out = Vec::new();
    for repository in probe_repositories() {
        for caller in probe_callers() {
            for action in [
                Action::BatchGetImage,
                Action::PutImage,
                Action::DeleteRepository,
                Action::SetRepositoryPolicy,
            ] {
                out.extend(probe_contexts(Request::new(
                    caller.clone(),
                    action,
                    repository.clone(),
                )));
            }
        }
    }
    out
}

/// A request on which the two policies decide otherwise, with no identity policy or one
/// allowing everything.
fn decided_otherwise(
    a: &PolicyDocument,
    b: &PolicyDocument,
    requests: &[Request],
) -> Option<String> {
    let evaluators = |d: &PolicyDocument| {
        [
            Evaluator::new(d.clone()),
            Evaluator::new(d.clone()).with_identity_policy(allow_all()),
        ]
    };
    let (ea, eb) = (evaluators(a), evaluators(b));
    for r in requests {
        for i in 0..2 {
            let (x, y) = (ea[i].decide(r), eb[i].decide(r));
            if x.is_allowed() != y.is_allowed() {
                return Some(format!("{r} (identity policy: {}): {x} versus {y}", i == 1));
            }
        }
    }
    None
}

/// Checks a counterexample on its own: `with` allows its request and `without` does not,
/// under the identity policy it names.
fn assert_proves(
    proof: &Counterexample,
    with: &PolicyDocument,
    without: &PolicyDocument,
) -> Result<(), TestCaseError> {
    let request = proof
        .request()
        .expect("a certain counterexample has a request");
    let evaluator = |d: &PolicyDocument| {
        let e = Evaluator::new(d.clone());
        if proof.with_identity_policy {
            e.with_identity_policy(allow_all())
        } else {
            e
        }
    };
    prop_assert_eq!(
        evaluator(with).decide(&request),
        Outcome::Allowed,
        "{}",
        request
    );
    prop_assert_ne!(
        evaluator(without).decide(&request),
        Outcome::Allowed,
        "{}",
        request
    );
    Ok(())
}

/// How the second policy of a pair is made from the first.
#[derive(Clone, Debug)]
enum Second {
    /// Another random policy.
    Independent(Vec<(usize, usize)>),
    /// The first with one statement repeated under one more condition: redundant, so
    /// equivalent (a narrower allow or deny beside the wider one).
    Narrowed { statement: usize, condition: usize },
    /// The first plus a statement no request meets (an endpoint id no request carries).
    WithDead(usize),
}

fn second_of(first: &[(usize, usize)], how: &Second) -> PolicyDocument {
    match how {
        Second::Independent(b) => document(b, true),
        Second::Narrowed {
            statement,
            condition,
        } => {
            let k = statement % first.len();
            let (s, _) = first[k];
            let mut b = document(first, true);
            let mut copy = b.statements[k].clone();
            // The condition's tests join the copy's, unless one has the same operator and key.
            let extra = document(&[(s, 1 + condition % (CONDITIONS.len() - 1))], true);
            for t in extra.statements[0].condition.tests() {
                if !copy
                    .condition
                    .tests()
                    .iter()
                    .any(|x| x.operator == t.operator && x.key == t.key)
                {
                    copy.condition.push(t.clone());
                }
            }
            b.statements.push(copy);
            b
        }
        Second::WithDead(s) => {
            let dead = STATEMENTS[s % STATEMENTS.len()].replace(
                "COND",
                r#","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}"#,
            );
            let dead = PolicyDocument::from_json(&format!(r#"{{"Statement":[{dead}]}}"#)).unwrap();
            let mut b = document(first, true);
            b.statements.push(dead.statements[0].clone());
            b
        }
    }
}

fn picks() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((0..STATEMENTS.len(), 0..CONDITIONS.len()), 1..4)
}

fn second() -> impl Strategy<Value = Second> {
    prop_oneof![
        2 => picks().prop_map(Second::Independent),
        1 => (0..4usize, 0..CONDITIONS.len()).prop_map(|(statement, condition)| Second::Narrowed { statement, condition }),
        1 => (0..STATEMENTS.len()).prop_map(Second::WithDead),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// `equivalent` holds exactly when no request is decided otherwise: equivalent policies
    /// decide every probe request alike, and policies that are not equivalent have a change
    /// the evaluator confirms (unless it rests on what the model leaves open: the anonymous
    /// caller, a service's ARN, an organization id with its paths). `diff` is empty exactly when the
    /// policies are equivalent, and every certain change is proven by its request, as is every
    /// finding of `check_no_new_access`, which passes both ways exactly for equivalent
    /// policies.
    #[test]
    fn equivalence_diff_and_no_new_access_follow_the_evaluator(a in picks(), how in second()) {
        let da = document(&a, true);
        let db = second_of(&a, &how);
        let same = equivalent(&da, &db);
        prop_assert_eq!(same, equivalent(&db, &da));
        let changes = diff(&da, &db);
        prop_assert_eq!(changes.is_empty(), same, "{}", changes);
        let otherwise = decided_otherwise(&da, &db, &probe_requests());
        if same {
            prop_assert!(otherwise.is_none(), "equivalent, yet {}", otherwise.unwrap_or_default());
        }
        if !matches!(how, Second::Independent(_)) {
            prop_assert!(same, "a redundant statement is a change:\n{}\n{}\n{}", da.to_json(), db.to_json(), changes);
        }
        for (c, with, without) in changes.added.iter().map(|c| (c, &db, &da))
            .chain(changes.removed.iter().map(|c| (c, &da, &db)))
        {
            let proof = c.counterexample.as_ref().expect("repository policies are compared exactly");
            if proof.is_certain() {
                assert_proves(proof, with, without)?;
            } else {
                // What the model leaves open: anonymous callers, a service's ARN, and an
                // organization with its paths (ids and paths are not tied to each other).
                let open = matches!(proof.class, CallerClass::Anonymous | CallerClass::Service { .. })
                    || (proof.witness.values("aws:PrincipalOrgID").is_some()
                        && proof.witness.values("aws:PrincipalOrgPaths").is_some());
                prop_assert!(open, "an unconfirmed change for {}: {}", proof.stands_for, proof);
            }
        }
        if !same && otherwise.is_some() {
            prop_assert!(changes.added.iter().chain(&changes.removed).any(|c| c.counterexample.as_ref().is_some_and(Counterexample::is_certain)));
        }
        let forward = check_no_new_access(&da, &db);
        let backward = check_no_new_access(&db, &da);
        prop_assert_eq!(forward.is_ok() && backward.is_ok(), same);
        for (report, with, without) in [(forward, &db, &da), (backward, &da, &db)] {
            for f in report.err().map(|r| r.findings).unwrap_or_default() {
                let proof = f.counterexample.as_ref().expect("a counterexample");
                prop_assert_eq!(proof.action, f.action);
                if f.certainty == policy_core::assert::Certainty::Certain {
                    assert_proves(proof, with, without)?;
                }
            }
        }
    }

    /// Every certain finding of `check_access_not_granted` is a request the evaluator allows
    /// to a caller outside the allowed principals.
    #[test]
    fn access_not_granted_findings_are_allowed(a in picks(), allowed in 0..3usize) {
        let doc = document(&a, true);
        let principals: Vec<policy_core::model::Principal> = [
            vec![],
            vec![policy_core::model::Principal::account(AccountId::new("111122223333").unwrap())],
            vec![policy_core::model::Principal::account(AccountId::new("444455556666").unwrap())],
        ][allowed].clone();
        let actions = [Action::BatchGetImage, Action::PutImage, Action::SetRepositoryPolicy];
        let Err(report) = check_access_not_granted(&doc, &actions, &principals) else { return Ok(()) };
        for f in &report.findings {
            let proof = f.counterexample.as_ref().expect("a counterexample");
            if f.certainty != policy_core::assert::Certainty::Certain {
                continue;
            }
            let request = proof.request().unwrap();
            prop_assert_eq!(proof.outcome(&doc), Some(Outcome::Allowed));
            let e = Evaluator::new(&doc).with_identity_policy(allow_all());
            prop_assert_eq!(e.decide(&request), Outcome::Allowed, "{}", request);
            for p in &principals {
                prop_assert!(!request.caller().arn().contains(&p.to_string()), "{} is allowed", request);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// Grouping hides no difference: on a repository given, `diff_with`'s entries hold
    /// exactly the classes whose access changes (each in one entry, with exactly its changed
    /// actions), and each entry's example is a class of the entry asking for one of its
    /// actions, a request one policy allows and the other refuses when it is certain.
    #[test]
    fn diff_entries_cover_exactly_the_changed_classes(a in picks(), how in second()) {
        use std::collections::{BTreeMap, BTreeSet};
        use policy_core::compare::{diff_with, exact_diff, DiffOptions};
        let da = document(&a, true);
        let db = second_of(&a, &how);
        let exact = exact_diff(&da, &db, &options());
        prop_assume!(!exact.is_empty());
        let repository = options().repository.unwrap();
        let d = diff_with(&da, &db, &DiffOptions::on(repository.clone()));
        let changed = |list: &[policy_core::access::ClassAccess]| {
            let mut map: BTreeMap<CallerClass, BTreeSet<String>> = BTreeMap::new();
            for c in list {
                map.entry(c.class.clone()).or_default().extend(c.actions.iter().map(|a| a.as_str().to_owned()));
            }
            map
        };
        for (entries, expected, with, without) in [
            (&d.added, changed(&exact.added), &db, &da),
            (&d.removed, changed(&exact.removed), &da, &db),
        ] {
            let mut seen: BTreeMap<CallerClass, BTreeSet<String>> = BTreeMap::new();
            for e in entries.iter() {
                prop_assert!(!e.classes.is_empty(), "{}", e);
                let actions: BTreeSet<String> = e.actions.iter().cloned().collect();
                for class in &e.classes {
                    prop_assert!(seen.insert(class.clone(), actions.clone()).is_none(), "{} in two entries", class.describe());
                }
                let proof = e.counterexample.as_ref().expect("a counterexample");
                prop_assert!(e.classes.contains(&proof.class), "{}: example of another class", e);
                prop_assert!(actions.contains(proof.action.as_str()), "{}: example of another action", e);
                prop_assert_eq!(&proof.repository, &repository);
                if proof.is_certain() {
                    assert_proves(proof, with, without)?;
                }
            }
            prop_assert_eq!(seen, expected, "\n{}", d);
        }
    }
}

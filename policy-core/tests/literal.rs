//! Findings decided by the letters of a policy (`policy_analysis::literal`) against the
//! engine's searches for every answer: the same findings, word for word, with the same
//! witnesses and the same confirmed requests, on every policy of the repository's test sets,
//! the shared corpus when present, the shapes of the command line's benchmark, and random
//! policies across the shapes the shortcut takes and those it leaves to the engine.

use policy_analysis::findings::findings_with;
use policy_analysis::{literal, Analyzer, Options};
use policy_core::access::lower;
use policy_core::lint::{exact_findings, exact_findings_by_search};
use policy_core::model::RepositoryArn;
use policy_core::PolicyDocument;
use proptest::prelude::*;

fn repository() -> RepositoryArn {
    "arn:aws:ecr:us-east-1:111122223333:repository/app"
        .parse()
        .unwrap()
}

/// Whether the shortcut decides the document, after checking that it says what the engine
/// says, at both levels: the analysis's findings with their witnesses, and the lint's with
/// the requests the evaluator confirms.
fn agrees(doc: &PolicyDocument, what: &str) -> bool {
    let policy = lower(doc);
    let options = Options::default();
    let shortcut = literal::findings(&policy, &options);
    if let Some(judged) = &shortcut {
        let analyzer = Analyzer::new(&policy, &options);
        assert_eq!(analyzer.owner(), judged.owner, "owner of {what}");
        assert_eq!(
            judged.findings,
            findings_with(&analyzer, &policy, &options),
            "findings of {what}"
        );
    }
    for repo in [None, Some(&repository())] {
        assert_eq!(
            exact_findings(doc, repo),
            exact_findings_by_search(doc, repo),
            "lint of {what} on {repo:?}"
        );
    }
    shortcut.is_some()
}

#[path = "support/test_sets.rs"]
mod test_sets;

use test_sets::policy_files as files;

#[test]
fn the_shortcut_agrees_with_the_engine_on_the_test_sets() {
    let mut read = 0;
    let mut decided = 0;
    let mut fallbacks = std::collections::BTreeMap::new();
    for file in files() {
        let Some(doc) = std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| PolicyDocument::from_json(&t).ok())
        else {
            continue;
        };
        read += 1;
        decided += usize::from(agrees(&doc, &file.display().to_string()));
        if let Some(why) = literal::fallback(&lower(&doc), &Options::default()) {
            *fallbacks.entry(why).or_insert(0usize) += 1;
            if std::env::var_os("LETTERS_SHOW").is_some() {
                eprintln!("{why}: {}", file.display());
            }
        }
    }
    eprintln!("the shortcut decided {decided} of {read} policies of the test sets");
    let mut shapes: Vec<_> = fallbacks.into_iter().collect();
    shapes.sort_by_key(|(why, n)| (std::cmp::Reverse(*n), *why));
    eprintln!("left to the engine, by the first shape the letters do not take: {shapes:?}");
    assert!(read > 60, "the test sets are missing: {read} policies");
    assert!(
        decided >= 20,
        "the shortcut decided only {decided} of {read} policies: the test compares little"
    );
}

/// A small generator of the same statements as `ecr-policy-cli/scripts/bench-vs-parliament.sh`.
struct Shapes(u64);

impl Shapes {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    fn account(&mut self) -> String {
        (0..12)
            .map(|_| char::from(b'0' + self.next(10) as u8))
            .collect()
    }

    fn statement(&mut self, i: usize) -> String {
        let pull = r#"["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability"]"#;
        let sid = format!(r#""Sid":"Statement{i}""#);
        match self.next(6) {
            0 => format!(
                r#"{{{sid},"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{}:user/ci-{}"}},"Action":["ecr:BatchGetImage","ecr:PutImage","ecr:InitiateLayerUpload"]}}"#,
                self.account(),
                self.next(100)
            ),
            1 => {
                let roots: Vec<String> = (0..=self.next(4))
                    .map(|_| format!(r#""arn:aws:iam::{}:root""#, self.account()))
                    .collect();
                format!(
                    r#"{{{sid},"Effect":"Allow","Principal":{{"AWS":[{}]}},"Action":{pull}}}"#,
                    roots.join(",")
                )
            }
            2 => {
                let condition = if self.next(2) == 0 {
                    format!(
                        r#","Condition":{{"StringEquals":{{"aws:SourceAccount":"{}"}}}}"#,
                        self.account()
                    )
                } else {
                    String::new()
                };
                format!(
                    r#"{{{sid},"Effect":"Allow","Principal":{{"Service":"codebuild.amazonaws.com"}},"Action":{pull}{condition}}}"#
                )
            }
            3 => format!(
                r#"{{{sid},"Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}}"#
            ),
            4 => format!(
                r#"{{{sid},"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{{"NotIpAddress":{{"aws:SourceIp":["203.0.113.0/24"]}}}}}}"#
            ),
            _ => format!(
                r#"{{{sid},"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{}:role/deployer"}},"Action":["ecr:*"]}}"#,
                self.account()
            ),
        }
    }
}

#[test]
fn the_shortcut_agrees_with_the_engine_on_the_benchmark_shapes() {
    let mut shapes = Shapes(42);
    let mut decided = 0;
    for n in 0..150 {
        let count = 1 + shapes.next(4) as usize;
        let statements: Vec<String> = (0..count).map(|i| shapes.statement(i)).collect();
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        );
        let doc = PolicyDocument::from_json(&text).unwrap();
        decided += usize::from(agrees(&doc, &format!("shape {n}: {text}")));
    }
    assert!(decided > 120, "the shortcut decided only {decided} of 150");
}

/// Principals, actions and conditions, each either in the shortcut's reach or just outside it.
const PRINCIPALS: &[&str] = &[
    r#""Principal":"*""#,
    r#""Principal":{"AWS":"*"}"#,
    r#""Principal":{"AWS":"444455556666"}"#,
    r#""Principal":{"AWS":["arn:aws:iam::444455556666:root","arn:aws:iam::999999999999:root"]}"#,
    r#""Principal":{"AWS":"arn:aws:iam::111122223333:user/ci"}"#,
    r#""Principal":{"AWS":"arn:aws:iam::444455556666:role/deployer"}"#,
    r#""Principal":{"AWS":"arn:aws:sts::444455556666:assumed-role/deployer/s1"}"#,
    r#""Principal":{"Service":"codebuild.amazonaws.com"}"#,
    r#""Principal":{"Service":["CodeBuild.amazonaws.com","lambda.amazonaws.com"]}"#,
    r#""Principal":{"Service":"codebuild.amazonaws.com","AWS":"*"}"#,
    r#""NotPrincipal":{"AWS":"111122223333"}"#,
    "",
];

/// No principal: such a statement covers no caller of a repository policy.
const NO_PRINCIPAL: usize = 11;

const RESOURCES: &[&str] = &[
    "",
    r#""Resource":"*""#,
    r#""Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*""#,
    r#""Resource":["arn:aws:ecr:*:*:repository/app","*"]"#,
    r#""NotResource":"*""#,
];

const ACTIONS: &[&str] = &[
    r#""Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]"#,
    r#""Action":"ecr:PutImage""#,
    r#""Action":"ecr:*""#,
    r#""Action":["ecr:SetRepositoryPolicy","ecr:DeleteRepositoryPolicy"]"#,
    r#""Action":["ecr:Batch*","ecr:DeleteRepository"]"#,
    r#""NotAction":"ecr:Delete*""#,
];

const CONDITIONS: &[&str] = &[
    "",
    "",
    r#","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}"#,
    r#","Condition":{"StringEquals":{"aws:SourceAccount":["444455556666","123456789012"]}}"#,
    r#","Condition":{"StringLike":{"aws:SourceAccount":"*"}}"#,
    r#","Condition":{"StringEquals":{"aws:SourceAccount":"not-an-account"}}"#,
    r#","Condition":{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}"#,
    r#","Condition":{"NotIpAddress":{"aws:SourceIp":["198.51.100.0/24","2001:db8::/32"]}}"#,
    r#","Condition":{"NotIpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#,
    r#","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8"]},"Bool":{"aws:SecureTransport":"true"}}"#,
    r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
    r#","Condition":{"NotIpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}"#,
    r#","Condition":{"Null":{"aws:SourceIp":"true"}}"#,
    r#","Condition":{"StringLike":{"aws:PrincipalOrgID":"o-*"}}"#,
    r#","Condition":{"NotIpAddress":{"aws:SourceIp":["2001:db8::/32","10.0.0.0/8"]}}"#,
    r#","Condition":{"StringEquals":{"aws:PrincipalAccount":"000000000000"}}"#,
    r#","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::000000000001:role/r"}}"#,
    r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}"#,
    r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5","o-0123456789abcdef"]}}"#,
    r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-short"}}"#,
    r#","Condition":{"StringLike":{"aws:SourceArn":"arn:aws:lambda:*:444455556666:function:*"}}"#,
    r#","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:codebuild:us-east-1:123456789012:project/p"},"StringEquals":{"aws:SourceAccount":"123456789012"}}"#,
    r#","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:iam::123456789012:role/r"}}"#,
    r#","Condition":{"StringEquals":{"aws:sourceARN":["arn:aws:s3:::bucket","arn:aws:sns:us-east-1:111122223333:t"]}}"#,
    r#","Condition":{"NotIpAddress":{"aws:SourceIp":"54.240.143.188/32"},"IpAddress":{"aws:SourceIp":"54.240.143.0/24"}}"#,
    r#","Condition":{"IpAddress":{"aws:sourceip":"198.51.100.0/24"}}"#,
    r#","Condition":{"IpAddress":{"aws:SourceIp":["0.0.0.0/0","::/0"]}}"#,
    r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
];

/// A statement: whether it denies, and its principal, actions, condition and resource.
type Pick = (bool, usize, usize, usize, usize);

fn document(picks: &[Pick]) -> Option<PolicyDocument> {
    let statements: Vec<String> = picks
        .iter()
        .map(|&(deny, p, a, c, r)| {
            let effect = format!(r#""Effect":"{}""#, if deny { "Deny" } else { "Allow" });
            let parts: Vec<&str> = [effect.as_str(), PRINCIPALS[p], ACTIONS[a], RESOURCES[r]]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect();
            format!("{{{}{}}}", parts.join(","), CONDITIONS[c])
        })
        .collect();
    PolicyDocument::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    ))
    .ok()
}

/// A statement in the shortcut's reach: an allow without conditions or guarded by a literal
/// source account, or a deny of everyone, outside literal ranges or not at all; with or
/// without a `Resource` (a pattern only on allows), or without a principal.
fn plain(deny: bool, p: usize, a: usize, c: usize) -> Pick {
    if p % 11 == 0 {
        return (deny, NO_PRINCIPAL, a, c % CONDITIONS.len(), c % 4);
    }
    if deny {
        // A pattern for `Resource` leaves a deny unsure (and one with conditions to the
        // engine).
        (true, p % 2, a, [6, 7, 8, 14, 0][c % 5], (p / 2) % 3)
    } else if p % 3 == 0 {
        // Services; dead when guarded by an organization.
        let c = [0, 2, 3, 17, 20, 21, 22, 23, 10, 24][c % 10];
        (false, [7, 8][p % 2], a, c, (p / 2) % 4)
    } else {
        // Guarded by a source account too: for services (and `*`), dead for IAM principals;
        // or by organizations, which services and strangers are never in.
        (
            false,
            [0, 1, 2, 3, 4, 5, 6, 8, 9][p % 9],
            a,
            [2, 17, 18, 0, 0, 0, 0, 6, 10, 24, 25, 26, 27][c % 13],
            (p / 9) % 4,
        )
    }
}

fn statement() -> impl Strategy<Value = Pick> {
    let any = (
        proptest::bool::weighted(0.3),
        0..PRINCIPALS.len(),
        0..ACTIONS.len(),
        0..CONDITIONS.len(),
        0..RESOURCES.len(),
    );
    prop_oneof![
        3 => (proptest::bool::weighted(0.3), 0..64usize, 0..ACTIONS.len() - 1, 0..64usize)
            .prop_map(|(d, p, a, c)| plain(d, p, a, c)),
        1 => any,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn the_shortcut_agrees_with_the_engine_on_random_policies(
        picks in proptest::collection::vec(statement(), 1..5)
    ) {
        if let Some(doc) = document(&picks) {
            agrees(&doc, &doc.to_json());
        }
    }
}

#[test]
fn random_policies_reach_the_shortcut() {
    // The plain statements of the generator above must give the shortcut work.
    let mut shapes = Shapes(7);
    let mut decided = 0;
    let mut read = 0;
    for _ in 0..300 {
        let picks: Vec<Pick> = (0..=shapes.next(3))
            .map(|_| {
                plain(
                    shapes.next(10) < 3,
                    shapes.next(64) as usize,
                    shapes.next(ACTIONS.len() as u64 - 1) as usize,
                    shapes.next(64) as usize,
                )
            })
            .collect();
        let Some(doc) = document(&picks) else {
            continue;
        };
        read += 1;
        if literal::findings(&lower(&doc), &Options::default()).is_some() {
            decided += 1;
        }
    }
    assert!(
        decided * 2 > read,
        "the shortcut decided {decided} of {read} random policies"
    );
}

/// Shapes that random policies meet rarely, each decided by the letters.
#[test]
fn the_shortcut_agrees_with_the_engine_on_chosen_shapes() {
    let cases = [
        // An organization's allow before one without conditions: the engine tries the
        // latter first.
        r#"[{"Effect":"Allow","Principal":"*","Action":["ecr:PutImage","ecr:BatchGetImage"],"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}},
            {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:PutImage"}]"#,
        r#"[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}},
            {"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},
            {"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]"#,
        // A service guarded by its account beside an organization's allow to everyone.
        r#"[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}},
            {"Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:PutImage"],"Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5","o-f6g7h8i9j0"]}}}]"#,
        // Statements without a principal, with a Resource, and a deny without conditions.
        r#"[{"Effect":"Allow","Action":"ecr:*","Resource":"*"},
            {"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:*:*:repository/app"},
            {"Effect":"Deny","Principal":"*","Action":"ecr:DeleteRepository","Resource":"*"}]"#,
        // A deny of some actions that may not cover the repository: those actions are
        // possible, the others certain.
        r#"[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
            {"Effect":"Deny","Principal":"*","Action":["ecr:DeleteRepository","ecr:PutImage"],"Resource":"arn:aws:ecr:us-east-1:123456789012:repository/app"},
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/r"},"Action":"ecr:BatchGetImage","Resource":"*"}]"#,
        r#"[{"Effect":"Allow","Principal":"*","Action":"ecr:PutImage"},
            {"Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"arn:aws:ecr:*:*:repository/prod-*"}]"#,
        // Past such a deny or not, an allow on a Resource pattern grants possibly: one group.
        r#"[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:*","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}},
            {"Effect":"Deny","Principal":"*","Action":["ecr:SetRepositoryPolicy","ecr:DeleteRepositoryPolicy"],"Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*"}]"#,
        // A service past a deny that may not cover the repository: its deputy possibly,
        // as the public grant beside it.
        r#"[{"Effect":"Allow","Principal":{"AWS":"*","Service":"codebuild.amazonaws.com"},"Action":"ecr:*","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*"},
            {"Effect":"Deny","Principal":"*","Action":["ecr:Batch*","ecr:DeleteRepository"],"Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*"}]"#,
        r#"[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage"},
            {"Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:*:*:repository/prod-*"}]"#,
        // Allows by network: from a range without the stranger's address, past a deny of
        // addresses outside part of it; and outside a range (through a VPC endpoint too).
        // (`aws:SourceIp` holds public addresses only: a private range admits no request.)
        r#"[{"Effect":"Allow","Principal":"*","Action":"ecr:PutImage","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]"#,
        r#"[{"Effect":"Allow","Principal":"*","Action":["ecr:PutImage","ecr:BatchGetImage"],"Condition":{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8:1::/48"]}}},
            {"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/25"}}}]"#,
        // A service's request carries no address: its allow by address is dead, its allow
        // outside a range is met.
        r#"[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}},
            {"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"ecr:BatchGetImage","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]"#,
        r#"[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"NotIpAddress":{"aws:SourceIp":["0.0.0.0/0","::/0"]}}}]"#,
    ];
    for (n, statements) in cases.iter().enumerate() {
        let text = format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#);
        let doc = PolicyDocument::from_json(&text).unwrap();
        assert!(
            agrees(&doc, &format!("case {n}")),
            "case {n} left to the engine"
        );
    }
    // Such a deny with conditions is the engine's to weigh.
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage"},
        {"Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:*:*:repository/prod-*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}"#;
    let doc = PolicyDocument::from_json(text).unwrap();
    assert!(!agrees(&doc, "a service past a deny with conditions"));
}

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
    for file in files() {
        let Some(doc) = std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| PolicyDocument::from_json(&t).ok())
        else {
            continue;
        };
        read += 1;
        decided += usize::from(agrees(&doc, &file.display().to_string()));
    }
    eprintln!("the shortcut decided {decided} of {read} policies of the test sets");
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
];

fn document(picks: &[(bool, usize, usize, usize)]) -> Option<PolicyDocument> {
    let statements: Vec<String> = picks
        .iter()
        .map(|&(deny, p, a, c)| {
            format!(
                r#"{{"Effect":"{}",{},{}{}}}"#,
                if deny { "Deny" } else { "Allow" },
                PRINCIPALS[p],
                ACTIONS[a],
                CONDITIONS[c]
            )
        })
        .collect();
    PolicyDocument::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    ))
    .ok()
}

/// A statement in the shortcut's reach: an allow without conditions or guarded by a literal
/// source account, or a deny of everyone outside literal ranges.
fn plain(deny: bool, p: usize, a: usize, c: usize) -> (bool, usize, usize, usize) {
    if deny {
        (true, p % 2, a, [6, 7, 8, 14][c % 4])
    } else if p % 3 == 0 {
        (false, 7, a, [0, 2, 3][c % 3])
    } else {
        // Guarded by a source account too: for services (and `*`), dead for IAM principals.
        (
            false,
            [0, 1, 2, 3, 4, 5, 8][p % 7],
            a,
            if c % 5 == 0 { 2 } else { 0 },
        )
    }
}

fn statement() -> impl Strategy<Value = (bool, usize, usize, usize)> {
    let any = (
        proptest::bool::weighted(0.3),
        0..PRINCIPALS.len(),
        0..ACTIONS.len(),
        0..CONDITIONS.len(),
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
        let picks: Vec<(bool, usize, usize, usize)> = (0..=shapes.next(3))
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

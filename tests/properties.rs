//! Property tests over generated policies: reading back what is rendered gives the same
//! document, normalising keeps the meaning, and reordering never changes equivalence.

use proptest::prelude::*;

use ecr_policy::catalogue::{ActionPattern, ConditionOperator};
use ecr_policy::compare::equivalent;
use ecr_policy::model::{
    ActionElement, ActionItem, AwsPrincipal, Condition, ConditionKey, ConditionValue, Conditions,
    ListForm, Principal, PrincipalElement, Statement, ValueList,
};
use ecr_policy::names::{IamPath, Partition};
use ecr_policy::{
    AccountId, Action, Effect, PolicyDocument, RoleName, ServiceName, Sid, UserName, Version,
};

const ACCOUNTS: [&str; 3] = ["123456789012", "210987654321", "000011112222"];

fn form_for(len: usize, compact: bool) -> ListForm {
    if len == 1 && compact {
        ListForm::Compact
    } else {
        ListForm::Array
    }
}

fn aws_principal() -> impl Strategy<Value = Principal> {
    (0..3usize, 0..5u8, 0..4usize, any::<bool>()).prop_map(|(a, kind, n, bare)| {
        let account = AccountId::new(ACCOUNTS[a]).unwrap();
        let name = ["ci", "deployer", "reader", "a.b@c"][n];
        Principal::Aws(match kind {
            0 => AwsPrincipal::Account {
                partition: Partition::Aws,
                account,
                bare,
            },
            1 => AwsPrincipal::User {
                partition: Partition::Aws,
                account,
                path: if bare {
                    IamPath::new("/team/").unwrap()
                } else {
                    IamPath::root()
                },
                name: UserName::new(name).unwrap(),
            },
            2 => AwsPrincipal::Role {
                partition: Partition::AwsCn,
                account,
                path: IamPath::root(),
                name: RoleName::new(name).unwrap(),
            },
            3 => AwsPrincipal::Everyone,
            _ => AwsPrincipal::Other("AIDAJQABLZS4A3QDU576Q".to_owned()),
        })
    })
}

fn principal_element() -> impl Strategy<Value = PrincipalElement> {
    prop_oneof![
        1 => Just(PrincipalElement {
            negated: false,
            principals: ValueList::new(vec![Principal::Anyone], ListForm::Compact),
            empty_keys: Vec::new(),
        }),
        4 => (
            proptest::collection::vec(aws_principal(), 1..4),
            proptest::collection::btree_set(0..3usize, 0..2),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(aws, services, compact, negated)| {
                let mut ps: Vec<Principal> = Vec::new();
                for p in aws {
                    if !ps.contains(&p) {
                        ps.push(p);
                    }
                }
                let services: Vec<usize> = services.into_iter().collect();
                ps.extend(services_of(&services));
                // A single-valued key decides the form; without one only arrays can be written.
                let single = ps.iter().filter(|p| matches!(p, Principal::Aws(_))).count() == 1;
                let form = if single && compact { ListForm::Compact } else if single { ListForm::Array } else { ListForm::Compact };
                PrincipalElement { negated, principals: ValueList::new(ps, form), empty_keys: Vec::new() }
            }),
    ]
}

fn services_of(idx: &[usize]) -> Vec<Principal> {
    idx.iter()
        .map(|&i| {
            let s = [
                "codebuild.amazonaws.com",
                "lambda.amazonaws.com",
                "ecs-tasks.amazonaws.com",
            ][i];
            Principal::Service(ServiceName::new(s).unwrap())
        })
        .collect()
}

fn action_item() -> impl Strategy<Value = ActionItem> {
    prop_oneof![
        6 => (0..Action::ALL.len()).prop_map(|i| ActionItem::Ecr(Action::ALL[i])),
        1 => prop::sample::select(vec!["ecr:*", "ecr:Batch*", "ecr:Get?*", "*"])
            .prop_map(|p| ActionItem::Pattern(ActionPattern::new(p).unwrap())),
        1 => Just(ActionItem::Other("s3:GetObject".to_owned())),
    ]
}

fn conditions() -> impl Strategy<Value = Conditions> {
    let ops = prop::sample::subsequence(
        vec![
            "StringEquals",
            "ArnLike",
            "NotIpAddress",
            "Bool",
            "ForAnyValue:StringLike",
            "NumericLessThanIfExists",
        ],
        0..3,
    );
    (ops, any::<bool>(), 0..3usize).prop_map(|(ops, compact, n)| {
        let mut c = Conditions::new();
        for (k, op) in ops.iter().enumerate() {
            let operator: ConditionOperator = op.parse().unwrap();
            let (key, values): (&str, Vec<ConditionValue>) = match *op {
                "Bool" => ("aws:SecureTransport", vec![ConditionValue::Bool(compact)]),
                "NotIpAddress" => (
                    "aws:SourceIp",
                    vec!["192.0.2.0/24".into(), "2001:db8::/32".into()],
                ),
                "NumericLessThanIfExists" => (
                    "aws:MultiFactorAuthAge",
                    vec![ConditionValue::Number("3600".into())],
                ),
                "ArnLike" => (
                    "aws:SourceArn",
                    vec!["arn:aws:codebuild:us-east-1:123456789012:project/*".into()],
                ),
                _ => (
                    [
                        "aws:PrincipalOrgID",
                        "aws:sourceAccount",
                        "aws:PrincipalTag/team",
                    ][(n + k) % 3],
                    vec!["o-a1b2c3d4e5".into(), "x\"y\\z".into()][..1 + n % 2].to_vec(),
                ),
            };
            let len = values.len();
            c.push(Condition {
                operator,
                key: ConditionKey::new(key).unwrap(),
                values: ValueList::new(values, form_for(len, compact)),
            });
        }
        c
    })
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        proptest::option::of(prop::sample::select(vec!["AllowPull", "Deny all", "S3"])),
        any::<bool>(),
        principal_element(),
        proptest::collection::vec(action_item(), 1..5),
        any::<bool>(),
        any::<bool>(),
        conditions(),
    )
        .prop_map(
            |(sid, allow, principal, actions, negated, compact, condition)| {
                let len = actions.len();
                Statement {
                    sid: sid.map(|s| Sid::new(s).unwrap()),
                    effect: if allow { Effect::Allow } else { Effect::Deny },
                    principal: Some(principal),
                    action: Some(ActionElement {
                        negated,
                        actions: ValueList::new(actions, form_for(len, compact)),
                    }),
                    resource: None,
                    condition,
                }
            },
        )
}

fn document() -> impl Strategy<Value = PolicyDocument> {
    (
        prop::sample::select(vec![
            None,
            Some(Version::V2012_10_17),
            Some(Version::V2008_10_17),
        ]),
        proptest::collection::vec(statement(), 1..4),
        any::<bool>(),
    )
        .prop_map(|(version, statements, compact)| {
            let len = statements.len();
            PolicyDocument {
                version,
                id: None,
                statements: ValueList::new(statements, form_for(len, compact)),
            }
        })
}

/// The same document with every list reversed and the statements rotated.
fn reordered(doc: &PolicyDocument, rotate: usize) -> PolicyDocument {
    let mut d = doc.clone();
    for s in d.statements.items_mut() {
        if let Some(p) = &mut s.principal {
            p.principals.items_mut().reverse();
        }
        if let Some(a) = &mut s.action {
            a.actions.items_mut().reverse();
        }
        let mut tests: Vec<Condition> = s.condition.tests().to_vec();
        tests.reverse();
        for t in &mut tests {
            t.values.items_mut().reverse();
        }
        s.condition = tests.into_iter().collect();
    }
    let n = d.statements.len();
    d.statements.items_mut().rotate_left(rotate % n);
    d
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn reading_back_what_is_rendered_gives_the_same_document(doc in document()) {
        for text in [doc.to_json(), doc.to_json_pretty()] {
            let again = PolicyDocument::from_json(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(&again, &doc, "{}", text);
        }
        let aws = PolicyDocument::from_json(&doc.to_aws_json()).unwrap();
        prop_assert!(equivalent(&aws, &doc));
    }

    #[test]
    fn normalising_keeps_the_meaning(doc in document()) {
        let normal = doc.normalize();
        prop_assert!(equivalent(&doc, &normal));
        prop_assert!(ecr_policy::compare::diff(&doc, &normal).is_empty());
        prop_assert_eq!(normal.normalize(), normal);
    }

    #[test]
    fn reordering_never_changes_equivalence(doc in document(), other in document(), rotate in 0..4usize) {
        let shuffled = reordered(&doc, rotate);
        prop_assert!(equivalent(&doc, &shuffled));
        prop_assert_eq!(equivalent(&doc, &other), equivalent(&shuffled, &other));
        prop_assert_eq!(equivalent(&other, &doc), equivalent(&other, &shuffled));
    }
}

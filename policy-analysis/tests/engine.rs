//! The engine on policies: who can do what, under which context, with witnesses checked by an
//! independent reading of the conditions.

mod common;

use common::*;
use policy_analysis::ir::Effect;
use policy_analysis::{CallerClass, Certainty, IdentityPolicies, Route, Verdict};
use policy_catalogue::Action;

const PULL: &[&str] = &["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

/// A public grant behind a condition: whether an outsider gets it, and a checked witness.
fn outsider_grant(
    conditions: Vec<policy_analysis::ir::Condition>,
) -> Option<(Certainty, policy_analysis::Witness)> {
    let (p, a) = analyzer(vec![allow(&["*"], PULL, conditions)]);
    let g = granted(&a, &outsider_user(&a), Action::BatchGetImage)?;
    assert_witness(&p, &g, Action::BatchGetImage);
    Some((g.certainty, g.witness))
}

#[test]
fn conditions_over_a_whole_domain_narrow_nothing() {
    for c in [
        cond("StringLike", "aws:PrincipalArn", &["*"]),
        cond("ArnLike", "aws:PrincipalArn", &["arn:aws:iam::*:*"]),
        cond("StringLike", "aws:PrincipalOrgID", &["o-*"]),
        cond("StringLike", "aws:PrincipalAccount", &["*"]),
        cond("StringLike", "aws:userid", &["*"]),
        cond("IpAddress", "aws:SourceIp", &["0.0.0.0/0"]),
        cond(
            "ForAllValues:StringEquals",
            "aws:PrincipalOrgPaths",
            &["o-a1b2c3d4e5/r-ab12/"],
        ),
        cond("StringNotEquals", "aws:PrincipalAccount", &[OWNER]),
        cond("Null", "aws:PrincipalTag/team", &["true"]),
    ] {
        let text = format!("{c:?}");
        let (certainty, w) = outsider_grant(vec![c]).unwrap_or_else(|| panic!("{text}"));
        assert_eq!(certainty, Certainty::Certain, "{text}: {w:?}");
    }
}

#[test]
fn conditions_that_narrow_keep_outsiders_out() {
    for c in [
        cond("StringEquals", "aws:PrincipalAccount", &[OWNER]),
        cond(
            "ArnLike",
            "aws:PrincipalArn",
            &["arn:aws:iam::111122223333:*"],
        ),
        cond(
            "StringLike",
            "aws:PrincipalArn",
            &["arn:aws:iam::111122223333:*"],
        ),
        cond("StringEquals", "aws:ResourceAccount", &[OTHER]),
        cond("StringEquals", "aws:PrincipalType", &["AWSService"]),
        // The domain of the key: account ids are twelve digits.
        cond("StringLike", "aws:PrincipalAccount", &["?????"]),
        cond("StringEquals", "aws:PrincipalOrgID", &["o-short"]),
        cond("StringLike", "aws:PrincipalOrgID", &["org-*"]),
    ] {
        let text = format!("{c:?}");
        assert_eq!(outsider_grant(vec![c]), None, "{text}");
    }
}

#[test]
fn an_organization_condition_gives_a_witness_in_the_organization() {
    let (certainty, w) = outsider_grant(vec![cond(
        "StringEquals",
        "aws:PrincipalOrgID",
        &["o-a1b2c3d4e5"],
    )])
    .unwrap();
    assert_eq!(certainty, Certainty::Certain);
    assert_eq!(w.values("aws:PrincipalOrgID").unwrap(), ["o-a1b2c3d4e5"]);
    // The account is one the policy does not name.
    assert_ne!(w.caller.account(), Some(OWNER));
}

#[test]
fn the_account_a_condition_names_becomes_its_own_class() {
    let (p, a) = analyzer(vec![allow(
        &["*"],
        PULL,
        vec![cond("StringEquals", "aws:PrincipalAccount", &[OTHER])],
    )]);
    assert_eq!(granted(&a, &outsider_user(&a), Action::BatchGetImage), None);
    let named = a
        .classes()
        .iter()
        .find(|c| matches!(c, CallerClass::User { account, user: None } if account.id == OTHER))
        .unwrap();
    let g = granted(&a, named, Action::BatchGetImage).unwrap();
    assert_eq!(g.route, Route::CrossAccount);
    assert_witness(&p, &g, Action::BatchGetImage);
}

#[test]
fn arn_patterns_pick_a_caller_that_matches() {
    let (certainty, w) = outsider_grant(vec![cond(
        "ArnLike",
        "aws:PrincipalArn",
        &["arn:aws:iam::*:role/deploy-*"],
    )])
    .or_else(|| {
        let (p, a) = analyzer(vec![allow(
            &["*"],
            PULL,
            vec![cond(
                "ArnLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::*:role/deploy-*"],
            )],
        )]);
        let g = granted(&a, &outsider_session(&a), Action::BatchGetImage)?;
        assert_witness(&p, &g, Action::BatchGetImage);
        Some((g.certainty, g.witness))
    })
    .unwrap();
    assert_eq!(certainty, Certainty::Certain);
    match &w.caller {
        policy_analysis::Identity::Session { role, .. } => {
            assert!(role.starts_with("deploy-"), "{w:?}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn users_cannot_meet_a_role_pattern() {
    let (_, a) = analyzer(vec![allow(
        &["*"],
        PULL,
        vec![cond(
            "ArnLike",
            "aws:PrincipalArn",
            &["arn:aws:iam::*:role/*"],
        )],
    )]);
    assert_eq!(granted(&a, &outsider_user(&a), Action::BatchGetImage), None);
    assert!(granted(&a, &outsider_session(&a), Action::BatchGetImage).is_some());
}

#[test]
fn a_deny_is_escaped_when_one_of_its_conditions_can_fail() {
    // Everyone may pull, except callers outside the organization.
    let (p, a) = analyzer(vec![
        allow(&["*"], PULL, vec![]),
        deny(
            &["*"],
            &["ecr:*"],
            vec![cond(
                "StringNotEquals",
                "aws:PrincipalOrgID",
                &["o-a1b2c3d4e5"],
            )],
        ),
    ]);
    let g = granted(&a, &outsider_user(&a), Action::BatchGetImage).unwrap();
    assert_eq!(g.certainty, Certainty::Certain);
    assert_eq!(
        g.witness.values("aws:PrincipalOrgID").unwrap(),
        ["o-a1b2c3d4e5"]
    );
    assert_witness(&p, &g, Action::BatchGetImage);
    // A service principal has no organization: denied.
    assert_eq!(
        granted(
            &a,
            &CallerClass::Service { name: None },
            Action::BatchGetImage
        ),
        None
    );
}

#[test]
fn a_deny_that_always_holds_denies() {
    let (_, a) = analyzer(vec![
        allow(&["*"], PULL, vec![]),
        deny(
            &["*"],
            &["ecr:*"],
            vec![cond("StringLike", "aws:PrincipalArn", &["*"])],
        ),
    ]);
    assert_eq!(granted(&a, &outsider_user(&a), Action::BatchGetImage), None);
    assert_eq!(
        granted(&a, &owner_root(&a), Action::SetRepositoryPolicy),
        None
    );
    // Secure transport: a deny of plain HTTP leaves HTTPS.
    let (p, a) = analyzer(vec![
        allow(&["*"], PULL, vec![]),
        deny(
            &["*"],
            &["ecr:*"],
            vec![cond("Bool", "aws:SecureTransport", &["false"])],
        ),
    ]);
    let g = granted(&a, &outsider_user(&a), Action::BatchGetImage).unwrap();
    assert_eq!(g.witness.values("aws:SecureTransport").unwrap(), ["true"]);
    assert_witness(&p, &g, Action::BatchGetImage);
}

#[test]
fn the_owners_root_is_allowed_unless_denied() {
    let (_, a) = analyzer(vec![allow(&[OTHER], PULL, vec![])]);
    let g = granted(&a, &owner_root(&a), Action::SetRepositoryPolicy).unwrap();
    assert_eq!(g.route, Route::RootOfOwner);
    let (_, a) = analyzer(vec![deny(
        &[&format!("arn:aws:iam::{OWNER}:root")],
        &["ecr:*"],
        vec![],
    )]);
    assert_eq!(
        granted(&a, &owner_root(&a), Action::SetRepositoryPolicy),
        None
    );
}

#[test]
fn not_principal_deny_that_misses_the_account_locks_out_sessions() {
    let role = format!("arn:aws:iam::{OWNER}:role/admin");
    let (_, a) = analyzer(vec![statement(
        Effect::Deny,
        true,
        &[&role],
        &["ecr:*"],
        vec![],
    )]);
    let admin = a
        .classes()
        .iter()
        .find(|c| matches!(c, CallerClass::Session { role: Some(r), .. } if r.name == "admin"))
        .unwrap()
        .clone();
    let opts = policy_analysis::Options {
        identity: IdentityPolicies::AllowAll,
        ..options()
    };
    let a2 = policy_analysis::Analyzer::new(
        &policy(vec![statement(
            Effect::Deny,
            true,
            &[&role],
            &["ecr:*"],
            vec![],
        )]),
        &opts,
    );
    // Neither the role's sessions (the account and the session are not listed) nor the root.
    assert_eq!(granted(&a2, &admin, Action::SetRepositoryPolicy), None);
    assert_eq!(
        granted(&a2, &owner_root(&a2), Action::SetRepositoryPolicy),
        None
    );
    let _ = a;
}

#[test]
fn cross_account_needs_the_identity_policy_when_given() {
    let identity = policy(vec![policy_analysis::ir::Statement {
        sid: None,
        effect: Effect::Allow,
        principal: None,
        actions: policy_analysis::ir::Actions {
            negated: false,
            items: vec!["ecr:BatchGetImage".into()],
        },
        resources: Some(policy_analysis::ir::Resources {
            negated: false,
            items: vec!["*".into()],
        }),
        conditions: vec![],
    }]);
    let p = policy(vec![allow(&[OTHER], &["ecr:*"], vec![])]);
    let opts = policy_analysis::Options {
        identity: IdentityPolicies::Policy(identity),
        ..options()
    };
    let a = policy_analysis::Analyzer::new(&p, &opts);
    let other_user = a
        .classes()
        .iter()
        .find(|c| matches!(c, CallerClass::User { account, user: None } if account.id == OTHER))
        .unwrap()
        .clone();
    assert!(granted(&a, &other_user, Action::BatchGetImage).is_some());
    assert_eq!(granted(&a, &other_user, Action::PutImage), None);
    // Without it, the other account decides: everything the repository policy grants.
    let a = policy_analysis::Analyzer::new(&p, &options());
    assert!(granted(&a, &other_user, Action::PutImage).is_some());
    // The account's root user needs no identity policy.
    let root = a
        .classes()
        .iter()
        .find(|c| matches!(c, CallerClass::Root { account } if account.id == OTHER))
        .unwrap();
    assert_eq!(
        granted(&a, root, Action::DeleteRepository).unwrap().route,
        Route::RepositoryPolicy
    );
}

#[test]
fn account_grants_in_the_owning_account_delegate_to_identity_policies() {
    let (_, a) = analyzer(vec![allow(&[OWNER], &["ecr:*"], vec![])]);
    assert_eq!(granted(&a, &owner_session(&a), Action::PutImage), None);
    let opts = policy_analysis::Options {
        identity: IdentityPolicies::AllowAll,
        ..options()
    };
    let a =
        policy_analysis::Analyzer::new(&policy(vec![allow(&[OWNER], &["ecr:*"], vec![])]), &opts);
    let g = granted(&a, &owner_session(&a), Action::PutImage).unwrap();
    assert_eq!(g.route, Route::IdentityPolicy);
}

#[test]
fn confused_deputy_guards() {
    let svc = "service:codebuild.amazonaws.com";
    let class = CallerClass::Service {
        name: Some("codebuild.amazonaws.com".into()),
    };
    // A wildcard guard: any source account.
    let (p, a) = analyzer(vec![allow(
        &[svc],
        PULL,
        vec![cond("StringLike", "aws:SourceAccount", &["*"])],
    )]);
    let g = granted(&a, &class, Action::BatchGetImage).unwrap();
    assert_witness(&p, &g, Action::BatchGetImage);
    assert_eq!(g.witness.values("aws:SourceAccount").unwrap()[0].len(), 12);
    // A guard that names the account: the witness acts for it.
    let (p, a) = analyzer(vec![allow(
        &[svc],
        PULL,
        vec![cond("StringEquals", "aws:SourceAccount", &[OWNER])],
    )]);
    let g = granted(&a, &class, Action::BatchGetImage).unwrap();
    assert_eq!(g.witness.values("aws:SourceAccount").unwrap(), [OWNER]);
    assert_witness(&p, &g, Action::BatchGetImage);
    // Other callers never carry aws:SourceAccount.
    assert_eq!(granted(&a, &outsider_user(&a), Action::BatchGetImage), None);
}

#[test]
fn dead_statements_and_conditions() {
    let (_, a) = analyzer(vec![
        allow(
            &["*"],
            PULL,
            vec![cond(
                "ArnLike",
                "aws:SourceArn",
                &["arn:aws:iam::111122223333:role/ci"],
            )],
        ),
        allow(
            &["*"],
            PULL,
            vec![cond("StringEquals", "aws:PrincipalAccount", &["prod"])],
        ),
        allow(
            &["*"],
            PULL,
            vec![
                cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
                cond("NotIpAddress", "aws:SourceIp", &["10.0.0.0/7"]),
            ],
        ),
        allow(
            &["*"],
            PULL,
            vec![
                cond("NumericLessThan", "aws:MultiFactorAuthAge", &["10"]),
                cond("NumericGreaterThan", "aws:MultiFactorAuthAge", &["9"]),
            ],
        ),
        allow(
            &["*"],
            PULL,
            vec![cond("StringLike", "aws:PrincipalOrgID", &["o-*"])],
        ),
        allow(
            &["*"],
            PULL,
            vec![
                cond(
                    "DateGreaterThan",
                    "aws:CurrentTime",
                    &["2030-01-01T00:00:00Z"],
                ),
                cond(
                    "DateLessThan",
                    "aws:CurrentTime",
                    &["2030-01-01T00:00:00.002Z"],
                ),
            ],
        ),
    ]);
    assert_eq!(a.dead_statements(), [0, 1, 2]);
}

#[test]
fn outside_the_model_is_possible_only() {
    let (certainty, _) =
        outsider_grant(vec![cond("StringEquals", "aws:PrincipalTag/team", &["ci"])]).unwrap();
    assert_eq!(certainty, Certainty::Possible);
    let (certainty, _) = outsider_grant(vec![cond(
        "StringEquals",
        "aws:PrincipalOrgID",
        &["${aws:PrincipalTag/org}"],
    )])
    .unwrap();
    assert_eq!(certainty, Certainty::Possible);
    // A tag that must be absent is no outside fact: a caller without tags exists.
    let (certainty, _) =
        outsider_grant(vec![cond("Null", "aws:PrincipalTag/team", &["true"])]).unwrap();
    assert_eq!(certainty, Certainty::Certain);
}

#[test]
fn multi_valued_keys() {
    // ForAnyValue needs one matching value; ForAllValues every value.
    let (certainty, w) = outsider_grant(vec![
        cond(
            "ForAnyValue:StringLike",
            "aws:PrincipalOrgPaths",
            &["o-a1b2c3d4e5/*"],
        ),
        cond(
            "ForAllValues:StringNotLike",
            "aws:PrincipalOrgPaths",
            &["*/ou-ab12-11111111/*"],
        ),
    ])
    .unwrap();
    assert_eq!(certainty, Certainty::Certain);
    let paths = w.values("aws:PrincipalOrgPaths").unwrap();
    assert!(
        paths.iter().any(|p| p.starts_with("o-a1b2c3d4e5/")),
        "{paths:?}"
    );
    // ForAllValues with Null false: present, and every value inside.
    assert!(outsider_grant(vec![
        cond(
            "ForAllValues:StringLike",
            "aws:PrincipalOrgPaths",
            &["o-a1b2c3d4e5/*"]
        ),
        cond("Null", "aws:PrincipalOrgPaths", &["false"]),
    ])
    .is_some());
    assert_eq!(
        outsider_grant(vec![
            cond(
                "ForAnyValue:StringLike",
                "aws:PrincipalOrgPaths",
                &["o-a1b2c3d4e5/*"]
            ),
            cond(
                "ForAllValues:StringLike",
                "aws:PrincipalOrgPaths",
                &["o-zzzzzzzzzz/*"]
            ),
        ]),
        None
    );
}

#[test]
fn if_exists_and_null() {
    // Absent passes ...IfExists.
    let (_, w) = outsider_grant(vec![cond(
        "StringEqualsIfExists",
        "aws:SourceVpce",
        &["vpce-1a2b3c4d"],
    )])
    .unwrap();
    assert!(w
        .values("aws:SourceVpce")
        .is_none_or(|v| v == ["vpce-1a2b3c4d"]));
    assert_eq!(
        outsider_grant(vec![
            cond("Null", "aws:SourceIp", &["true"]),
            cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
        ]),
        None
    );
    assert_eq!(
        outsider_grant(vec![cond("Null", "aws:SecureTransport", &["true"])]),
        None
    );
}

#[test]
fn witnesses_are_checked_for_mixed_conditions() {
    let conds = vec![
        cond(
            "StringLike",
            "aws:PrincipalArn",
            &["arn:aws:iam::*:user/ops/*"],
        ),
        cond("StringNotLike", "aws:PrincipalArn", &["*admin*"]),
        cond(
            "NotIpAddress",
            "aws:SourceIp",
            &["0.0.0.0/1", "128.0.0.0/1"],
        ),
        cond(
            "NumericGreaterThanEquals",
            "aws:MultiFactorAuthAge",
            &["3600.5"],
        ),
        cond("DateLessThan", "aws:CurrentTime", &["1999-12-31T23:59:59Z"]),
        cond("StringNotEqualsIgnoreCase", "aws:username", &["ROOT"]),
    ];
    let (certainty, w) = outsider_grant(conds).unwrap();
    assert_eq!(certainty, Certainty::Certain, "{w:?}");
    // Every IPv4 address is excluded: the witness comes over IPv6, or without the key.
    if let Some(ip) = w.values("aws:SourceIp") {
        assert!(ip[0].contains(':'), "{ip:?}");
    }
}

#[test]
fn verdicts_group_actions() {
    let (_, a) = analyzer(vec![
        allow(&["*"], &["ecr:*"], vec![]),
        deny(&["*"], &["ecr:Delete*", "ecr:SetRepositoryPolicy"], vec![]),
    ]);
    let access = a.access();
    let outsider = outsider_user(&a);
    let mine: Vec<_> = access.iter().filter(|x| x.class == outsider).collect();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].actions.contains(Action::PutImage));
    assert!(!mine[0].actions.contains(Action::DeleteRepository));
    assert!(!mine[0].actions.contains(Action::SetRepositoryPolicy));
    assert!(matches!(
        a.decide(&outsider, Action::DeleteRepository),
        Verdict::Denied
    ));
}

fn pair(
    a: Vec<policy_analysis::ir::Statement>,
    b: Vec<policy_analysis::ir::Statement>,
) -> (policy_analysis::Analyzer, policy_analysis::Analyzer) {
    let (pa, pb) = (policy(a), policy(b));
    (
        policy_analysis::Analyzer::with_names_of(&pa, &options(), &[&pb]),
        policy_analysis::Analyzer::with_names_of(&pb, &options(), &[&pa]),
    )
}

#[test]
fn differences_find_a_request_one_policy_allows_and_the_other_does_not() {
    let org = || {
        vec![cond(
            "StringEquals",
            "aws:PrincipalOrgID",
            &["o-a1b2c3d4e5"],
        )]
    };
    let (a, b) = pair(
        vec![allow(&["*"], PULL, vec![])],
        vec![allow(&["*"], PULL, org())],
    );
    assert_eq!(a.classes(), b.classes());
    let wider = a.differences(&b);
    let outsider = outsider_user(&a);
    let d = wider.iter().find(|x| x.class == outsider).unwrap();
    assert!(d.actions.contains(Action::BatchGetImage));
    assert_ne!(
        d.grant.witness.values("aws:PrincipalOrgID"),
        Some(&["o-a1b2c3d4e5".to_owned()][..])
    );
    assert!(b.differences(&a).is_empty());
}

#[test]
fn differently_written_equal_policies_have_no_difference() {
    // Allowed only from 10.0.0.0/8: as a condition on the allow, or as a deny of the rest (a
    // missing aws:SourceIp makes NotIpAddress true, so the deny covers it too). Only the
    // owner's root user tells them apart: no allow is needed for it, but the deny binds it.
    let (a, b) = pair(
        vec![
            allow(&["*"], PULL, vec![]),
            deny(
                &["*"],
                &["ecr:*"],
                vec![cond("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"])],
            ),
        ],
        vec![allow(
            &["*"],
            PULL,
            vec![cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"])],
        )],
    );
    assert_eq!(a.differences(&b), vec![]);
    let root = owner_root(&b);
    let d = b.differences(&a);
    assert!(!d.is_empty() && d.iter().all(|x| x.class == root), "{d:?}");
    let ip = d[0]
        .grant
        .witness
        .values("aws:SourceIp")
        .map(|v| v[0].clone());
    assert!(
        ip.as_ref().is_none_or(|ip| !ip.starts_with("10.")),
        "{ip:?}"
    );
    // The account id and its root ARN are one principal.
    let (a, b) = pair(
        vec![allow(&[OTHER], &["ecr:PutImage"], vec![])],
        vec![allow(
            &["arn:aws:iam::444455556666:root"],
            &["ecr:PutImage"],
            vec![],
        )],
    );
    assert!(a.differences(&b).is_empty() && b.differences(&a).is_empty());
}

#[test]
fn a_wildcard_arn_condition_leaves_out_anonymous_callers_only() {
    let (a, b) = pair(
        vec![allow(
            &["*"],
            PULL,
            vec![cond("StringLike", "aws:PrincipalArn", &["*"])],
        )],
        vec![allow(&["*"], PULL, vec![])],
    );
    assert!(a.differences(&b).is_empty());
    let d = b.differences(&a);
    assert!(!d.is_empty());
    assert!(d.iter().all(|x| x.class == CallerClass::Anonymous), "{d:?}");
}

#[test]
fn the_source_account_is_the_account_of_the_source_arn() {
    let (p, a) = analyzer(vec![allow(
        &["service:codebuild.amazonaws.com"],
        PULL,
        vec![
            cond("StringLike", "aws:SourceAccount", &["4444*"]),
            cond(
                "ArnLike",
                "aws:SourceArn",
                &["arn:aws:codebuild:us-east-1:44445555*:project/x"],
            ),
        ],
    )]);
    let class = CallerClass::Service {
        name: Some("codebuild.amazonaws.com".into()),
    };
    let g = granted(&a, &class, Action::BatchGetImage).unwrap();
    assert_eq!(g.certainty, Certainty::Certain, "{:?}", g.witness);
    let account = &g.witness.values("aws:SourceAccount").unwrap()[0];
    let arn = &g.witness.values("aws:SourceArn").unwrap()[0];
    assert_eq!(arn.split(':').nth(4), Some(account.as_str()));
    assert_witness(&p, &g, Action::BatchGetImage);
}

#[test]
fn a_policy_and_its_statements_swapped_have_no_difference() {
    // An anonymous caller has no `aws:PrincipalArn`: a negated ARN test holds for it, and
    // no request of it meets the positive one.
    let public_pull = || allow(&["*"], PULL, vec![]);
    let most = || {
        let mut s = allow(
            &["*"],
            &[],
            vec![cond(
                "ArnNotLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::*:role/ci*"],
            )],
        );
        s.actions.negated = true;
        s.actions.items = vec!["ecr:Delete*".into()];
        s
    };
    let guarded_deny = || {
        deny(
            &["*"],
            &["ecr:*"],
            vec![cond(
                "ArnLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::4444*:*"],
            )],
        )
    };
    // A policy variable is outside the model, yet a statement still implies itself.
    let own_tag = || {
        allow(
            &["*"],
            &["ecr:PutImage"],
            vec![cond(
                "StringEquals",
                "aws:PrincipalTag/owner",
                &["${aws:username}"],
            )],
        )
    };
    for (x, y) in [
        (public_pull(), most()),
        (public_pull(), guarded_deny()),
        (most(), guarded_deny()),
        (own_tag(), guarded_deny()),
        (own_tag(), public_pull()),
    ] {
        let (a, b) = pair(vec![x.clone(), y.clone()], vec![y, x]);
        let (ab, ba) = (a.differences(&b), b.differences(&a));
        assert!(ab.is_empty() && ba.is_empty(), "{ab:?}\n{ba:?}");
    }
}

#[test]
fn an_anonymous_caller_meets_no_test_of_a_principal_arn() {
    let (_, a) = analyzer(vec![]);
    for c in [
        cond("ArnLike", "aws:PrincipalArn", &["arn:aws:iam::*:role/ci*"]),
        cond("StringLike", "aws:PrincipalServiceName", &["*"]),
        cond("StringLike", "aws:username", &["*"]),
    ] {
        assert_eq!(
            a.satisfy(&CallerClass::Anonymous, std::slice::from_ref(&c), true),
            None,
            "{c:?}"
        );
    }
}

/// A public grant's finding names every action anyone can call: a conditional deny of some
/// of them gives those a witness of their own (the deny escaped), and they stay in the list;
/// an unconditional deny takes its actions out.
#[test]
fn public_findings_name_every_action_past_the_denies() {
    use policy_analysis::findings::{findings, Code};
    let actions = [
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:ListImages",
    ];
    let insecure = || vec![cond("Bool", "aws:SecureTransport", &["false"])];
    for (deny, named) in [
        (
            deny(&["*"], &["ecr:GetDownloadUrlForLayer"], insecure()),
            "ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:ListImages:",
        ),
        (
            deny(&["*"], &["ecr:ListImages"], vec![]),
            "ecr:BatchGetImage, ecr:GetDownloadUrlForLayer:",
        ),
    ] {
        let p = policy(vec![allow(&["*"], &actions, vec![]), deny]);
        let found: Vec<_> = findings(&p, &options())
            .into_iter()
            .filter(|f| f.code == Code::PublicAccess)
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains(&format!("can call {named}")),
            "{}",
            found[0].message
        );
        let evidence = found[0].evidence.as_ref().unwrap();
        assert_witness(&p, &evidence.grant, evidence.action);
    }
}

/// The confused deputy is judged past the denies: a service allowed without a guard, beside a
/// deny of every source but the own account, is no deputy; a deny it can escape leaves one,
/// and its request escapes the deny.
#[test]
fn deputies_are_judged_past_the_denies() {
    use policy_analysis::findings::{findings, Code};
    let svc = &["service:ecr.amazonaws.com"][..];
    let all = &["ecr:*"][..];
    let not_own = || cond("StringNotEquals", "aws:SourceAccount", &[OWNER]);
    let safe = [
        vec![deny(&["*"], all, vec![not_own()])],
        vec![deny(&["*"], PULL, vec![not_own()])],
        vec![
            deny(svc, all, vec![not_own()]),
            deny(svc, all, vec![cond("Null", "aws:SourceAccount", &["true"])]),
        ],
        vec![deny(
            &["*"],
            all,
            vec![cond(
                "ArnNotLike",
                "aws:SourceArn",
                &["arn:aws:*:*:111122223333:*"],
            )],
        )],
        vec![deny(
            svc,
            all,
            vec![cond(
                "StringNotEquals",
                "aws:SourceOrgID",
                &["o-a1b2c3d4e5"],
            )],
        )],
    ];
    let risky = [
        vec![deny(
            svc,
            all,
            vec![cond("Null", "aws:SourceAccount", &["true"])],
        )],
        vec![deny(svc, &["ecr:PutImage"], vec![not_own()])],
        vec![deny(
            svc,
            all,
            vec![
                cond("StringNotEquals", "aws:SourceOrgID", &["o-a1b2c3d4e5"]),
                cond("Null", "aws:SourceOrgID", &["false"]),
            ],
        )],
    ];
    let deputy = |denies: &[policy_analysis::ir::Statement]| {
        let mut statements = vec![allow(svc, PULL, vec![])];
        statements.extend(denies.iter().cloned());
        let p = policy(statements);
        let found = findings(&p, &options());
        let f = found
            .into_iter()
            .find(|f| f.code == Code::ServicePrincipalWithoutSource)?;
        let e = f.evidence.expect("a deputy's evidence");
        // The request escapes every deny: the engine's own verdict agrees.
        let a = policy_analysis::Analyzer::new(&p, &options());
        let class = CallerClass::Service {
            name: Some("ecr.amazonaws.com".to_owned()),
        };
        assert!(matches!(a.decide(&class, e.action), Verdict::Allowed(_)));
        Some((f.message, e.grant.witness))
    };
    for denies in &safe {
        assert_eq!(deputy(denies), None, "{denies:?}");
    }
    for denies in &risky {
        let (message, w) = deputy(denies).unwrap_or_else(|| panic!("{denies:?}"));
        assert!(!message.contains("PutImage"), "{message}");
        assert_ne!(w.values("aws:SourceAccount"), Some(&[OWNER.to_owned()][..]));
    }
}

/// A service acting for a resource carries aws:SourceAccount and aws:SourceArn, and a call it
/// makes for no resource carries neither and acts for no other customer: a guard that denies
/// other sources only when the key is present (`Null` `false`, or the Allow's `...IfExists`)
/// leaves no deputy. The service still gets the access without the keys, and the engine's
/// answer keeps that grant.
#[test]
fn guards_of_a_present_source_close_the_deputy() {
    use policy_analysis::findings::{findings, Code};
    let svc = &["service:codebuild.amazonaws.com"][..];
    let all = &["ecr:*"][..];
    let present = |key: &str| cond("Null", key, &["false"]);
    let own_arn = "arn:aws:codebuild:us-east-1:111122223333:project/*";
    // (the statements beside the service's allow, the allow's own conditions)
    let safe = [
        (
            vec![deny(
                &["*"],
                all,
                vec![
                    cond("StringNotEquals", "aws:SourceAccount", &[OWNER]),
                    present("aws:SourceAccount"),
                ],
            )],
            vec![],
        ),
        (
            vec![deny(
                svc,
                all,
                vec![
                    cond("ArnNotLike", "aws:SourceArn", &[own_arn]),
                    present("aws:SourceArn"),
                ],
            )],
            vec![],
        ),
        (
            vec![deny(
                &["*"],
                all,
                vec![cond(
                    "StringNotEqualsIfExists",
                    "aws:SourceAccount",
                    &[OWNER],
                )],
            )],
            vec![],
        ),
        (
            vec![],
            vec![cond("StringEqualsIfExists", "aws:SourceAccount", &[OWNER])],
        ),
        (
            vec![],
            vec![cond("ArnLikeIfExists", "aws:SourceArn", &[own_arn])],
        ),
    ];
    // A deny that a source outside every organization escapes, and an allow of any other
    // source: still a deputy.
    let risky = [
        (
            vec![deny(
                &["*"],
                all,
                vec![
                    cond("StringNotEquals", "aws:SourceAccount", &[OWNER]),
                    present("aws:SourceOrgID"),
                ],
            )],
            vec![],
        ),
        (
            vec![],
            vec![cond(
                "StringNotEqualsIfExists",
                "aws:SourceAccount",
                &[OWNER],
            )],
        ),
    ];
    let class = CallerClass::Service {
        name: Some("codebuild.amazonaws.com".to_owned()),
    };
    let judged = |(others, guard): &(Vec<policy_analysis::ir::Statement>, Vec<_>)| {
        let mut statements = vec![allow(svc, PULL, guard.clone())];
        statements.extend(others.iter().cloned());
        let p = policy(statements);
        let deputy = findings(&p, &options())
            .into_iter()
            .find(|f| f.code == Code::ServicePrincipalWithoutSource);
        (p, deputy)
    };
    for case in &safe {
        let (p, deputy) = judged(case);
        assert!(deputy.is_none(), "{case:?}: {deputy:?}");
        // The grant without the source keys stays in the engine's answer.
        let a = policy_analysis::Analyzer::new(&p, &options());
        let Verdict::Allowed(grant) = a.decide(&class, Action::BatchGetImage) else {
            panic!("{case:?}: no grant");
        };
        assert_witness(&p, &grant, Action::BatchGetImage);
    }
    for case in &risky {
        let (p, deputy) = judged(case);
        let f = deputy.unwrap_or_else(|| panic!("{case:?}"));
        let e = f.evidence.expect("a deputy's evidence");
        assert_witness(&p, &e.grant, e.action);
        let account = e.grant.witness.values("aws:SourceAccount");
        assert!(
            account.is_some_and(|a| a != [OWNER.to_owned()]),
            "{case:?}: {:?}",
            e.grant.witness
        );
    }
}

/// A pattern over principal ARNs whose `*` may stand for an account and a resource type
/// (`arn:aws:iam::*:role/ci-*` also admits the user `arn:aws:iam::A:user/:role/ci-`, its
/// path holding `:role/`) shows the caller a reader expects: a role, or a user, with nothing
/// past the resource's own separator, and a request the engine allows.
#[test]
fn public_access_shows_a_plain_principal_arn() {
    use policy_analysis::findings::{findings, Code};
    for (pattern, word) in [
        ("arn:aws:iam::*:role/ci-*", ":role/ci-"),
        ("arn:aws:iam::*:role/*", ":role/"),
        ("arn:aws:iam::*:user/*", ":user/"),
        ("arn:aws:iam::*:role/ci-*/x", ":role/ci-"),
    ] {
        let p = policy(vec![allow(
            &["*"],
            PULL,
            vec![cond("StringLike", "aws:PrincipalArn", &[pattern])],
        )]);
        let f = findings(&p, &options())
            .into_iter()
            .find(|f| f.code == Code::PublicAccess)
            .unwrap_or_else(|| panic!("{pattern}: no public access"));
        let e = f.evidence.expect("a public finding's evidence");
        assert_witness(&p, &e.grant, e.action);
        let arn = e.grant.witness.caller.principal_arn().expect("an ARN");
        assert_eq!(arn.matches(':').count(), 5, "{pattern}: {arn}");
        assert!(arn.contains(word), "{pattern}: {arn}");
    }
}

/// A pattern over organization ids, accounts or ARNs that names no organization or account
/// lets in strangers: public access, with a request from an organization the pattern admits
/// but the policy does not name.
#[test]
fn prefixes_of_organizations_and_accounts_are_public() {
    use policy_analysis::findings::{findings, Code};
    let public = [
        cond("StringLike", "aws:PrincipalOrgID", &["o-a1b2c3d4e5*"]),
        cond("StringLike", "aws:PrincipalOrgID", &["o-a1b2c3d4e5??*"]),
        cond(
            "ForAnyValue:StringLike",
            "aws:PrincipalOrgPaths",
            &["o-a1b2c3d4e5*/*"],
        ),
        cond("StringLike", "aws:PrincipalAccount", &["1111*"]),
        cond(
            "StringLike",
            "aws:PrincipalArn",
            &["arn:aws:iam::*:role/ci-*"],
        ),
    ];
    let quiet = [
        cond("StringEquals", "aws:PrincipalOrgID", &["o-a1b2c3d4e5"]),
        cond("StringLike", "aws:PrincipalOrgID", &["o-a1b2c3d4e5"]),
        cond(
            "ForAnyValue:StringLike",
            "aws:PrincipalOrgPaths",
            &["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"],
        ),
    ];
    let public_finding = |c: &policy_analysis::ir::Condition| {
        let p = policy(vec![allow(&["*"], PULL, vec![c.clone()])]);
        findings(&p, &options())
            .into_iter()
            .find(|f| f.code == Code::PublicAccess)
            .map(|f| (p, f.evidence.expect("a public finding's evidence")))
    };
    for c in &public {
        let (p, e) = public_finding(c).unwrap_or_else(|| panic!("{c:?}"));
        assert_witness(&p, &e.grant, e.action);
        if let Some(org) = e.grant.witness.values("aws:PrincipalOrgID") {
            assert!(org[0].starts_with("o-a1b2c3d4e5") && org[0] != "o-a1b2c3d4e5");
        }
    }
    for c in &quiet {
        assert!(public_finding(c).is_none(), "{c:?}");
    }
}

//! Property tests: the pattern solver against brute force, the set algebra against membership,
//! and witnesses against an independent reading of the conditions.

mod common;

use common::*;
use policy_analysis::ranges::{IpSet, Ranges};
use policy_analysis::text::{solve_patterns, Pattern, Sat};
use policy_analysis::Certainty;
use policy_catalogue::Action;
use proptest::prelude::*;

fn strings(alphabet: &[char], max: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut layer = vec![String::new()];
    for _ in 0..max {
        let mut next = Vec::new();
        for s in &layer {
            for c in alphabet {
                let mut t = s.clone();
                t.push(*c);
                next.push(t);
            }
        }
        out.extend(next.iter().cloned());
        layer = next;
    }
    out
}

#[derive(Clone, Debug)]
enum Kind {
    Like,
    Equals,
    Fold,
}

fn naive(kind: &Kind, p: &str, t: &str) -> bool {
    match kind {
        Kind::Like => like(p, t),
        Kind::Equals => p == t,
        Kind::Fold => p.to_lowercase() == t.to_lowercase(),
    }
}

fn pattern<'a>(kind: &Kind, p: &'a str) -> Pattern<'a> {
    match kind {
        Kind::Like => Pattern::Like(p),
        Kind::Equals => Pattern::Equals(p),
        Kind::Fold => Pattern::EqualsIgnoreCase(p),
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![4 => Just(Kind::Like), 1 => Just(Kind::Equals), 1 => Just(Kind::Fold)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn glob_conjunctions_match_brute_force(
        pos in prop::collection::vec((kind(), "[abA*?]{0,5}"), 0..3),
        neg in prop::collection::vec((kind(), "[abA*?]{0,5}"), 0..3),
    ) {
        let all: Vec<Pattern> = pos.iter().map(|(k, p)| pattern(k, p)).collect();
        let none: Vec<Pattern> = neg.iter().map(|(k, p)| pattern(k, p)).collect();
        let ok = |t: &str| pos.iter().all(|(k, p)| naive(k, p, t)) && !neg.iter().any(|(k, p)| naive(k, p, t));
        let brute = strings(&['a', 'b', 'A', 'c'], 6).into_iter().find(|t| ok(t));
        match solve_patterns(&all, &none) {
            Sat::Yes(w) => {
                prop_assert!(ok(&w), "witness {w:?} fails");
                if let Some(b) = brute {
                    prop_assert!(w.chars().count() <= b.chars().count(), "not shortest: {w:?} vs {b:?}");
                }
            }
            Sat::No => prop_assert!(brute.is_none(), "solver says none, brute force found {brute:?}"),
            Sat::Unknown => prop_assert!(false, "budget hit on a small case"),
        }
    }

    #[test]
    fn arn_patterns_match_brute_force(
        pos in prop::collection::vec("[a:*?]{0,9}", 1..3),
        neg in prop::collection::vec("[a:*]{0,6}", 0..3),
    ) {
        let all: Vec<Pattern> = pos.iter().map(|p| Pattern::Arn(p)).collect();
        let none: Vec<Pattern> = neg.iter().map(|p| Pattern::Like(p)).collect();
        let ok = |t: &str| pos.iter().all(|p| arn_like(p, t)) && !neg.iter().any(|p| like(p, t));
        let brute = strings(&[':', 'a', 'b'], 8).into_iter().find(|t| ok(t));
        match solve_patterns(&all, &none) {
            Sat::Yes(w) => prop_assert!(ok(&w), "witness {w:?} fails"),
            Sat::No => prop_assert!(brute.is_none(), "solver says none, brute force found {brute:?}"),
            Sat::Unknown => prop_assert!(false, "budget hit on a small case"),
        }
    }

    #[test]
    fn ranges_follow_membership(
        a in prop::collection::vec((0u32..60, 0u32..8), 0..5),
        b in prop::collection::vec((0u32..60, 0u32..8), 0..5),
    ) {
        let set = |v: &Vec<(u32, u32)>| Ranges::from_ranges(v.iter().map(|&(lo, len)| (lo, lo + len)).collect());
        let inside = |v: &Vec<(u32, u32)>, x: u32| v.iter().any(|&(lo, len)| lo <= x && x <= lo + len);
        let (sa, sb) = (set(&a), set(&b));
        let (i, u, c) = (sa.intersect(&sb), sa.union(&sb), sa.complement());
        for x in 0..80 {
            prop_assert_eq!(sa.contains(x), inside(&a, x));
            prop_assert_eq!(i.contains(x), inside(&a, x) && inside(&b, x));
            prop_assert_eq!(u.contains(x), inside(&a, x) || inside(&b, x));
            prop_assert_eq!(c.contains(x), !inside(&a, x));
        }
        prop_assert!(c.contains(u32::MAX) != inside(&a, u32::MAX));
        // Normal form: sorted, disjoint, not adjacent.
        for w in u.ranges().windows(2) {
            prop_assert!(w[0].1.checked_add(1).unwrap() < w[1].0);
        }
    }

    #[test]
    fn ip_sets_follow_cidr_membership(
        blocks in prop::collection::vec((any::<u32>(), 0u8..=32), 1..4),
        probes in prop::collection::vec(any::<u32>(), 16),
    ) {
        let texts: Vec<String> = blocks
            .iter()
            .map(|(a, b)| format!("{}/{b}", std::net::Ipv4Addr::from(*a)))
            .collect();
        let set = IpSet::from_cidrs(texts.iter().map(String::as_str)).unwrap();
        let naive = |ip: u32| blocks.iter().any(|&(a, b)| {
            let shift = 32 - u32::from(b);
            u64::from(a) >> shift == u64::from(ip) >> shift
        });
        for p in probes.iter().copied().chain(blocks.iter().map(|b| b.0)) {
            let ip = std::net::IpAddr::V4(p.into());
            prop_assert_eq!(set.contains(ip), naive(p));
            prop_assert_eq!(set.complement().contains(ip), !naive(p));
        }
        // IPv6 is untouched by IPv4 blocks.
        prop_assert!(set.complement().contains("2001:db8::1".parse().unwrap()));
        if let Some(w) = set.complement().witness() {
            prop_assert!(!set.contains(w));
        }
    }

    #[test]
    fn certain_witnesses_meet_their_conditions(picks in prop::collection::vec(0usize..POOL.len(), 1..4)) {
        let conditions: Vec<_> = picks.iter().map(|&i| {
            let (op, key, values) = POOL[i];
            cond(op, key, values)
        }).collect();
        let (p, a) = analyzer(vec![allow(&["*"], &["ecr:BatchGetImage"], conditions.clone())]);
        for class in a.classes() {
            if let Some(g) = granted(&a, class, Action::BatchGetImage) {
                if g.certainty == Certainty::Certain && !g.statements.is_empty() {
                    prop_assert!(all_hold(&conditions, &g.witness), "{class:?}: {:?} fails {conditions:?}", g.witness);
                    assert_witness(&p, &g, Action::BatchGetImage);
                }
            }
        }
    }
}

const POOL: &[(&str, &str, &[&str])] = &[
    (
        "StringLike",
        "aws:PrincipalArn",
        &["arn:aws:iam::*:role/ci-*"],
    ),
    ("StringNotLike", "aws:PrincipalArn", &["*ci-prod*"]),
    ("ArnLike", "aws:PrincipalArn", &["arn:aws:iam::4444*:*"]),
    ("ArnNotLike", "aws:PrincipalArn", &["arn:aws:iam::*:root"]),
    (
        "StringEquals",
        "aws:PrincipalAccount",
        &["444455556666", "111122223333"],
    ),
    ("StringNotEquals", "aws:PrincipalAccount", &["111122223333"]),
    ("StringLike", "aws:PrincipalOrgID", &["o-a*"]),
    ("StringNotEquals", "aws:PrincipalOrgID", &["o-aaaaaaaaaa"]),
    (
        "ForAnyValue:StringLike",
        "aws:PrincipalOrgPaths",
        &["*/ou-*"],
    ),
    (
        "ForAllValues:StringNotLike",
        "aws:PrincipalOrgPaths",
        &["o-b*"],
    ),
    (
        "IpAddress",
        "aws:SourceIp",
        &["10.0.0.0/8", "2001:db8::/32"],
    ),
    ("NotIpAddress", "aws:SourceIp", &["10.1.0.0/16"]),
    ("IpAddressIfExists", "aws:SourceIp", &["192.0.2.0/24"]),
    ("Bool", "aws:SecureTransport", &["true"]),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", &["true"]),
    ("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
    ("NumericGreaterThan", "aws:MultiFactorAuthAge", &["59.5"]),
    (
        "DateGreaterThan",
        "aws:CurrentTime",
        &["2025-06-01T00:00:00Z"],
    ),
    (
        "DateLessThanEquals",
        "aws:CurrentTime",
        &["2025-06-01T00:00:00Z"],
    ),
    ("Null", "aws:SourceVpce", &["false"]),
    ("StringEquals", "aws:SourceVpce", &["vpce-1a2b3c4d"]),
    ("StringLike", "aws:userid", &["AROA*:ci-*"]),
    ("StringEqualsIgnoreCase", "aws:username", &["DEPLOY"]),
    ("StringNotEqualsIfExists", "aws:username", &["deploy"]),
    ("StringEquals", "aws:PrincipalType", &["AssumedRole"]),
    (
        "ArnLike",
        "aws:SourceArn",
        &["arn:aws:codebuild:*:*:project/*"],
    ),
    ("StringEquals", "aws:SourceAccount", &["111122223333"]),
];

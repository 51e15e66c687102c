//! The findings of policies whose answers their letters fix, without the solver's searches.
//!
//! Most repository policies name their principals, grant actions without conditions, guard a
//! service with `StringEquals aws:SourceAccount` and a literal account, and deny by network
//! with `NotIpAddress aws:SourceIp` and literal ranges. For those, who gets which action is a
//! matter of set membership: an allow applies to the classes its principal covers, a deny is
//! escaped exactly when one address lies in the ranges of every deny in the way, and a guard
//! naming an account leaves a confused deputy no source. [`findings()`] decides such policies
//! that way and asks the solver only for the witness of each finding, with the very question
//! the engine would ask ([`crate::findings::findings_with`]). Statements without a principal
//! cover no caller; `Resource: "*"` covers the repository, and an ARN pattern on an allow
//! makes its grants possible, not certain, as the engine judges them while the repository is
//! unknown; a deny without conditions lets nobody past, or lets everyone past unsure when its
//! `Resource` is a pattern; `StringEquals aws:PrincipalOrgID`
//! with organization ids admits IAM callers inside them, never a service or a stranger;
//! `IpAddress` and `NotIpAddress` on `aws:SourceIp` with literal ranges admit the addresses
//! they leave; `aws:SourceArn` patterns admit the services named, each once the solver finds it a source
//! (the confused-deputy probe of such a guard is the solver's, as in the engine).
//! Anything else (wildcards or other keys in conditions, `ForAllValues:`, `...IfExists`,
//! `Null`, `NotPrincipal`, `NotAction`, denies naming principals or on ARN patterns, a known
//! owner, identity policies) is left to the engine. The findings are the same either way,
//! word for word and witness for witness; the tests hold the two to that over every test
//! policy and random ones.
//!
//! ```
//! use policy_analysis::findings::{findings_with, Code};
//! use policy_analysis::ir::{Actions, Effect, Policy, PrincipalItem, Principals, Statement};
//! use policy_analysis::{literal, Analyzer, Options};
//!
//! let policy = Policy {
//!     variables: true,
//!     statements: vec![Statement {
//!         sid: None,
//!         effect: Effect::Allow,
//!         principal: Some(Principals { negated: false, items: vec![PrincipalItem::Anyone] }),
//!         actions: Actions { negated: false, items: vec!["ecr:BatchGetImage".into()] },
//!         resources: None,
//!         conditions: vec![],
//!     }],
//! };
//! let options = Options::default();
//! let judged = literal::findings(&policy, &options).expect("plain letters");
//! assert_eq!(judged.findings[0].code, Code::PublicAccess);
//! let engine = findings_with(&Analyzer::new(&policy, &options), &policy, &options);
//! assert_eq!(judged.findings, engine);
//! ```

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use policy_catalogue::{Action, ConditionOperator, Operator};

use crate::access::{
    satisfy, AccountClass, Assumption, CallerClass, Certainty, Grant, IdentityPolicies, Options,
    Prepared, Route, SEARCH_BUDGET,
};
use crate::condition::Constraint;
use crate::findings::{self, Finding, Granted};
use crate::ir::{self, ActionSet, Effect, PrincipalItem};
use crate::keys::Kind;
use crate::live::is_account;
use crate::ranges::IpSet;
use crate::solve::{first_account_but, fresh_account, solve, Choice, Identity, Who, Witness};

/// The findings of a policy decided by its letters, and the owning account they assume (the
/// stand-in the engine picks when the options name none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judged {
    /// The owning account.
    pub owner: String,
    /// The findings, as [`crate::findings::findings`] gives them.
    pub findings: Vec<Finding>,
}

/// The findings of `policy` read with `options`, when its letters decide them (see the
/// module); `None` for a policy the engine must search.
#[must_use]
pub fn findings(policy: &ir::Policy, options: &Options) -> Option<Judged> {
    findings_resolved(policy, options, None)
}

/// [`findings()`], with the [`ir::Actions::resolve`] of each statement's actions when the
/// caller has them already (`resolved[i]` for statement `i`): not resolved again.
#[must_use]
pub fn findings_resolved(
    policy: &ir::Policy,
    options: &Options,
    resolved: Option<&[ir::ActionSet]>,
) -> Option<Judged> {
    let plain = Plain::resolved(policy, options, resolved).ok()?;
    // Room for the findings of most policies, below 1 KB: the allocator sorts its free
    // memory on every larger request.
    let mut out = Vec::with_capacity((1000 / std::mem::size_of::<Finding>()).max(1));
    let access = plain.strangers_access()?;
    let mut public_probe = |class: &CallerClass, actions: &[Action]| plain.probe(class, actions);
    findings::outside(policy, &access, false, &mut public_probe, &mut out)?;
    let service_actions = |class: &CallerClass| plain.service_actions(class);
    // The denies the letters decide (without conditions, or by network) are the same for
    // every source of a service's request: its actions, which `service_actions` gives past
    // them, are all it can call as the deputy too.
    let mut deputy = |class: &CallerClass, at: usize, actions: &[Action], cs: &[ir::Condition]| {
        if !policy.statements[at].conditions.is_empty()
            && !matches!(plain.guards[at], Guard::SourceArn | Guard::Network)
        {
            // A guard naming accounts: the probe wants an account none of them. (A guard of
            // organizations no service meets.)
            return Some(None);
        }
        let CallerClass::Service { name: Some(name) } = class else {
            return None;
        };
        // A deny that may not cover the repository lets the witness past, unsure; one with
        // conditions the engine weighs.
        let unsure = match plain.unsure_deny(name, *actions.first()?) {
            Some(true) => return None,
            Some(false) => true,
            None => false,
        };
        let certain = |c: Certainty| if unsure { Certainty::Possible } else { c };
        let searched = || {
            let constraints: Vec<Constraint> = cs.iter().map(lowered).collect();
            let refs: Vec<&Constraint> = constraints.iter().collect();
            solve(&plain.service(name), &refs, &[]).map(|s| {
                let certainty = if s.exact {
                    Certainty::Certain
                } else {
                    Certainty::Possible
                };
                (s.witness, certainty)
            })
        };
        let letters = plain.unguarded_deputy(name, cs).or_else(|| {
            let w = plain.sourced_deputy(name, cs)?;
            plain.met.borrow_mut().insert((at, name.clone()));
            Some(w)
        });
        let Some(witness) = letters else {
            let found = searched();
            if found.is_some() {
                plain.met.borrow_mut().insert((at, name.clone()));
            }
            return Some(found.map(|(w, c)| (actions.to_vec(), w, certain(c))));
        };
        let found = Some((witness, Certainty::Certain));
        debug_assert_eq!(found, searched(), "the deputy's witness of {cs:?}");
        Some(found.map(|(w, c)| (actions.to_vec(), w, certain(c))))
    };
    // A guarded allow of `Principal "*"` lets in no service acting for an unnamed account
    // here: its guard names organizations (no service is in one) or source accounts, or it
    // asks for an address (a service's request carries none), or it was left to the engine
    // (`aws:SourceArn`). One met without an address is public, or left to the engine.
    if plain.anyone.iter().any(|&i| {
        plain.guards[i] == Guard::Network
            && plain.addresses(i).is_some_and(|a| a.1)
            && !out
                .iter()
                .any(|f| f.code == findings::Code::PublicAccess && f.statement == Some(i))
    }) {
        return None;
    }
    findings::deputies(
        policy,
        plain.named(),
        &[],
        &service_actions,
        &mut deputy,
        &mut out,
    )?;
    // Lock-outs: `Plain::new` made sure the owner's root user escapes every deny of
    // `SetRepositoryPolicy`. Dead statements: the guarded allows of IAM principals alone (the
    // guard alone is met by a service's request); every other plain statement has a class
    // it applies to.
    out.extend(plain.dead.iter().map(|&i| findings::dead_statement(i)));
    if !plain.sources_met() {
        return None;
    }
    Some(Judged {
        owner: plain.owner,
        findings: out,
    })
}

/// Why the letters of `policy` do not decide it, in a few words (the first statement's
/// shape the letters leave to the engine, or the question they could not answer); `None`
/// when they decide it. For measuring which shapes fall back.
#[doc(hidden)]
#[must_use]
pub fn fallback(policy: &ir::Policy, options: &Options) -> Option<&'static str> {
    match Plain::new(policy, options) {
        Err(why) => Some(why),
        Ok(_) if findings(policy, options).is_none() => Some("search"),
        Ok(_) => None,
    }
}

/// Whether statement `s`'s principal lists service `name` or `*`.
fn names_service(s: &ir::Statement, name: &str) -> bool {
    s.principal.as_ref().is_some_and(|p| {
        p.items.iter().any(|x| match x {
            PrincipalItem::Anyone => true,
            PrincipalItem::Service(s) => s.eq_ignore_ascii_case(name),
            _ => false,
        })
    })
}

/// The addresses a deny's `NotIpAddress` condition `c` leaves out: `IpSet::from_cidrs` of
/// its values, `None` when one is no block. Read from the condition as the engine lowers it
/// (remembered per thread, `access::read_lowered`): the engine, when the letters do not
/// decide, finds the condition read already, its blocks not read again. A value with a
/// policy variable (`variables`) is no block.
fn deny_exempt(c: &ir::Condition, variables: bool) -> Option<std::rc::Rc<IpSet>> {
    crate::access::read_lowered(c, variables, |lowered| match &lowered.test {
        // `NotIpAddress`: the negation of the blocks' addresses, which it keeps.
        crate::condition::Test::Ips {
            complement: Some(blocks),
            every_block: true,
            ..
        } => Some(blocks.clone()),
        _ => None,
    })
}

/// `c` lowered (without policy variables), remembered per thread: the deputy probes of one
/// policy's services share their conditions, and policies share their guards. Lowering
/// builds the condition's automaton; the copy shares it.
fn lowered(c: &ir::Condition) -> Constraint {
    thread_local! {
        static LOWERED: std::cell::RefCell<crate::text::FastMap<ir::Condition, Constraint>> =
            std::cell::RefCell::default();
    }
    /// Past this many conditions the memory starts again.
    const KEPT: usize = 256;
    if let Some(known) = LOWERED.with(|m| m.borrow().get(c).cloned()) {
        return known;
    }
    let constraint = Constraint::lower(c, false);
    LOWERED.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= KEPT {
            m.clear();
        }
        m.insert(c.clone(), constraint.clone());
    });
    constraint
}

/// Whether the engine takes names of callers from a condition on `key` (literal values of
/// `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalServiceName`).
fn names_callers(key: &str) -> bool {
    [
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:PrincipalServiceName",
    ]
    .iter()
    .any(|k| key.eq_ignore_ascii_case(k))
}

/// The shape of an allow's conditions the letters leave to the engine, for [`fallback`].
fn allow_condition(conditions: &[ir::Condition]) -> &'static str {
    if conditions.len() > 1 {
        return "allow with several conditions";
    }
    let key = conditions[0].key.to_ascii_lowercase();
    match key.as_str() {
        "aws:principalorgid" | "aws:principalorgpaths" => "allow on organization",
        "aws:sourcearn" => "allow on source ARN",
        "aws:sourceaccount" => "allow on source account",
        "aws:principalarn" | "aws:principalaccount" => "allow on principal",
        "aws:sourceip" => "allow on address",
        _ => "allow on another key",
    }
}

/// What the one condition of an allow asks of a request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Guard {
    /// Nothing: no condition.
    None,
    /// `StringEquals aws:SourceAccount` with accounts: a service acting for one of them
    /// (only services' requests carry the key).
    Source,
    /// `aws:SourceArn` compared with ARNs or patterns (`StringEquals`, `StringLike`,
    /// `ArnEquals`, `ArnLike`), with or without `StringEquals aws:SourceAccount`: a service
    /// acting for a resource the patterns match (only services' requests carry the keys).
    SourceArn,
    /// `IpAddress` and `NotIpAddress` on `aws:SourceIp` with literal ranges: a request from
    /// an address in all the first and none of the second (or, without `IpAddress`, one
    /// through a VPC endpoint, which carries no address).
    Network,
    /// `StringEquals aws:PrincipalOrgID` with organization ids: an IAM caller in one of them
    /// (only IAM callers' requests carry the key, and only inside an organization), never a
    /// stranger's, who is outside every organization or in one the policy does not name.
    Organization,
}

impl Guard {
    /// The guard of an allow's conditions, when the letters decide it.
    fn of_all(cs: &[ir::Condition]) -> Option<Guard> {
        match cs {
            [] => Some(Guard::None),
            [c] => Guard::of(c),
            _ => {
                let guards: Vec<Guard> = cs.iter().map(Guard::of).collect::<Option<_>>()?;
                if guards.iter().all(|&g| g == Guard::Network) {
                    return Some(Guard::Network);
                }
                let service = guards
                    .iter()
                    .all(|g| matches!(g, Guard::Source | Guard::SourceArn));
                (service && guards.contains(&Guard::SourceArn)).then_some(Guard::SourceArn)
            }
        }
    }

    /// The guard of a condition, when the letters decide it.
    fn of(c: &ir::Condition) -> Option<Guard> {
        let arn_operators = [
            Operator::StringEquals,
            Operator::StringLike,
            Operator::ArnEquals,
            Operator::ArnLike,
        ];
        if c.key.eq_ignore_ascii_case("aws:SourceArn")
            && arn_operators
                .iter()
                .any(|&o| c.operator == ConditionOperator::new(o))
            && !c.values.is_empty()
            && c.values.iter().all(|v| !v.contains('$'))
        {
            return Some(Guard::SourceArn);
        }
        if c.key.eq_ignore_ascii_case("aws:SourceIp")
            && [Operator::IpAddress, Operator::NotIpAddress]
                .iter()
                .any(|&o| c.operator == ConditionOperator::new(o))
            && !c.values.is_empty()
        {
            return Some(Guard::Network);
        }
        if c.operator != ConditionOperator::new(Operator::StringEquals) || c.values.is_empty() {
            return None;
        }
        if c.key.eq_ignore_ascii_case("aws:SourceAccount") && c.values.iter().all(|v| is_account(v))
        {
            return Some(Guard::Source);
        }
        if c.key.eq_ignore_ascii_case("aws:PrincipalOrgID")
            && c.values
                .iter()
                .all(|v| is_org(v) && v != findings::FRESH_ORG)
        {
            return Some(Guard::Organization);
        }
        None
    }
}

/// Whose request an allow is asked about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Requester {
    /// An IAM caller's, in any situation.
    Iam,
    /// An IAM caller's in a stranger's situation ([`findings::stranger_probe`]).
    Stranger,
    /// A service's.
    Service,
}

/// Whether `v` is an organization id, as `aws:PrincipalOrgID` holds them: `o-` and 10 to 32
/// lowercase letters or digits.
fn is_org(v: &str) -> bool {
    v.strip_prefix("o-").is_some_and(|id| {
        (10..=32).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// Where a request comes from, for the denies by network.
#[derive(Clone, Copy)]
enum Network {
    /// Any address, or none: the request picks.
    Free,
    /// This address.
    At(IpAddr),
    /// No `aws:SourceIp` (through a VPC endpoint).
    Hidden,
}

/// A policy of the plain shape, read once.
struct Plain<'p> {
    policy: &'p ir::Policy,
    options: &'p Options,
    /// Each statement's actions.
    actions: Vec<ActionSet>,
    /// For each deny, the addresses its `NotIpAddress` leaves out (a request from one escapes).
    exempt: Vec<Option<std::rc::Rc<IpSet>>>,
    /// Statements whose principal is `*`.
    anyone: Vec<usize>,
    /// What each allow's condition asks of a request.
    guards: Vec<Guard>,
    /// For each allow guarded by network, the addresses it admits, and whether it admits a
    /// request without one; the list ends at the last such allow ([`Plain::addresses`]).
    addresses: Vec<Option<(IpSet, bool)>>,
    /// Allows no class can meet: guarded for principals none of which can meet the guard.
    dead: Vec<usize>,
    /// Whether each statement's `Resource` is known to cover the repository (as the engine
    /// judges it: its grants are certain only then).
    known: Vec<bool>,
    owner: String,
    /// Every account the classes know, the owner's included, in the engine's order.
    ids: Vec<String>,
    /// The accounts the policy names, and the owner, sorted and without repeats: `None` when
    /// `ids` is that list already (one partition), as it mostly is.
    named: Option<Vec<String>>,
    /// The service classes (names in lowercase), sorted.
    services: Vec<String>,
    /// The classes of an account the policy does not name: root, user, role session. Made
    /// when first asked for: only a policy with an allow of `*` asks.
    strangers: OnceCell<[CallerClass; 3]>,
    /// The engine's form of the statements, built when a witness is first needed.
    prepared: OnceCell<Vec<Prepared>>,
    /// The stranger's account, lowered when a probe first needs it.
    stranger_account: OnceCell<Option<Assumption>>,
    /// The first account the policy does not name ([`first_account_but`]), found when a
    /// public witness first needs it.
    first_unnamed: OnceCell<String>,
    /// The allows guarded by `aws:SourceArn`, taken as met by each of their services until
    /// [`Plain::sources_met`] asks.
    source_arns: Vec<usize>,
    /// The services (statement, name) a deputy probe found a source for: they meet the guard.
    met: std::cell::RefCell<BTreeSet<(usize, String)>>,
}

/// Whether the letters of an allow's guard show a service's request that meets it, as the
/// solver would find one: each key under one condition of a positive operator without
/// qualifier (`StringEquals`, `StringLike`, `ArnEquals`, `ArnLike`), one of whose values, its
/// `*`s taken empty, is a value the solver admits for the key. That value passes its own
/// condition (a `*` matches nothing as well; a value with `?` is not tried), and a key with a
/// passing value the solver admits is never refused, nor is a named service's identity or
/// the tie of `aws:SourceAccount` to the account of `aws:SourceArn`. `false` says nothing.
fn source_passes(conditions: &[ir::Condition]) -> bool {
    let positive = [
        Operator::StringEquals,
        Operator::StringLike,
        Operator::ArnEquals,
        Operator::ArnLike,
    ];
    conditions.iter().enumerate().all(|(i, c)| {
        let key = c.key.to_ascii_lowercase();
        let Some(&operator) = positive
            .iter()
            .find(|&&o| c.operator == ConditionOperator::new(o))
        else {
            return false;
        };
        let alone = conditions
            .iter()
            .enumerate()
            .all(|(j, d)| j == i || !d.key.eq_ignore_ascii_case(&c.key));
        alone
            && c.values.iter().any(|v| {
                if operator == Operator::StringEquals {
                    return admits(&key, v);
                }
                let fields = operator == Operator::StringLike || v.splitn(6, ':').count() == 6;
                fields && !v.contains(['?', '$']) && admits(&key, &v.replace('*', ""))
            })
    })
}

/// Whether the solver admits `value` for key `key` (lowercased) of a service's request
/// ([`crate::solve::admits`]), `aws:SourceArn` read by its letters.
fn admits(key: &str, value: &str) -> bool {
    if key == "aws:sourcearn" {
        return admits_source_arn(value);
    }
    crate::solve::admits(key, Kind::Service, value)
}

/// Whether the solver admits `value` for a service's `aws:SourceArn`
/// ([`crate::solve::admits`]), by its letters instead of the automaton of the key's domain
/// (built on a thread's first question otherwise): `arn:`, a partition, a service of 1 to 32
/// lowercase letters, digits and `-`, an empty region or one such as `us-east-1`, an empty
/// account, twelve digits or `aws`, then at least one character, each part after a `:`; and
/// no `:iam:` or `:sts:` after `arn:` (the exclusions `arn:*:iam:*` and `arn:*:sts:*`).
/// `tests::source_arns_are_admitted_as_the_solver_admits` compares the two.
fn admits_source_arn(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("arn:") else {
        return false;
    };
    let mut fields = rest.splitn(5, ':');
    let (Some(partition), Some(service), Some(region), Some(account), Some(text)) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return false;
    };
    let lower = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase())
    };
    let region_ok = region.is_empty() || {
        // `[a-z]{2}`, then `-[a-z]{1,12}` at least once, then `-[0-9]{1,2}`.
        let parts: Vec<&str> = region.split('-').collect();
        parts.len() >= 3
            && lower(parts[0], 2..=2)
            && parts[1..parts.len() - 1].iter().all(|p| lower(p, 1..=12))
            && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
            && (1..=2).contains(&parts[parts.len() - 1].len())
    };
    policy_catalogue::rules::PARTITIONS.contains(&partition)
        && (1..=32).contains(&service.len())
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && region_ok
        && (account.is_empty() || account == "aws" || is_account(account))
        && !text.is_empty()
        && !rest.contains(":iam:")
        && !rest.contains(":sts:")
}

impl<'p> Plain<'p> {
    fn new(policy: &'p ir::Policy, options: &'p Options) -> Result<Plain<'p>, &'static str> {
        Plain::resolved(policy, options, None)
    }

    /// [`Plain::new`], with the statements' resolved actions when known (see
    /// [`findings_resolved`]).
    fn resolved(
        policy: &'p ir::Policy,
        options: &'p Options,
        resolved: Option<&[ir::ActionSet]>,
    ) -> Result<Plain<'p>, &'static str> {
        debug_assert!(
            resolved.is_none_or(|r| r.len() == policy.statements.len()),
            "one resolved set a statement"
        );
        let resolved = resolved.filter(|r| r.len() == policy.statements.len());
        let resolve = |i: usize, s: &ir::Statement| match resolved {
            Some(r) => {
                debug_assert_eq!(r[i], s.actions.resolve(), "statement {i}");
                r[i]
            }
            None => s.actions.resolve(),
        };
        let plain_options = options.owner.is_none()
            && options.trusted.is_empty()
            && options.repository.is_none()
            && matches!(options.identity, IdentityPolicies::Unknown);
        if !plain_options {
            return Err("options");
        }
        if policy.statements.is_empty() {
            return Err("no statement");
        }
        // (partition, account) of every principal, sorted and without repeats below: the
        // engine's order, as a `BTreeSet` of the pairs would give it, without copying them.
        let mut accounts: Vec<(&str, &str)> = Vec::new();
        let mut services: Vec<String> = Vec::new();
        let mut actions = Vec::with_capacity(policy.statements.len());
        let mut exempt = Vec::with_capacity(policy.statements.len());
        let mut anyone = Vec::new();
        let mut guards = Vec::with_capacity(policy.statements.len());
        let mut dead = Vec::new();
        let (mut allows, mut denies) = (0usize, 0usize);
        let mut known = Vec::with_capacity(policy.statements.len());
        let mut source_arns = Vec::new();
        let mut addresses = Vec::new();
        // The denies' conditions are lowered into the engine's memory (`deny_exempt`): room
        // for them all at once, as the engine makes it.
        let denies_conditions = policy
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Deny)
            .map(|s| s.conditions.len())
            .sum();
        crate::access::reserve_lowered(denies_conditions);
        for (i, s) in policy.statements.iter().enumerate() {
            // Without a principal a statement of a repository policy covers no caller; its
            // conditions still give the engine's classes names.
            let Some(p) = s.principal.as_ref() else {
                if s.conditions.iter().any(|c| names_callers(&c.key)) {
                    return Err("no principal");
                }
                actions.push(resolve(i, s));
                exempt.push(None);
                guards.push(Guard::None);
                known.push(true);
                continue;
            };
            if p.negated {
                return Err("NotPrincipal");
            }
            if s.actions.negated {
                return Err("NotAction");
            }
            if p.items.is_empty() || s.actions.items.is_empty() {
                return Err("empty list");
            }
            // `Resource: "*"` covers the repository; a pattern covers it or not, the ARN
            // being unknown, so that what it grants is possible, not certain.
            known.push(match s.resources.as_ref().map(|r| r.covers(None)) {
                None | Some(Some(true)) => true,
                Some(None) => false,
                Some(Some(false)) => return Err("Resource"),
            });
            let mut has_anyone = false;
            for item in &p.items {
                match item {
                    PrincipalItem::Anyone => {
                        has_anyone = true;
                    }
                    PrincipalItem::Account { partition, id } => {
                        accounts.push((partition, id));
                    }
                    PrincipalItem::User {
                        partition, account, ..
                    }
                    | PrincipalItem::Role {
                        partition, account, ..
                    }
                    | PrincipalItem::Session {
                        partition, account, ..
                    } => {
                        accounts.push((partition, account));
                    }
                    PrincipalItem::Service(name) => {
                        services.push(name.to_ascii_lowercase());
                    }
                    PrincipalItem::Federated(_) | PrincipalItem::Other(_) => {
                        return Err("principal kind")
                    }
                }
            }
            if has_anyone {
                anyone.push(i);
            }
            match s.effect {
                Effect::Allow => {
                    allows += 1;
                    exempt.push(None);
                    let guard = Guard::of_all(&s.conditions)
                        .ok_or_else(|| allow_condition(&s.conditions))?;
                    let meets = |service: bool| {
                        p.items.iter().any(|x| {
                            *x == PrincipalItem::Anyone
                                || matches!(x, PrincipalItem::Service(_)) == service
                        })
                    };
                    match guard {
                        Guard::None => {}
                        // No IAM caller's request carries the key.
                        Guard::Source if !meets(true) => dead.push(i),
                        // No service's request carries the key.
                        Guard::Organization if !meets(false) => dead.push(i),
                        Guard::Source | Guard::Organization => {}
                        // Services alone meet it, each when the patterns let it: asked of the
                        // solver below.
                        Guard::SourceArn if has_anyone || !meets(true) => {
                            return Err("allow on source ARN for callers other than services");
                        }
                        Guard::SourceArn => source_arns.push(i),
                        Guard::Network => {
                            let mut set = IpSet::public();
                            let mut hidden = true;
                            for c in &s.conditions {
                                let ranges = IpSet::from_cidrs(c.values.iter().map(String::as_str))
                                    .map_err(|_| "allow ranges")?;
                                if c.operator == ConditionOperator::new(Operator::IpAddress) {
                                    set = set.intersect(&ranges);
                                    hidden = false;
                                } else {
                                    set = set.intersect(&ranges.complement());
                                }
                            }
                            if set.is_empty() && !hidden {
                                return Err("allow on no address");
                            }
                            // A service's request carries no `aws:SourceIp` (`keys.rs`).
                            if !hidden && !meets(false) {
                                dead.push(i);
                            }
                            addresses.resize(i, None);
                            addresses.push(Some((set, hidden)));
                        }
                    }
                    guards.push(guard);
                }
                Effect::Deny => {
                    denies += 1;
                    // The engine lets a request past a deny that may not cover the
                    // repository, unsure: taken without conditions only, which hold on
                    // every request.
                    if known.last() == Some(&false) && !s.conditions.is_empty() {
                        return Err("deny on a Resource pattern");
                    }
                    guards.push(Guard::None);
                    // Everyone, unless the request comes from the ranges named.
                    if !p.items.iter().all(|x| *x == PrincipalItem::Anyone) {
                        return Err("deny naming principals");
                    }
                    let c = match s.conditions.as_slice() {
                        // Nobody escapes it.
                        [] => {
                            exempt.push(Some(std::rc::Rc::new(IpSet::empty())));
                            actions.push(resolve(i, s));
                            continue;
                        }
                        [c] => c,
                        _ => return Err("deny with several conditions"),
                    };
                    if c.operator != ConditionOperator::new(Operator::NotIpAddress)
                        || !c.key.eq_ignore_ascii_case("aws:SourceIp")
                        || c.values.is_empty()
                    {
                        return Err("deny condition");
                    }
                    exempt.push(Some(deny_exempt(c, policy.variables).ok_or("deny ranges")?));
                }
            }
            actions.push(resolve(i, s));
        }
        // The engine gives up a search past its budget; stay far from it.
        if allows * (denies + 1) >= SEARCH_BUDGET {
            return Err("search budget");
        }
        accounts.sort_unstable();
        accounts.dedup();
        services.sort_unstable();
        services.dedup();
        // With room for the owner: inserted below without growing.
        let mut ids: Vec<String> = Vec::with_capacity(accounts.len() + 1);
        ids.extend(accounts.iter().map(|&(_, a)| a.to_owned()));
        let owner = fresh_account(&ids);
        if let Err(at) = accounts.binary_search(&(options.partition.as_str(), owner.as_str())) {
            ids.insert(at, owner.clone());
        }
        // Sorted and without repeats (an id may stand in two partitions).
        let named = (!ids.windows(2).all(|w| w[0] < w[1])).then(|| {
            let mut named = ids.clone();
            named.sort_unstable();
            named.dedup();
            named
        });
        let plain = Plain {
            policy,
            options,
            addresses,
            actions,
            exempt,
            anyone,
            guards,
            dead,
            known,
            owner,
            ids,
            named,
            services,
            strangers: OnceCell::new(),
            prepared: OnceCell::new(),
            stranger_account: OnceCell::new(),
            first_unnamed: OnceCell::new(),
            source_arns,
            met: std::cell::RefCell::default(),
        };
        // The owner's root user needs no allow: it can set the policy unless the denies of
        // `SetRepositoryPolicy` leave no address to come from. Otherwise the engine searches
        // for a lock-out.
        let set: Vec<usize> = (0..policy.statements.len())
            .filter(|&i| {
                let s = &policy.statements[i];
                s.principal.is_some()
                    && s.effect == Effect::Deny
                    && plain.actions[i].contains(Action::SetRepositoryPolicy)
            })
            .collect();
        if !set.is_empty() && !plain.escapes(&set, Network::Free) {
            return Err("lock-out");
        }
        Ok(plain)
    }

    /// Whether every service of an allow on `aws:SourceArn` can meet its guard, as the
    /// letters took it: the engine's answers for one that cannot (a dead statement or
    /// condition) are its own. The deputy probes found most of them a source already.
    /// The classes of an account the policy does not name: root, user, role session, in an
    /// account none of `ids` (the engine's stand-in).
    fn strangers(&self) -> &[CallerClass; 3] {
        self.strangers.get_or_init(|| {
            let account = AccountClass {
                partition: self.options.partition.clone(),
                id: fresh_account(&self.ids),
                named: false,
                owner: false,
                trusted: false,
            };
            [
                CallerClass::Root {
                    account: account.clone(),
                },
                CallerClass::User {
                    account: account.clone(),
                    user: None,
                },
                CallerClass::Session {
                    account,
                    role: None,
                    session: None,
                },
            ]
        })
    }

    /// The accounts the policy names, and the owner, sorted and without repeats.
    fn named(&self) -> &[String] {
        self.named.as_deref().unwrap_or(&self.ids)
    }

    fn sources_met(&self) -> bool {
        let met = self.met.borrow();
        self.source_arns.iter().all(|&i| {
            let s = &self.policy.statements[i];
            let mut constraints: Option<Vec<Constraint>> = None;
            // The letters decide the guard for every service alike, when they do.
            let passes = OnceCell::new();
            s.principal
                .iter()
                .flat_map(|p| p.items.iter())
                .all(|item| match item {
                    PrincipalItem::Service(name) => {
                        let name = name.to_ascii_lowercase();
                        if met.contains(&(i, name.clone())) {
                            return true;
                        }
                        let letters = *passes.get_or_init(|| source_passes(&s.conditions));
                        let mut searched = || {
                            let cs = constraints
                                .get_or_insert_with(|| s.conditions.iter().map(lowered).collect());
                            let refs: Vec<&Constraint> = cs.iter().collect();
                            solve(&self.service(&name), &refs, &[]).is_some()
                        };
                        if letters {
                            debug_assert!(searched(), "the guard of {:?}", s.conditions);
                            return true;
                        }
                        searched()
                    }
                    _ => true,
                })
        })
    }

    /// The statements of `relevant` with this effect that cover `action`.
    fn covering(&self, relevant: &[usize], action: Action, effect: Effect) -> Vec<usize> {
        relevant
            .iter()
            .copied()
            .filter(|&i| {
                self.policy.statements[i].effect == effect && self.actions[i].contains(action)
            })
            .collect()
    }

    /// The allows of `relevant` covering `action` that a request of `caller` can meet, in
    /// the order the engine tries them: those without conditions first.
    fn allows(&self, relevant: &[usize], action: Action, caller: Requester) -> Vec<usize> {
        let mut allows = self.covering(relevant, action, Effect::Allow);
        allows.retain(|&i| self.meets(i, caller));
        allows.sort_by_key(|&i| self.policy.statements[i].conditions.len());
        allows
    }

    /// Whether a request of `caller` can meet the guard of allow `i`.
    fn meets(&self, i: usize, caller: Requester) -> bool {
        match (self.guards[i], caller) {
            (Guard::None | Guard::Network, _) => true,
            (Guard::Source | Guard::SourceArn, r) => r == Requester::Service,
            (Guard::Organization, r) => r == Requester::Iam,
        }
    }

    /// Whether a request from `network` escapes every deny of `denies`.
    fn escapes(&self, denies: &[usize], network: Network) -> bool {
        match network {
            Network::Free => !self.room(denies).is_empty(),
            Network::At(ip) => self.room(denies).contains(ip),
            // Every deny by network holds on a request without an address.
            Network::Hidden => denies.iter().all(|&d| !self.known[d]),
        }
    }

    /// The addresses allow `i` admits, when it is guarded by network, and whether it admits a
    /// request without one.
    fn addresses(&self, i: usize) -> Option<&(IpSet, bool)> {
        self.addresses.get(i).and_then(Option::as_ref)
    }

    /// The addresses a request can come from to escape every deny of `denies`.
    fn room(&self, denies: &[usize]) -> IpSet {
        // `aws:SourceIp` holds public addresses only: borrowed until a deny narrows it.
        let public = IpSet::public_ref();
        let mut room: Option<IpSet> = None;
        for &d in denies {
            if !self.known[d] {
                continue;
            }
            match &self.exempt[d] {
                Some(exempt) => room = Some(room.as_ref().unwrap_or(public).intersect(exempt)),
                None => return IpSet::empty(),
            }
        }
        room.unwrap_or_else(|| public.clone())
    }

    /// Whether a request from `network` meets allow `allow` and escapes every deny of
    /// `denies`.
    fn passes(&self, allow: usize, denies: &[usize], network: Network) -> bool {
        let Some((addresses, hidden)) = self.addresses(allow) else {
            return self.escapes(denies, network);
        };
        match network {
            Network::Free => {
                (*hidden && self.escapes(denies, Network::Hidden))
                    || !self.room(denies).intersect(addresses).is_empty()
            }
            Network::At(ip) => addresses.contains(ip) && self.escapes(denies, network),
            Network::Hidden => *hidden && self.escapes(denies, network),
        }
    }

    /// Whether a request of `caller`, of a class that `relevant` covers, can perform
    /// `action`, and the first allow it goes through.
    fn allowed(
        &self,
        relevant: &[usize],
        action: Action,
        network: Network,
        caller: Requester,
    ) -> Option<usize> {
        // The first of `allows` that passes, without its sorted list: the passing allow with
        // the fewest conditions, the earliest of those. The probes ask this for every action
        // of a group in each situation.
        let mut denies: Option<Vec<usize>> = None;
        let mut best: Option<(usize, usize)> = None;
        for &i in relevant {
            let conditions = self.policy.statements[i].conditions.len();
            if best.is_some_and(|(fewest, _)| fewest <= conditions)
                || self.policy.statements[i].effect != Effect::Allow
                || !self.actions[i].contains(action)
                || !self.meets(i, caller)
            {
                continue;
            }
            let denies =
                denies.get_or_insert_with(|| self.covering(relevant, action, Effect::Deny));
            if self.passes(i, denies, network) {
                best = Some((conditions, i));
            }
        }
        let found = best.map(|(_, i)| i);
        debug_assert_eq!(
            found,
            {
                let denies = self.covering(relevant, action, Effect::Deny);
                self.allows(relevant, action, caller)
                    .into_iter()
                    .find(|&a| self.passes(a, &denies, network))
            },
            "the first allow past the denies"
        );
        found
    }

    fn prepared(&self) -> &[Prepared] {
        self.prepared
            .get_or_init(|| Prepared::new(self.policy, false, self.options.repository.as_deref()))
    }

    /// The solver's view of stranger class `k` (root, user, session).
    fn stranger(&self, k: usize) -> Who {
        let (kind, session) = match k {
            0 => (Kind::Root, None),
            1 => (Kind::User, None),
            _ => (Kind::Session, Some("unnamed-session".to_owned())),
        };
        Who {
            kind,
            partition: self.options.partition.as_str().into(),
            account: Choice::Free(self.ids.as_slice().into()),
            name: None,
            excluded: Vec::new(),
            session,
            owner: self.owner.as_str().into(),
            region: self.options.region.clone(),
        }
    }

    /// The solver's view of a named service.
    fn service(&self, name: &str) -> Who {
        Who {
            kind: Kind::Service,
            partition: self.options.partition.as_str().into(),
            account: Choice::Fixed(String::new()),
            name: Some((String::new(), name.to_owned())),
            excluded: Vec::new(),
            session: None,
            owner: self.owner.as_str().into(),
            region: self.options.region.clone(),
        }
    }

    /// The grant the engine finds for stranger class `k` and `action`, under `assumed`: its
    /// candidates (the allows covering the action, in order) tried against the denies in the
    /// way, as [`crate::Analyzer`] tries them. `None` when none passes.
    fn grant(&self, k: usize, action: Action, assumed: Option<&Assumption>) -> Option<Grant> {
        if assumed.is_none() {
            if let Some(direct) = self.direct_grant(k, action) {
                debug_assert_eq!(
                    Some(&direct),
                    self.searched_grant(k, action, None).as_ref(),
                    "class {k}, {action:?}"
                );
                return Some(direct);
            }
        }
        self.searched_grant(k, action, assumed)
    }

    /// [`Plain::grant`] without a situation, without its search, when no deny of `*` covers
    /// `action` and the first allow the engine tries has no condition or one
    /// `StringEquals aws:PrincipalOrgID` of organization ids: the solver's caller of the
    /// class in the first account (counting down from `999999999999`) none of the policy's
    /// ([`crate::solve::fresh_account`]), and for the organization the first id listed (a
    /// list of literal values is tried in its order; each is one the key admits), under the
    /// key as the policy spells it. `None` for other questions.
    fn direct_grant(&self, k: usize, action: Action) -> Option<Grant> {
        if self.anyone.iter().any(|&d| {
            self.policy.statements[d].effect == Effect::Deny && self.actions[d].contains(action)
        }) {
            return None;
        }
        let statement = *self.allows(&self.anyone, action, Requester::Iam).first()?;
        let mut context = BTreeMap::new();
        match (
            self.guards[statement],
            self.policy.statements[statement].conditions.as_slice(),
        ) {
            (Guard::None, []) => {}
            (Guard::Organization, [c]) => {
                context.insert(c.key.clone(), Some(vec![c.values.first()?.clone()]));
            }
            _ => return None,
        }
        let account = fresh_account(&self.ids);
        let (caller, route) = self.stranger_caller(k, account);
        Some(Grant {
            route,
            statements: vec![statement],
            identity_statement: None,
            certainty: if self.known[statement] {
                Certainty::Certain
            } else {
                Certainty::Possible
            },
            witness: Witness { caller, context },
        })
    }

    /// The caller of stranger class `k` (0 the account's root, 1 a user, else a role's
    /// session) in `account`, named as the solver names it, and the route its request takes.
    fn stranger_caller(&self, k: usize, account: String) -> (Identity, Route) {
        let partition = self.options.partition.clone();
        match k {
            0 => (
                Identity::Root { partition, account },
                Route::RepositoryPolicy,
            ),
            1 => (
                Identity::User {
                    partition,
                    account,
                    path: "/".to_owned(),
                    name: "unnamed-user".to_owned(),
                },
                Route::CrossAccount,
            ),
            _ => (
                Identity::Session {
                    partition,
                    account,
                    role_path: "/".to_owned(),
                    role: "unnamed-role".to_owned(),
                    session: "unnamed-session".to_owned(),
                },
                Route::CrossAccount,
            ),
        }
    }

    /// [`Plain::grant`] by the solver's search.
    fn searched_grant(
        &self,
        k: usize,
        action: Action,
        assumed: Option<&Assumption>,
    ) -> Option<Grant> {
        let prepared = self.prepared();
        let denies: Vec<&Prepared> = self
            .covering(&self.anyone, action, Effect::Deny)
            .into_iter()
            .map(|d| &prepared[d])
            .collect();
        let mention: Vec<&Constraint> = denies.iter().flat_map(|d| d.constraints.iter()).collect();
        let who = self.stranger(k);
        let route = if k == 0 {
            Route::RepositoryPolicy
        } else {
            Route::CrossAccount
        };
        let mut budget = SEARCH_BUDGET;
        for s in self.allows(&self.anyone, action, Requester::Iam) {
            let mut base: Vec<&Constraint> = prepared[s].constraints.iter().collect();
            if let Some(a) = assumed {
                base.extend(a.0.iter());
            }
            if let Some(solved) = satisfy(&who, base, &denies, &mention, &mut budget) {
                return Some(Grant {
                    route,
                    statements: vec![s],
                    identity_statement: None,
                    certainty: if solved.exact && self.known[s] {
                        Certainty::Certain
                    } else {
                        Certainty::Possible
                    },
                    witness: solved.witness,
                });
            }
        }
        None
    }

    /// The access of the classes of an account the policy does not name, grouped as
    /// [`crate::Analyzer::access`] groups it (witnesses left for later).
    fn strangers_access(&self) -> Option<Vec<Pending<'_, 'p>>> {
        let parts = self.partition(&self.anyone);
        // Each group allowed, with what fixes its witness (the allow and the denies known to
        // cover the repository) and its certainty (whether a deny that may cover it is in
        // the way).
        let mut groups: Vec<(usize, Vec<usize>, bool, Action, ActionSet)> = Vec::new();
        for g in parts {
            let set = ActionSet(g);
            let first = set.iter().next()?;
            let Some(allow) = self.allowed(&self.anyone, first, Network::Free, Requester::Iam)
            else {
                continue;
            };
            let (denies, unsure): (Vec<usize>, Vec<usize>) = self
                .covering(&self.anyone, first, Effect::Deny)
                .into_iter()
                .partition(|&d| self.known[d]);
            // The engine merges groups of one allow with the same witness and certainty.
            let unsure = !unsure.is_empty() || !self.known[allow];
            // The same allow past other denies may or may not give the same witness.
            if groups.iter().any(|(a, d, ..)| *a == allow && *d != denies) {
                return None;
            }
            match groups
                .iter_mut()
                .find(|(a, _, u, ..)| *a == allow && *u == unsure)
            {
                Some((.., actions)) => actions.0 |= g,
                None => groups.push((allow, denies, unsure, first, set)),
            }
        }
        let mut out = Vec::new();
        // The three stranger classes (root, user, role session), made when a group asks.
        for k in 0..3 {
            for &(allow, _, _, first, actions) in &groups {
                out.push(Pending {
                    plain: self,
                    k,
                    actions,
                    statement: allow,
                    first,
                });
            }
        }
        Some(out)
    }

    /// The public probe for stranger class `class`: the first situation of a stranger (in the
    /// engine's order) in which one of `actions` is allowed, with the first such action.
    fn probe(&self, class: &CallerClass, actions: &[Action]) -> Option<Option<(Action, Grant)>> {
        let k = self.strangers().iter().position(|c| c == class)?;
        let v4 = Network::At(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7)));
        let v6 = Network::At(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 7)));
        let networks = [v4, v6, Network::Hidden];
        let allowed = |network: Network| {
            // The answer for an action rests on which statements of `*` cover it alone: asked
            // once for each such set (most of a group's actions share one), on the stack.
            let mut asked = [(0u128, false); 8];
            let mut known = 0;
            actions.iter().copied().find(|&a| {
                let ask = || {
                    self.allowed(&self.anyone, a, network, Requester::Stranger)
                        .is_some()
                };
                if self.anyone.len() > 128 {
                    return ask();
                }
                let covers = self
                    .anyone
                    .iter()
                    .enumerate()
                    .filter(|&(_, &i)| self.actions[i].contains(a))
                    .fold(0u128, |bits, (n, _)| bits | 1 << n);
                if let Some(&(_, answer)) = asked[..known].iter().find(|(c, _)| *c == covers) {
                    debug_assert_eq!(answer, ask(), "{a:?}");
                    return answer;
                }
                let answer = ask();
                if known < asked.len() {
                    asked[known] = (covers, answer);
                    known += 1;
                }
                answer
            })
        };
        // The letters' answer depends on the situation's network alone, and the situations
        // after the first three repeat their networks (in an organization the policy does not
        // name, which no allow the letters take asks about): an action none of the first three
        // allows, none of the others does.
        for (index, &network) in networks
            .iter()
            .enumerate()
            .take(findings::STRANGER_SITUATIONS)
        {
            let Some(action) = allowed(network) else {
                continue;
            };
            let searched = || {
                let account = self
                    .stranger_account
                    .get_or_init(|| findings::stranger_account(self.named()));
                let assumed = findings::stranger_probe(account.as_ref(), index);
                // The letters said yes: the engine must agree, or it decides.
                self.grant(k, action, Some(&assumed))
            };
            let grant = match self.direct_public(k, action, index) {
                Some(direct) => {
                    debug_assert_eq!(Some(&direct), searched().as_ref(), "probe {index}");
                    direct
                }
                None => searched()?,
            };
            return Some(Some((action, grant)));
        }
        Some(None)
    }

    /// The grant the engine finds for stranger class `k` and `action` in the first two
    /// situations of a stranger (outside every organization, from the internet over IPv4 or
    /// IPv6), without its search: the first allow covering the action, a caller in the first
    /// account (in the solver's order, see [`first_account_but`]) the policy does not name,
    /// the address of the situation (inside the ranges of every deny in the way, or the
    /// letters would not have said yes), and no organization or endpoint. `None` for the
    /// other situations.
    fn direct_public(&self, k: usize, action: Action, index: usize) -> Option<Grant> {
        if self.named().is_empty() {
            return None;
        }
        let address = match index {
            0 => "198.51.100.7",
            1 => "2001:db8::7",
            _ => return None,
        };
        let statement = *self
            .allows(&self.anyone, action, Requester::Stranger)
            .first()?;
        // The solver's witness of an allow by network may spell the key as the policy does.
        if self.guards[statement] == Guard::Network {
            return None;
        }
        // A deny that may not cover the repository lets the request past, unsure.
        let unsure = self
            .covering(&self.anyone, action, Effect::Deny)
            .iter()
            .any(|&d| !self.known[d]);
        let account = self
            .first_unnamed
            .get_or_init(|| first_account_but(self.named()))
            .clone();
        let (caller, route) = self.stranger_caller(k, account);
        let mut context: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
        context.insert(
            "aws:PrincipalAccount".to_owned(),
            caller.account().map(|a| vec![a.to_owned()]),
        );
        for key in [
            "aws:PrincipalOrgID",
            "aws:PrincipalOrgPaths",
            "aws:SourceVpce",
            "aws:SourceVpc",
        ] {
            context.insert(key.to_owned(), None);
        }
        context.insert("aws:SourceIp".to_owned(), Some(vec![address.to_owned()]));
        Some(Grant {
            route,
            statements: vec![statement],
            identity_statement: None,
            certainty: if self.known[statement] && !unsure {
                Certainty::Certain
            } else {
                Certainty::Possible
            },
            witness: Witness { caller, context },
        })
    }

    /// The witness the engine finds for a service without a guard under the first deputy
    /// probe (`cs`: a source account none of the accounts named, a source ARN in none of
    /// them, no source organization), without its search; `None` for other probes.
    ///
    /// The solver gives the first of the shortest values in the order of its alphabet: the
    /// characters the automata name, in order, then one of each class of the others
    /// (`text::solve`). For the account that is the first twelve digits, in that order, that
    /// are not one of the accounts. For the ARN the shortest ones have empty region and
    /// account fields, which no account's pattern matches: its answer without accounts
    /// stands, as long as its two free characters come before every digit.
    fn unguarded_deputy(&self, name: &str, cs: &[ir::Condition]) -> Option<Witness> {
        let [account, arn, org] = cs else {
            return None;
        };
        let accounts = outside_probe(account, arn, org)?;
        let source_arn = unguarded_source_arn(&self.options.partition)?;
        let source_account = first_account_but(accounts);
        let mut context = BTreeMap::new();
        context.insert(account.key.clone(), Some(vec![source_account]));
        context.insert(arn.key.clone(), Some(vec![source_arn]));
        context.insert(org.key.clone(), None);
        Some(Witness {
            caller: Identity::Service(name.to_owned()),
            context,
        })
    }

    /// The solver's witness for service `name` of a deputy probe of the first kind (as for
    /// [`Plain::unguarded_deputy`]) behind a guard of one `StringLike aws:SourceArn` pattern
    /// `arn:P:S:*:A:R` (`P`, `S` literal, `A` a named account, `R` without `?`), as a Lambda
    /// function's `arn:aws:lambda:*:ACCOUNT:function:*` is often written; `None` for other
    /// questions, or when the string below is not one the key admits.
    ///
    /// `StringLike`'s `*` takes colons too, so the pattern lets a source of another account
    /// through: `arn:P:S:::A:R` (the `*`s taken empty but the first, which takes `:`) has
    /// empty region and account fields, its account field no account's
    /// `arn:*:*:*:ACCOUNT:*` of the probe matches. It is the only passing string of its
    /// length, and none is shorter: the pattern's letters alone give `arn:P:S::A:R`, whose
    /// account field is `A`, and one character more in any `*` but a `:` in the first leaves
    /// the account field `A`. So it is the solver's answer whatever its order, once the key
    /// admits it (its domain and the exclusions of IAM and STS); the key of the guard names
    /// it in the context, being the first to mention it. No account is in the ARN, so
    /// `aws:SourceAccount` is not tied to it and is the first account none of the probe's.
    fn sourced_deputy(&self, name: &str, cs: &[ir::Condition]) -> Option<Witness> {
        let [guard, account, arn, org] = cs else {
            return None;
        };
        let accounts = outside_probe(account, arn, org)?;
        if guard.operator != ConditionOperator::new(Operator::StringLike)
            || !guard.key.eq_ignore_ascii_case("aws:SourceArn")
        {
            return None;
        }
        let [pattern] = guard.values.as_slice() else {
            return None;
        };
        // Short enough that the search the solver would make stays far within its budget
        // (`tests::the_sourced_deputy_is_the_solvers_first_answer` goes up to it).
        if pattern.len() > SOURCED_PATTERN_MAX || pattern.contains(['?', '$']) {
            return None;
        }
        let mut fields = pattern.splitn(6, ':');
        let (Some("arn"), Some(p), Some(s), Some("*"), Some(a), Some(rest)) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return None;
        };
        if p.contains('*') || s.contains('*') || !is_account(a) || !accounts.iter().any(|x| x == a)
        {
            return None;
        }
        let source_arn = format!("arn:{p}:{s}:::{a}:{}", rest.replace('*', ""));
        if !admits_source_arn(&source_arn) {
            return None;
        }
        let mut context = BTreeMap::new();
        context.insert(account.key.clone(), Some(vec![first_account_but(accounts)]));
        context.insert(guard.key.clone(), Some(vec![source_arn]));
        context.insert(org.key.clone(), None);
        Some(Witness {
            caller: Identity::Service(name.to_owned()),
            context,
        })
    }

    /// The actions a named service gets; `None` when it has no class (the engine's service
    /// classes are named in lowercase).
    /// Whether a deny that may not cover the repository covers `action` for service `name`:
    /// `Some(false)` for one without conditions (it lets the request past, unsure),
    /// `Some(true)` when such a deny has conditions, `None` when there is none.
    fn unsure_deny(&self, name: &str, action: Action) -> Option<bool> {
        let mut found = None;
        for (i, s) in self.policy.statements.iter().enumerate() {
            let names = s.principal.as_ref().is_some_and(|p| !p.negated) && names_service(s, name);
            if s.effect == Effect::Deny
                && names
                && !self.known[i]
                && self.actions[i].contains(action)
            {
                if !s.conditions.is_empty() {
                    return Some(true);
                }
                found = Some(false);
            }
        }
        found
    }

    fn service_actions(&self, class: &CallerClass) -> Option<BTreeSet<Action>> {
        let CallerClass::Service { name: Some(name) } = class else {
            return None;
        };
        if self.services.binary_search(name).is_err() {
            return None;
        }
        let relevant: Vec<usize> = self
            .policy
            .statements
            .iter()
            .enumerate()
            .filter(|(_, s)| names_service(s, name))
            .map(|(i, _)| i)
            .collect();
        // One question per group of actions the statements do not tell apart.
        let mut out = BTreeSet::new();
        for g in self.partition(&relevant) {
            let set = ActionSet(g);
            let first = set.iter().next()?;
            // A service principal's request carries no `aws:SourceIp` (`keys.rs`).
            if self
                .allowed(&relevant, first, Network::Hidden, Requester::Service)
                .is_some()
            {
                out.extend(set.iter());
            }
        }
        Some(out)
    }

    /// The repository's actions in groups that the statements of `relevant` do not tell
    /// apart (each covers all of a group or none), in the engine's order: partition
    /// refinement.
    fn partition(&self, relevant: &[usize]) -> Vec<u128> {
        ActionSet::repository_groups(relevant.iter().map(|&i| self.actions[i].0))
    }
}

/// A stranger class's access to a group of actions, its witness found when asked for.
struct Pending<'a, 'p> {
    plain: &'a Plain<'p>,
    /// Which stranger class (root, user, session).
    k: usize,
    actions: ActionSet,
    /// The allow it goes through.
    statement: usize,
    /// The action the engine's witness is for.
    first: Action,
}

impl Granted for Pending<'_, '_> {
    fn class(&self) -> &CallerClass {
        &self.plain.strangers()[self.k]
    }

    fn actions(&self) -> ActionSet {
        self.actions
    }

    fn first_statement(&self) -> Option<usize> {
        Some(self.statement)
    }

    fn grant(&self) -> Option<Grant> {
        self.plain
            .grant(self.k, self.first, None)
            .filter(|g| g.statements == [self.statement])
    }
}

/// The longest guard pattern [`Plain::sourced_deputy`] answers.
const SOURCED_PATTERN_MAX: usize = 128;

/// The accounts of a deputy probe for a source outside every organization, written
/// `StringNotEquals aws:SourceAccount` of named accounts, `ArnNotLike aws:SourceArn` of
/// `arn:*:*:*:ACCOUNT:*` for each of them, and `Null aws:SourceOrgID` `true`
/// ([`findings::deputy_probes`] without named ARNs); `None` for any other probe.
fn outside_probe<'c>(
    account: &'c ir::Condition,
    arn: &ir::Condition,
    org: &ir::Condition,
) -> Option<&'c [String]> {
    let expected = |c: &ir::Condition, operator: Operator, key: &str| {
        c.operator == ConditionOperator::new(operator) && c.key == key
    };
    let plain = expected(account, Operator::StringNotEquals, "aws:SourceAccount")
        && expected(arn, Operator::ArnNotLike, "aws:SourceArn")
        && expected(org, Operator::Null, "aws:SourceOrgID")
        && org.values == ["true"]
        && account.values.iter().all(|a| is_account(a))
        && account.values.len() == arn.values.len()
        && account.values.iter().zip(&arn.values).all(|(a, p)| {
            p.strip_prefix("arn:*:*:*:")
                .and_then(|p| p.strip_suffix(":*"))
                .is_some_and(|p| p == a)
        });
    plain.then_some(account.values.as_slice())
}

/// The solver's `aws:SourceArn` for a service without a guard in partition `aws`: what
/// [`searched_source_arn`] finds (`tests::the_unguarded_source_arn_is_the_searched_one`),
/// without its search on a thread's first deputy.
const UNGUARDED_SOURCE_ARN: &str = "arn:aws:-:::-";

/// The solver's `aws:SourceArn` for a service without a guard, in the partition, when it has
/// the shape no account's pattern changes: `arn:P:S:::R` with `S` and `R` before every digit
/// in the solver's order.
fn unguarded_source_arn(partition: &str) -> Option<String> {
    if partition == "aws" {
        return Some(UNGUARDED_SOURCE_ARN.to_owned());
    }
    searched_source_arn(partition)
}

/// [`unguarded_source_arn`] by the solver's search (asked once per thread and partition).
fn searched_source_arn(partition: &str) -> Option<String> {
    thread_local! {
        static KNOWN: std::cell::RefCell<Vec<(String, Option<String>)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    if let Some(known) = KNOWN.with(|k| {
        k.borrow()
            .iter()
            .find(|(p, _)| p == partition)
            .map(|(_, a)| a.clone())
    }) {
        return known;
    }
    let probe = findings::deputy_probes(&["999999999999".to_owned()], &[]);
    let constraints: Vec<Constraint> = probe[0]
        .iter()
        .map(|c| Constraint::lower(c, false))
        .collect();
    let refs: Vec<&Constraint> = constraints.iter().collect();
    let who = Who {
        kind: Kind::Service,
        partition: partition.into(),
        account: Choice::Fixed(String::new()),
        name: Some((String::new(), "unnamed.amazonaws.com".to_owned())),
        excluded: Vec::new(),
        session: None,
        owner: "999999999999".into(),
        region: None,
    };
    let arn = solve(&who, &refs, &[]).and_then(|s| {
        let v = s.witness.values("aws:SourceArn")?.first()?.clone();
        let rest = v.strip_prefix(&format!("arn:{partition}:"))?.as_bytes();
        // `S:::R`, with both characters before the digits.
        let plain =
            s.exact && rest.len() == 5 && &rest[1..4] == b":::" && rest[0] < b'0' && rest[4] < b'0';
        plain.then_some(v)
    });
    KNOWN.with(|k| k.borrow_mut().push((partition.to_owned(), arn.clone())));
    arn
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain policy of no statements, for asking its letters and the solver about probes.
    fn bare<'p>(policy: &'p ir::Policy, options: &'p Options) -> Plain<'p> {
        Plain {
            policy,
            options,
            addresses: Vec::new(),
            actions: Vec::new(),
            exempt: Vec::new(),
            anyone: Vec::new(),
            guards: Vec::new(),
            dead: Vec::new(),
            known: Vec::new(),
            owner: "999999999999".to_owned(),
            ids: Vec::new(),
            named: None,
            services: Vec::new(),
            strangers: OnceCell::from([
                CallerClass::Anonymous,
                CallerClass::Anonymous,
                CallerClass::Anonymous,
            ]),
            prepared: OnceCell::new(),
            stranger_account: OnceCell::new(),
            first_unnamed: OnceCell::new(),
            source_arns: Vec::new(),
            met: std::cell::RefCell::default(),
        }
    }

    /// The solver's witness of `cs` for service `name`, when it is exact.
    fn solved(plain: &Plain<'_>, name: &str, cs: &[ir::Condition]) -> Option<Witness> {
        let constraints: Vec<Constraint> = cs.iter().map(|c| Constraint::lower(c, false)).collect();
        let refs: Vec<&Constraint> = constraints.iter().collect();
        solve(&plain.service(name), &refs, &[])
            .filter(|s| s.exact)
            .map(|s| s.witness)
    }

    /// The witness of the first deputy probe, by the solver's search.
    fn searched(accounts: &[String]) -> Option<Witness> {
        let probe = findings::deputy_probes(accounts, &[]);
        let options = Options::default();
        let policy = ir::Policy::default();
        let plain = bare(&policy, &options);
        let direct = plain.unguarded_deputy("codebuild.amazonaws.com", &probe[0]);
        let solved = solved(&plain, "codebuild.amazonaws.com", &probe[0]);
        assert!(direct.is_some(), "{accounts:?}");
        assert_eq!(direct, solved, "{accounts:?}");
        direct
    }

    /// The accounts named, borrowed from `ids` when it is sorted already, and the strangers'
    /// classes, made when first asked for, are what working them out at once gave: `ids`
    /// sorted without repeats, and the three classes of the first fresh account. Over 400
    /// policies naming accounts (in two partitions, repeated, in any order, the stand-in
    /// owner's among them), with and without a public allow.
    #[test]
    fn named_accounts_and_strangers_are_those_made_at_once() {
        let mut seed = 20_261_203u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let ids = [
            "111122223333",
            "999999999999",
            "999999999998",
            "444455556666",
        ];
        let mut borrowed = 0;
        for _ in 0..400 {
            let mut statements = Vec::new();
            for _ in 0..=next(3) {
                let mut items = Vec::new();
                for _ in 0..=next(3) {
                    items.push(PrincipalItem::Account {
                        partition: ["aws", "aws-cn"][usize::from(next(4) == 0)].to_owned(),
                        id: ids[usize::try_from(next(4)).unwrap()].to_owned(),
                    });
                }
                if next(3) == 0 {
                    items.push(PrincipalItem::Anyone);
                }
                statements.push(ir::Statement {
                    sid: None,
                    effect: Effect::Allow,
                    principal: Some(ir::Principals {
                        negated: false,
                        items,
                    }),
                    actions: ir::Actions {
                        negated: false,
                        items: vec!["ecr:BatchGetImage".into()],
                    },
                    resources: None,
                    conditions: vec![],
                });
            }
            let policy = ir::Policy {
                variables: true,
                statements,
            };
            let options = Options::default();
            let plain = Plain::new(&policy, &options).expect("plain letters");
            let mut named = plain.ids.clone();
            named.sort_unstable();
            named.dedup();
            assert_eq!(plain.named(), named.as_slice(), "{policy:?}");
            borrowed += usize::from(plain.named.is_none());
            let account = AccountClass {
                partition: options.partition.clone(),
                id: fresh_account(&plain.ids),
                named: false,
                owner: false,
                trusted: false,
            };
            let strangers = [
                CallerClass::Root {
                    account: account.clone(),
                },
                CallerClass::User {
                    account: account.clone(),
                    user: None,
                },
                CallerClass::Session {
                    account,
                    role: None,
                    session: None,
                },
            ];
            assert_eq!(plain.strangers(), &strangers, "{policy:?}");
        }
        assert!(
            (50..350).contains(&borrowed),
            "{borrowed} of 400 borrowed: one way is hardly compared"
        );
    }

    #[test]
    fn the_unguarded_deputy_is_the_solvers_first_answer() {
        let cases: &[&[&str]] = &[
            &["999999999999"],
            &["000000000000"],
            &["000000000000", "000000000001", "111111111110"],
            &["123456789012", "210987654321"],
            &["555555555555", "555555555556", "555555555565"],
            &["012345678901", "100000000000", "999999999998"],
            // Out of order, the first two candidates taken.
            &["000000000000", "999999999999", "000000000001"],
        ];
        let mut seen = BTreeSet::new();
        for accounts in cases {
            let accounts: Vec<String> = accounts.iter().map(|a| (*a).to_owned()).collect();
            let w = searched(&accounts).expect("a witness");
            seen.insert(w.values("aws:SourceAccount").unwrap()[0].clone());
        }
        // Different accounts, different answers: the comparison is not of constants.
        assert!(seen.len() > 3, "{seen:?}");
        // Every digit held, each in turn.
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..40 {
            let n = 1 + (rng % 6) as usize;
            let accounts: Vec<String> = (0..n)
                .map(|_| {
                    (0..12)
                        .map(|_| {
                            rng ^= rng << 13;
                            rng ^= rng >> 7;
                            rng ^= rng << 17;
                            char::from(b'0' + (rng % 4) as u8 * 3)
                        })
                        .collect()
                })
                .collect();
            searched(&accounts);
        }
    }

    /// A guard of one `StringLike aws:SourceArn` pattern with a `*` region, and the first
    /// deputy probe of its accounts: the letters' witness is the solver's, and when the
    /// letters decline the question is left to it. Over the corpus's Lambda guards and 600
    /// random patterns (partitions and services known or not, IAM and STS among them, the
    /// account named or not, rests of letters, digits, `:`, `/` and `*`s up to the longest
    /// pattern answered, the key in two spellings).
    #[test]
    fn the_sourced_deputy_is_the_solvers_first_answer() {
        let options = Options::default();
        let policy = ir::Policy::default();
        let plain = bare(&policy, &options);
        let ask = |key: &str, pattern: &str, accounts: &[String]| {
            let mut cs = vec![ir::Condition::new(
                ConditionOperator::new(Operator::StringLike),
                key,
                [pattern],
            )];
            let [outside, _] = findings::deputy_probes(accounts, &[]);
            cs.extend(outside);
            let direct = plain.sourced_deputy("lambda.amazonaws.com", &cs);
            if direct.is_some() {
                assert_eq!(
                    direct,
                    solved(&plain, "lambda.amazonaws.com", &cs),
                    "{cs:?}"
                );
            }
            direct
        };
        let accounts = |list: &[&str]| -> Vec<String> {
            let mut v: Vec<String> = list.iter().map(|a| (*a).to_owned()).collect();
            v.sort_unstable();
            v
        };
        for (pattern, named) in [
            (
                "arn:aws:lambda:*:621523765256:function:*",
                accounts(&["621523765256", "999999999999"]),
            ),
            (
                "arn:aws:lambda:*:210987654321:function:*",
                accounts(&["123456789012", "210987654321", "999999999999"]),
            ),
        ] {
            assert!(ask("aws:sourceARN", pattern, &named).is_some(), "{pattern}");
            assert!(ask("aws:SourceArn", pattern, &named).is_some(), "{pattern}");
        }
        let mut next = crate::test_random::xorshift(0x9e37_79b9_7f4a_7c15);
        let (mut answered, mut declined) = (0, 0);
        for _ in 0..600 {
            let partition = ["aws", "aws-cn", "aws-us-gov", "awz", "aws"][next(5) as usize];
            let service =
                ["lambda", "codebuild", "s3", "iam", "sts", "x-1", "Lambda"][next(7) as usize];
            let digit = |n: &mut dyn FnMut(u64) -> u64| {
                (0..12)
                    .map(|_| char::from(b'0' + n(3) as u8 * 4))
                    .collect::<String>()
            };
            let account = digit(&mut next);
            let mut named = vec![digit(&mut next), "999999999999".to_owned()];
            if next(5) != 0 {
                named.push(account.clone());
            }
            named.sort_unstable();
            named.dedup();
            let mut rest = String::new();
            let long = next(4) == 0;
            let length = next(if long { 56 } else { 16 });
            for _ in 0..length {
                rest.push_str(
                    [
                        "*", ":", "/", "a", "f", "0", "9", "-", "iam", "*:", "function",
                    ][next(11) as usize],
                );
            }
            let pattern = format!("arn:{partition}:{service}:*:{account}:{rest}");
            let key = ["aws:SourceArn", "AWS:sourcearn"][next(2) as usize];
            if ask(key, &pattern, &named).is_some() {
                answered += 1;
            } else {
                declined += 1;
            }
        }
        assert!(
            answered > 150 && declined > 50,
            "{answered} answered, {declined} declined: one way is hardly compared"
        );
    }

    /// The answer kept for partition `aws` is the search's, and the other partitions have
    /// none of that shape (as the search finds).
    #[test]
    fn the_unguarded_source_arn_is_the_searched_one() {
        assert_eq!(
            searched_source_arn("aws").as_deref(),
            Some(UNGUARDED_SOURCE_ARN)
        );
        assert_eq!(unguarded_source_arn("aws"), searched_source_arn("aws"));
        for p in policy_catalogue::rules::PARTITIONS {
            assert_eq!(unguarded_source_arn(p), searched_source_arn(p), "{p}");
        }
    }

    /// The addresses a deny leaves out, read from the condition as the engine lowers it, are
    /// `IpSet::from_cidrs` of its values, and none when one is no block: fixed and 3,000 random
    /// lists of good and bad blocks of both families, with policy variables or without.
    #[test]
    fn deny_exemptions_are_the_blocks_read() {
        let blocks = [
            "10.1.0.0/16",
            "10.0.0.0/8",
            "0.0.0.0/0",
            "192.0.2.7",
            "2001:db8:1::/48",
            "::/0",
            "::ffff:1.2.3.4/100",
            "bad",
            "10.0.0.0/33",
            " 10.0.0.1",
            "${aws:SourceIp}",
            "",
        ];
        let mut next = crate::test_random::xorshift(0xde11_e5e0_0000_0006);
        let mut lists: Vec<Vec<&str>> = vec![vec![], vec!["10.1.0.0/16", "2001:db8:1::/48"]];
        lists.extend((0..3_000).map(|_| {
            (0..1 + next(3))
                .map(|_| blocks[next(blocks.len() as u64) as usize])
                .collect()
        }));
        for values in &lists {
            let c = ir::Condition::new(
                Operator::NotIpAddress.into(),
                ["aws:SourceIp", "aws:sourceip"][next(2) as usize],
                values.iter().copied(),
            );
            for variables in [false, true] {
                assert_eq!(
                    deny_exempt(&c, variables).map(|s| (*s).clone()),
                    IpSet::from_cidrs(values.iter().copied()).ok(),
                    "{values:?} {variables}"
                );
            }
        }
    }

    /// The letters admit an `aws:SourceArn` exactly when the solver does: over the fixed
    /// strings and 20,000 random near-ARNs of parts that each of the key's fields takes or
    /// nearly takes, mostly the first (partitions, services, regions, accounts, IAM and STS, empty fields,
    /// capitals, colons and dashes out of place).
    #[test]
    fn source_arns_are_admitted_as_the_solver_admits() {
        let fixed = [
            "arn:aws:-:::-",
            "arn:aws:lambda:::621523765256:function:",
            "arn:aws:codebuild:us-east-1:123456789012:project/project-name",
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:s3:::bucket",
            "arn:aws:s3:::",
            "arn:aws-us-gov:s3:us-gov-west-1:aws:x",
            "arn::s3:::x",
            "arn:aws:sts::aws:x",
            "arn:aws:x:::a:iam:b",
            "arn:aws:x:::a:sts:",
            "arn:aws:x",
            "",
        ];
        for v in fixed {
            assert_eq!(
                admits_source_arn(v),
                crate::solve::admits("aws:sourcearn", Kind::Service, v),
                "{v}"
            );
        }
        let parts: [&[&str]; 6] = [
            &["arn", "arn", "arn", "Arn", "ar"],
            &["aws", "aws-cn", "aws-iso-b", "Aws", "", "aws-x", "aws:"],
            &[
                "lambda",
                "s3",
                "iam",
                "sts",
                "",
                "a-1",
                "S3",
                "x_y",
                "iam:",
                &"a".repeat(33),
            ],
            &[
                "",
                "us-east-1",
                "eu-central-12",
                "us-gov-west-1",
                "u-east-1",
                "us-east-123",
                "us--1",
                "us-east",
                "us-abcdefghijklm-1",
                "US-east-1",
            ],
            &[
                "",
                "123456789012",
                "aws",
                "12345678901",
                "AWS",
                "1234567890123",
                "sts",
            ],
            &["x", "function:f", "", ":", "iam:", "a:sts:b", "*", "é"],
        ];
        let mut rng = 0x853c_49e6_748f_ea9bu64;
        let mut next = |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            usize::try_from(rng % n as u64).unwrap()
        };
        let mut admitted = 0;
        for _ in 0..20_000 {
            let mut v = String::new();
            for (i, choices) in parts.iter().enumerate() {
                if i > 0 {
                    v.push_str(if next(12) == 0 {
                        ["", "::"][next(2)]
                    } else {
                        ":"
                    });
                }
                // The first two of each are what the field takes.
                let n = if next(4) == 0 { choices.len() } else { 2 };
                v.push_str(choices[next(n)]);
            }
            let letters = admits_source_arn(&v);
            assert_eq!(
                letters,
                crate::solve::admits("aws:sourcearn", Kind::Service, &v),
                "{v}"
            );
            admitted += usize::from(letters);
        }
        assert!(
            (1_000..19_000).contains(&admitted),
            "{admitted} of 20,000 admitted: one way is hardly compared"
        );
    }

    /// The strangers' grants without a situation, where the letters give them, are the
    /// search's: over 300 random policies of allows of `*` without conditions or with
    /// `StringEquals aws:PrincipalOrgID` (ids in any order and spelling of the key), allows
    /// of named accounts, denies of `*`, `Resource` patterns, for every class and action.
    #[test]
    fn direct_grants_are_the_searched_ones() {
        let mut next = crate::test_random::xorshift(0x2545_f491_4f6c_dd1d);
        let actions = [
            "ecr:PutImage",
            "ecr:BatchGetImage",
            "ecr:Get*",
            "ecr:*",
            "ecr:ListImages",
        ];
        let orgs = [
            "o-a1b2c3d4e5",
            "o-f6g7h8i9j0",
            "o-zzzzzzzzzz",
            "o-0000000000",
        ];
        let (mut direct, mut compared) = (0, 0);
        for _ in 0..300 {
            let mut statements = Vec::new();
            for _ in 0..=next(3) {
                let anyone = next(3) != 0;
                let effect = if anyone && next(5) == 0 {
                    Effect::Deny
                } else {
                    Effect::Allow
                };
                let conditions = if effect == Effect::Allow && anyone && next(2) == 0 {
                    let n = 1 + next(3) as usize;
                    let start = next(4) as usize;
                    vec![ir::Condition::new(
                        ConditionOperator::new(Operator::StringEquals),
                        ["aws:PrincipalOrgID", "aws:principalorgid"][next(2) as usize],
                        (0..n).map(|j| orgs[(start + j) % orgs.len()]),
                    )]
                } else {
                    vec![]
                };
                let items = if anyone {
                    vec![PrincipalItem::Anyone]
                } else {
                    vec![PrincipalItem::Account {
                        partition: "aws".to_owned(),
                        id: ["111122223333", "999999999999", "999999999998"][next(3) as usize]
                            .to_owned(),
                    }]
                };
                statements.push(ir::Statement {
                    sid: None,
                    effect,
                    principal: Some(ir::Principals {
                        negated: false,
                        items,
                    }),
                    actions: ir::Actions {
                        negated: false,
                        items: (0..=next(2))
                            .map(|_| actions[next(actions.len() as u64) as usize].to_owned())
                            .collect(),
                    },
                    resources: (next(6) == 0).then(|| ir::Resources {
                        negated: false,
                        items: vec!["arn:aws:ecr:*:*:repository/app-*".to_owned()],
                    }),
                    conditions,
                });
            }
            let policy = ir::Policy {
                variables: true,
                statements,
            };
            let options = Options::default();
            let Ok(plain) = Plain::new(&policy, &options) else {
                continue;
            };
            for k in 0..3 {
                for action in [Action::PutImage, Action::BatchGetImage, Action::ListImages] {
                    compared += 1;
                    if let Some(d) = plain.direct_grant(k, action) {
                        direct += 1;
                        assert_eq!(
                            Some(d),
                            plain.searched_grant(k, action, None),
                            "class {k}, {action:?}: {policy:?}"
                        );
                    }
                }
            }
        }
        assert!(
            direct > 300 && compared - direct > 300,
            "{direct} of {compared} given directly: one way is hardly compared"
        );
    }
}

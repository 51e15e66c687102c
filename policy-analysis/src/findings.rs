//! What a repository policy grants, judged: public access, access from outside the owning
//! account by access level, the confused deputy, lock-outs, and dead statements and
//! conditions. The codes, their words and the judgement live here, once, for the two that
//! report them: the lint of `policy_core` (which turns each witness into a request and has
//! its evaluator confirm it) and the `policy!` macro (which refuses a security-warning at
//! compile time).
//!
//! ```
//! use policy_analysis::findings::{findings, Code};
//! use policy_analysis::ir::{Actions, Effect, Policy, PrincipalItem, Principals, Statement};
//! use policy_analysis::Options;
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
//! let found = findings(&policy, &Options::default());
//! assert_eq!(found[0].code, Code::PublicAccess);
//! assert_eq!(found[0].code.severity(), "security-warning");
//! assert_eq!(found[0].path, "Statement[0].Principal");
//! assert!(found[0].evidence.is_some());
//! ```

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use policy_catalogue::{AccessLevel, Action, ConditionOperator, Operator, SetQualifier};

use crate::access::{Access, Analyzer, Assumption, CallerClass, Grant, IdentityPolicies, Options};
use crate::access::{Certainty, ProbeMemory, Route};
use crate::ir::{self, ActionSet, Effect, PrincipalItem};
use crate::solve::Witness;

/// The code of a finding about what a policy grants; its text is the lint's code.
// Exhaustive on purpose: whoever reports these codes maps each one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// `public-access`.
    PublicAccess,
    /// `service-principal-without-source`.
    ServicePrincipalWithoutSource,
    /// `external-permissions-management`.
    ExternalPermissionsManagement,
    /// `external-write`.
    ExternalWrite,
    /// `external-read`.
    ExternalRead,
    /// `allow-with-not-principal`.
    AllowWithNotPrincipal,
    /// `locks-out-policy-changes`.
    LocksOutPolicyChanges,
    /// `dead-statement`.
    DeadStatement,
    /// `dead-condition`.
    DeadCondition,
}

impl Code {
    /// Every code.
    pub const ALL: &'static [Code] = &[
        Code::PublicAccess,
        Code::ServicePrincipalWithoutSource,
        Code::ExternalPermissionsManagement,
        Code::ExternalWrite,
        Code::ExternalRead,
        Code::AllowWithNotPrincipal,
        Code::LocksOutPolicyChanges,
        Code::DeadStatement,
        Code::DeadCondition,
    ];

    /// The code's text, e.g. `public-access`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::PublicAccess => "public-access",
            Code::ServicePrincipalWithoutSource => "service-principal-without-source",
            Code::ExternalPermissionsManagement => "external-permissions-management",
            Code::ExternalWrite => "external-write",
            Code::ExternalRead => "external-read",
            Code::AllowWithNotPrincipal => "allow-with-not-principal",
            Code::LocksOutPolicyChanges => "locks-out-policy-changes",
            Code::DeadStatement => "dead-statement",
            Code::DeadCondition => "dead-condition",
        }
    }

    /// The severity's text: `error`, `security-warning`, `warning` or `suggestion`.
    #[must_use]
    pub const fn severity(self) -> &'static str {
        match self {
            Code::PublicAccess
            | Code::ServicePrincipalWithoutSource
            | Code::ExternalPermissionsManagement
            | Code::AllowWithNotPrincipal => "security-warning",
            Code::LocksOutPolicyChanges => "error",
            Code::ExternalWrite | Code::DeadStatement | Code::DeadCondition => "warning",
            Code::ExternalRead => "suggestion",
        }
    }
}

impl Code {
    /// Whether the `policy!` macro refuses a finding of this code in a literal policy: the
    /// security-warnings and the lock-out.
    #[must_use]
    pub const fn refused_at_compile_time(self) -> bool {
        matches!(
            self,
            Code::PublicAccess
                | Code::ServicePrincipalWithoutSource
                | Code::ExternalPermissionsManagement
                | Code::AllowWithNotPrincipal
                | Code::LocksOutPolicyChanges
        )
    }

    /// The word a `policy!` statement writes before its effect to say that a finding of this
    /// code is meant (`public allow anyone pull on repo`), for the codes the macro refuses;
    /// `None` for the others, and for `allow-with-not-principal`, which the macro's grammar
    /// cannot write.
    ///
    /// ```
    /// use policy_analysis::findings::Code;
    /// assert_eq!(Code::PublicAccess.mark(), Some("public"));
    /// assert_eq!(Code::ExternalWrite.mark(), None);
    /// ```
    #[must_use]
    pub const fn mark(self) -> Option<&'static str> {
        match self {
            Code::PublicAccess => Some("public"),
            Code::ExternalPermissionsManagement => Some("external"),
            Code::ServicePrincipalWithoutSource => Some("any_source"),
            Code::LocksOutPolicyChanges => Some("lockout"),
            _ => None,
        }
    }
}

/// What in the statement a finding is about: what its path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    /// The whole policy (a lock-out no single deny causes).
    Policy,
    /// The statement.
    Statement,
    /// Its `Principal` or `NotPrincipal`.
    Principal,
    /// The `n`th service principal of its `Principal`.
    Service(usize),
    /// Its `n`th condition test.
    Condition(usize),
}

/// A grant that proves a finding: the engine's witness for `action`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// The action the witness calls.
    pub action: Action,
    /// The grant, with the witness and how sure the engine is.
    pub grant: Grant,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The code.
    pub code: Code,
    /// The statement, from 0; `None` for the whole policy.
    pub statement: Option<usize>,
    /// What in the statement it is about.
    pub place: Place,
    /// The JSON path, e.g. `Statement[0].Principal`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: &'static str,
    /// For findings of access, the grant that proves it (`None` for lock-outs and dead
    /// statements, which are about what no request can do).
    pub evidence: Option<Evidence>,
}

// Stand-ins for "some organization, endpoint or network the policy does not name".
pub(crate) const FRESH_ORG: &str = "o-zz9unnamed9zz";
const FRESH_VPCE: &str = "vpce-0fa1e0000000000ff";
const FRESH_VPC: &str = "vpc-0fa1e0000000000ff";
const INTERNET_V4: &str = "198.51.100.7/32";
const INTERNET_V6: &str = "2001:db8::7/128";

fn op(operator: Operator) -> ConditionOperator {
    ConditionOperator::new(operator)
}

fn cond<I>(operator: ConditionOperator, key: &str, values: I) -> ir::Condition
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    ir::Condition::new(operator, key, values)
}

/// The situations of a stranger: outside every organization or in one the policy does not
/// name, from an IPv4 or IPv6 address on the internet or through a VPC endpoint the policy
/// does not name. A condition that lets one of them through narrows nothing.
fn stranger_probes(named_accounts: &[String]) -> Vec<Assumption> {
    let account = stranger_account(named_accounts);
    (0..STRANGER_SITUATIONS)
        .map(|i| stranger_probe(account.as_ref(), i))
        .collect()
}

/// How many situations of a stranger there are: two organizations (none, one the policy does
/// not name) times three networks (IPv4, IPv6, a VPC endpoint), in that order.
pub(crate) const STRANGER_SITUATIONS: usize = 6;

/// The stranger's account: none of the accounts the policy names.
pub(crate) fn stranger_account(named_accounts: &[String]) -> Option<Assumption> {
    (!named_accounts.is_empty()).then(|| {
        Assumption::new(
            &[cond(
                op(Operator::StringNotEquals),
                "aws:PrincipalAccount",
                named_accounts.iter().cloned(),
            )],
            false,
        )
    })
}

/// Situation `index` of [`stranger_probes`], with the stranger's account.
pub(crate) fn stranger_probe(account: Option<&Assumption>, index: usize) -> Assumption {
    thread_local! {
        // The same six situations for every policy: lowered once, each organization's
        // part shared by its three networks (the same constraints, which the analyzer's
        // memory of refusals knows again).
        static SITUATIONS: Vec<Assumption> = LOWERED_NETWORKS.with(|networks| {
            stranger_orgs()
                .iter()
                .map(|o| Assumption::new(o, false))
                .flat_map(|o| networks.iter().map(move |n| Assumption::join(&[&o, n])))
                .collect()
        });
    }
    SITUATIONS.with(|situations| match account {
        Some(a) => Assumption::join(&[a, &situations[index]]),
        None => situations[index].clone(),
    })
}

/// The organizations of [`stranger_probes`]: none, and one the policy does not name. Each is
/// asked from every network of [`networks`], in order.
fn stranger_orgs() -> [Vec<ir::Condition>; 2] {
    let absent = |key: &str| cond(op(Operator::Null), key, ["true"]);
    [
        vec![
            absent("aws:PrincipalOrgID"),
            absent("aws:PrincipalOrgPaths"),
        ],
        in_organization(FRESH_ORG),
    ]
}

/// The organizations and networks of [`stranger_probes`], without the account, as conditions.
#[cfg(test)]
fn stranger_situations() -> Vec<Vec<ir::Condition>> {
    let networks = networks();
    let mut probes = Vec::new();
    for o in &stranger_orgs() {
        for n in &networks {
            let mut p = Vec::new();
            p.extend(o.iter().cloned());
            p.extend(n.iter().cloned());
            probes.push(p);
        }
    }
    probes
}

/// A caller in organization `org`, its paths in it.
fn in_organization(org: &str) -> Vec<ir::Condition> {
    vec![
        cond(op(Operator::StringEquals), "aws:PrincipalOrgID", [org]),
        cond(
            ConditionOperator {
                qualifier: Some(SetQualifier::ForAllValues),
                ..op(Operator::StringLike)
            },
            "aws:PrincipalOrgPaths",
            [format!("{org}/*")],
        ),
    ]
}

/// The organizations of the situations of a stranger in an organization the policy's
/// patterns of `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths` admit without naming it, such
/// as `o-a1b2c3d4e5zz9unnamed9zz` for `StringLike aws:PrincipalOrgID "o-a1b2c3d4e5*"`, in
/// order ([`StrangerProbes`] asks each from every network of [`stranger_probes`]).
/// Organization ids are made by AWS, "o-" and 10 to 32 lowercase letters or digits
/// ("Organization",
/// <https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html>), so
/// a pattern over them names no organization: a caller in another one it admits is a
/// stranger, as under `o-*`. Empty for a policy without such patterns, or whose patterns
/// admit only the organization of the first stranger probes.
pub(crate) fn patterned_orgs(policy: &ir::Policy) -> Vec<String> {
    let (named, patterns) = orgs_written(policy);
    // Sorted and without repeats, as a set would give them: a policy may hold many patterns.
    let mut orgs: Vec<String> = patterns
        .into_iter()
        .filter_map(unnamed_org_like)
        .filter(|org| org != FRESH_ORG && !named.contains(org))
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    orgs
}

/// The organizations the `aws:PrincipalOrgID` and `aws:PrincipalOrgPaths` tests of `policy`
/// name (lowercased), and the patterns over organizations they hold.
fn orgs_written(policy: &ir::Policy) -> (BTreeSet<String>, Vec<&str>) {
    let mut named: BTreeSet<String> = BTreeSet::new();
    let mut patterns: Vec<&str> = Vec::new();
    for t in policy.statements.iter().flat_map(|s| &s.conditions) {
        let paths = t.key.eq_ignore_ascii_case("aws:PrincipalOrgPaths");
        if !paths && !t.key.eq_ignore_ascii_case("aws:PrincipalOrgID") {
            continue;
        }
        for v in &t.values {
            // The organization of a path is its first segment.
            let org = if paths {
                v.split('/').next().unwrap_or_default()
            } else {
                v.as_str()
            };
            if org.contains(['*', '?']) {
                patterns.push(org);
            } else {
                named.insert(org.to_ascii_lowercase());
            }
        }
    }
    (named, patterns)
}

/// The situations a stranger is probed in, in order: those of [`stranger_probes`], then
/// those in the organizations of [`patterned_orgs`] from each network. A probe is lowered
/// when it is first asked: the first that lets the stranger in ends the asking, and the
/// patterned organizations may be many.
pub(crate) struct StrangerProbes {
    account: Option<Assumption>,
    first: Vec<Assumption>,
    orgs: Vec<String>,
    /// The probes in the organizations of `orgs` lowered so far, in order.
    patterned: Vec<Assumption>,
    /// The organization of the last probe of `patterned`, lowered: shared by its networks.
    place: Option<Assumption>,
}

impl StrangerProbes {
    pub(crate) fn new(policy: &ir::Policy, named_accounts: &[String]) -> StrangerProbes {
        StrangerProbes {
            account: stranger_account(named_accounts),
            first: stranger_probes(named_accounts),
            orgs: patterned_orgs(policy),
            patterned: Vec::new(),
            place: None,
        }
    }

    /// How many probes there are.
    pub(crate) fn len(&self) -> usize {
        self.first.len() + self.orgs.len() * NETWORKS
    }

    /// Probe `index` (below [`StrangerProbes::len`]), lowered now if it was not yet.
    pub(crate) fn get(&mut self, index: usize) -> &Assumption {
        let Some(at) = index.checked_sub(self.first.len()) else {
            return &self.first[index];
        };
        while self.patterned.len() <= at {
            let next = self.patterned.len();
            if next % NETWORKS == 0 {
                let org = in_organization(&self.orgs[next / NETWORKS]);
                self.place = Some(Assumption::new(&org, false));
            }
            let place = self.place.as_ref().expect("lowered with the first network");
            let probe = LOWERED_NETWORKS.with(|networks| {
                let network = &networks[next % NETWORKS];
                match &self.account {
                    Some(a) => Assumption::join(&[a, place, network]),
                    None => Assumption::join(&[place, network]),
                }
            });
            self.patterned.push(probe);
        }
        &self.patterned[at]
    }
}

/// How many networks [`networks`] lists.
const NETWORKS: usize = 3;

thread_local! {
    /// The networks of a stranger, lowered once.
    static LOWERED_NETWORKS: Vec<Assumption> =
        networks().iter().map(|n| Assumption::new(n, false)).collect();
}

/// An organization id that `pattern` (with `*` and `?`) matches: its last `*` stands for
/// letters no policy names, its other wildcards for as little as they can; `None` when no
/// valid id comes out that way.
fn unnamed_org_like(pattern: &str) -> Option<String> {
    const FILL: &str = "zz9unnamed9zz";
    let last = pattern.rfind('*');
    let fixed = pattern.chars().filter(|&c| c != '*').count();
    let mut out = String::with_capacity(pattern.len() + FILL.len());
    for (i, c) in pattern.char_indices() {
        match c {
            '*' if Some(i) == last => {
                let room = (2 + 32usize).saturating_sub(fixed).min(FILL.len());
                out.push_str(&FILL[..room]);
            }
            '*' => {}
            '?' => out.push('z'),
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    let id = out.strip_prefix("o-")?;
    let valid = (10..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    valid.then_some(out)
}

/// The networks of a stranger: an IPv4 or IPv6 address on the internet, or a VPC endpoint
/// the policy does not name.
fn networks() -> [Vec<ir::Condition>; NETWORKS] {
    let absent = |key: &str| cond(op(Operator::Null), key, ["true"]);
    [
        vec![
            cond(op(Operator::IpAddress), "aws:SourceIp", [INTERNET_V4]),
            absent("aws:SourceVpce"),
            absent("aws:SourceVpc"),
        ],
        vec![
            cond(op(Operator::IpAddress), "aws:SourceIp", [INTERNET_V6]),
            absent("aws:SourceVpce"),
            absent("aws:SourceVpc"),
        ],
        vec![
            absent("aws:SourceIp"),
            cond(op(Operator::StringEquals), "aws:SourceVpce", [FRESH_VPCE]),
            cond(op(Operator::StringEquals), "aws:SourceVpc", [FRESH_VPC]),
        ],
    ]
}

/// How many probes [`deputy_probes`] makes: one for each of its organizations.
const DEPUTY_PROBES: usize = 2;

/// A service acting for a resource of an account the policy does not name, or for none:
/// outside every organization, and in one the policy does not name.
pub(crate) fn deputy_probes(
    named_accounts: &[String],
    named_arns: &[String],
) -> [Vec<ir::Condition>; DEPUTY_PROBES] {
    let mut base = Vec::new();
    if !named_accounts.is_empty() {
        base.push(cond(
            op(Operator::StringNotEquals),
            "aws:SourceAccount",
            named_accounts.iter().cloned(),
        ));
    }
    let arns: Vec<String> = named_accounts
        .iter()
        .map(|a| format!("arn:*:*:*:{a}:*"))
        .chain(named_arns.iter().cloned())
        .collect();
    if !arns.is_empty() {
        base.push(cond(op(Operator::ArnNotLike), "aws:SourceArn", arns));
    }
    let orgs: [ir::Condition; DEPUTY_PROBES] = [
        cond(op(Operator::Null), "aws:SourceOrgID", ["true"]),
        cond(op(Operator::StringEquals), "aws:SourceOrgID", [FRESH_ORG]),
    ];
    orgs.map(|o| {
        let mut p = base.clone();
        p.push(o);
        p
    })
}

fn principal_name(s: &ir::Statement) -> &'static str {
    if s.principal.as_ref().is_some_and(|p| p.negated) {
        "NotPrincipal"
    } else {
        "Principal"
    }
}

fn list_actions(actions: &[Action]) -> String {
    // Into one buffer, without a list of the names or a `format!`.
    let mut list = String::with_capacity(28 * actions.len().min(6) + 16);
    for (k, a) in actions.iter().take(6).enumerate() {
        if k > 0 {
            list.push_str(", ");
        }
        list.push_str(a.as_str());
    }
    if actions.len() > 6 {
        list.push_str(" and ");
        list.push_str(&(actions.len() - 6).to_string());
        list.push_str(" more");
    }
    list
}

fn finding(
    code: Code,
    statement: Option<usize>,
    place: Place,
    path: String,
    message: String,
    hint: &'static str,
    evidence: Option<Evidence>,
) -> Finding {
    Finding {
        code,
        statement,
        place,
        path,
        message,
        hint,
        evidence,
    }
}

/// The findings of `policy` as [`Analyzer::new`] reads it with `options` (the owning account
/// when known: without it, grants to the accounts the policy names are not judged, since one
/// of them may be the owner). In the order the lint reports them: access from outside, the
/// confused deputy, lock-outs, dead statements and conditions.
///
/// Policies whose answers the letters fix ([`crate::literal`]) are judged without the
/// solver's searches; the findings are the same.
#[must_use]
pub fn findings(policy: &ir::Policy, options: &Options) -> Vec<Finding> {
    match crate::literal::findings(policy, options) {
        Some(judged) => judged.findings,
        None => findings_with(&Analyzer::new(policy, options), policy, options),
    }
}

/// [`findings`] with the analyzer already built from `policy` and `options`: the engine's
/// searches for every answer.
#[must_use]
pub fn findings_with(analyzer: &Analyzer, policy: &ir::Policy, options: &Options) -> Vec<Finding> {
    let named = named_of(analyzer);
    let mut out = Vec::new();
    let owner_known = options.owner.is_some();
    // Any service principal's access matters only where a guarded `Principal "*"` may let
    // one in.
    let anyone_services = policy.statements.iter().any(guarded_anyone);
    // Only the classes the rules below judge: the owner's and trusted accounts' access, and
    // named accounts' while the owner is not known, are nobody's concern here.
    let access = analyzer.access_where(|c| match c.account() {
        Some(a) => !a.trusted && (owner_known || !a.named),
        None => match c {
            CallerClass::Service { name: Some(_) } => true,
            CallerClass::Service { name: None } => anyone_services,
            _ => false,
        },
    });
    // Made when a class outside the named accounts first needs them.
    let mut probes: Option<StrangerProbes> = None;
    let mut public_probe = |class: &CallerClass, actions: &[Action]| {
        let probes = probes.get_or_insert_with(|| StrangerProbes::new(policy, &named));
        // An organization's probes differ by their network, which few statements test.
        let mut memory = ProbeMemory::default();
        let count = probes.len();
        let ask = |i| analyzer.decide_probed_first(class, actions, probes.get(i), &mut memory);
        Some((0..count).find_map(ask))
    };
    let judged = outside(policy, &access, owner_known, &mut public_probe, &mut out);
    debug_assert!(judged.is_some(), "the engine answers every question");
    // Asked again for each statement a service may be let in by: each class's answer is
    // worked out once.
    let known: std::cell::RefCell<Vec<(CallerClass, Option<BTreeSet<Action>>)>> =
        std::cell::RefCell::default();
    let service_actions = |wanted: &CallerClass| {
        if let Some((_, actions)) = known.borrow().iter().find(|(c, _)| c == wanted) {
            return actions.clone();
        }
        let actions = analyzer
            .classes()
            .iter()
            .find(|c| *c == wanted)
            .map(|class| {
                access
                    .iter()
                    .filter(|a| a.class == *class)
                    .flat_map(|a| a.actions.iter())
                    .collect()
            });
        known.borrow_mut().push((wanted.clone(), actions.clone()));
        actions
    };
    let mut satisfy =
        |class: &CallerClass, _at: usize, actions: &[Action], cs: &[ir::Condition]| {
            Some(analyzer.satisfy_past_denies(class, actions, cs, false))
        };
    let services: Vec<CallerClass> = if anyone_services {
        analyzer
            .classes()
            .iter()
            .filter(|c| matches!(c, CallerClass::Service { .. }))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    deputies(
        policy,
        &named,
        &services,
        &service_actions,
        &mut satisfy,
        &mut out,
    );
    lock_out(policy, analyzer, options, &mut out);
    dead(policy, analyzer, &mut out);
    out
}

/// The accounts the classes of `analyzer` name, the owner's with them, sorted and without
/// repeats: each named account has several classes (its root, a user, a session), so the
/// ids are sorted as borrowed and copied once each.
fn named_of(analyzer: &Analyzer) -> Vec<String> {
    let mut named: Vec<&str> = analyzer
        .classes()
        .iter()
        .filter_map(CallerClass::account)
        .filter(|a| a.named || a.owner)
        .map(|a| a.id.as_str())
        .chain([analyzer.owner()])
        .collect();
    named.sort_unstable();
    named.dedup();
    named.into_iter().map(str::to_owned).collect()
}

/// A class's access to a group of actions, as the rules of access from outside read it: what
/// the engine found ([`Access`]), or what [`crate::literal`] decided, whose witness it asks
/// the solver for only when a finding needs it.
pub(crate) trait Granted {
    /// The class.
    fn class(&self) -> &CallerClass;
    /// The actions.
    fn actions(&self) -> ActionSet;
    /// The first statement of the grant.
    fn first_statement(&self) -> Option<usize>;
    /// The grant with its witness; `None` when it cannot be had without the engine.
    fn grant(&self) -> Option<Grant>;
}

impl Granted for Access {
    fn class(&self) -> &CallerClass {
        &self.class
    }

    fn actions(&self) -> ActionSet {
        self.actions
    }

    fn first_statement(&self) -> Option<usize> {
        self.grant.statements.first().copied()
    }

    fn grant(&self) -> Option<Grant> {
        Some(self.grant.clone())
    }
}

/// Whether the public probe found access for a class: `None` when it cannot tell.
pub(crate) type Probe<'a> =
    dyn FnMut(&CallerClass, &[Action]) -> Option<Option<(Action, Grant)>> + 'a;

/// Whether the caller of `g` has an ARN a reader takes for what it is: no `:` past the one
/// before the resource (`arn:aws:iam::111111111111:role/ci-`), where a pattern such as
/// `arn:aws:iam::*:role/ci-*` also admits a user whose path holds the rest
/// (`arn:aws:iam::111111111111:user/:role/ci-`). IAM paths may hold any ASCII character from
/// `!` on, `:` among them, so both are callers the pattern lets in
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html>); the finding
/// shows the first kind when a class of its callers has one.
fn plain_arn(g: &Grant) -> bool {
    g.witness
        .caller
        .principal_arn()
        .is_none_or(|arn| arn.bytes().filter(|&b| b == b':').count() <= 5)
}

/// Public access and access from other accounts. `public_probe` answers whether a stranger
/// of the class can call one of the actions, the first of them it can with the grant.
/// `None` when an answer could not be had.
pub(crate) fn outside<G: Granted>(
    policy: &ir::Policy,
    access: &[G],
    owner_known: bool,
    public_probe: &mut Probe<'_>,
    out: &mut Vec<Finding>,
) -> Option<()> {
    // Statement -> what anyone gets through it: the evidence of the first group found, and
    // the actions of every group found (a deny of some actions under a condition gives those
    // a grant of their own, with another witness).
    let mut public: Vec<(usize, Action, Grant, BTreeSet<Action>)> = Vec::new();
    let listed = |public: &[(usize, Action, Grant, BTreeSet<Action>)], at: usize| {
        public.iter().position(|p| p.0 == at)
    };
    // Statement -> what other accounts get through it.
    let mut external: BTreeMap<usize, Vec<(&G, Vec<Action>)>> = BTreeMap::new();
    for a in access {
        let Some(account) = a.class().account() else {
            continue;
        };
        if account.trusted || (account.named && !owner_known) {
            continue;
        }
        let Some(first) = a.first_statement() else {
            continue;
        };
        let actions: Vec<Action> = a.actions().iter().collect();
        // A group whose actions the statement's finding names already needs no probe, unless
        // the finding's caller has an odd ARN that another class may better.
        let known = listed(&public, first).is_some_and(|i| {
            actions.iter().all(|x| public[i].3.contains(x)) && plain_arn(&public[i].2)
        });
        if !account.named && !known {
            if let Some((action, g)) = public_probe(a.class(), &actions)? {
                let at = g.statements.first().copied().unwrap_or(first);
                match listed(&public, at) {
                    Some(i) => {
                        public[i].3.extend(actions.iter().copied());
                        if !plain_arn(&public[i].2) && plain_arn(&g) {
                            public[i].1 = action;
                            public[i].2 = g;
                        }
                    }
                    None => public.push((at, action, g, actions.iter().copied().collect())),
                }
                continue;
            }
        }
        external.entry(first).or_default().push((a, actions));
    }
    // The grants move into the findings: what remains to know is which statements had one.
    let public_at: Vec<usize> = public.iter().map(|p| p.0).collect();
    for (at, action, g, actions) in public {
        let s = &policy.statements[at];
        let actions: Vec<Action> = actions.iter().copied().collect();
        out.push(finding(
            Code::PublicAccess,
            Some(at),
            Place::Principal,
            format!("Statement[{at}].{}", principal_name(s)),
            format!(
                "anyone with AWS credentials, in any account and outside any organization the policy names, can call {}: no condition narrows the statement to named accounts, organizations or networks",
                list_actions(&actions),
            ),
            "name the accounts or roles in Principal, or add a condition that names them, such as StringEquals aws:PrincipalOrgID with your organization's id",
            Some(Evidence { action, grant: g }),
        ));
    }
    for (at, grants) in external {
        if public_at.contains(&at) {
            continue;
        }
        let s = &policy.statements[at];
        let not_action = s.actions.negated;
        // Higher access levels have earlier codes.
        let level = |a: &Action| Reverse(external_code(a.access_level(), false));
        let Some((top, top_actions)) = grants
            .iter()
            .max_by_key(|(_, actions)| actions.iter().map(level).max())
        else {
            continue;
        };
        let code = match top_actions.iter().map(level).max() {
            _ if not_action => Code::ExternalPermissionsManagement,
            Some(Reverse(code)) => code,
            None => Code::ExternalRead,
        };
        let hint = match code {
            Code::ExternalPermissionsManagement => "another account must not manage this repository's policy: list the actions it needs (pull or push) instead",
            Code::ExternalWrite => "make sure the other account should change or delete images here; otherwise grant pull only",
            _ => "a reviewer should confirm the other account may read these images",
        };
        let mut actions: BTreeSet<Action> = BTreeSet::new();
        for (_, a) in &grants {
            actions.extend(a.iter().copied());
        }
        let actions: Vec<Action> = actions.into_iter().collect();
        let how = if not_action {
            "through NotAction, "
        } else {
            ""
        };
        let evidence = match top_actions.first() {
            Some(&action) => Some(Evidence {
                action,
                grant: top.grant()?,
            }),
            None => None,
        };
        out.push(finding(
            code,
            Some(at),
            Place::Principal,
            format!("Statement[{at}].{}", principal_name(s)),
            format!(
                "{}, can call {how}{} on this repository",
                top.class().describe(),
                list_actions(&actions),
            ),
            hint,
            evidence,
        ));
    }
    Some(())
}

/// The code of another account's access to an action of `level`, granted through `NotAction`
/// when `not_action` (which takes in policy management): permissions management, write (with
/// tagging), or read (with list). The code of higher levels comes first in [`Code`]'s order.
/// Registry and ECR Public policies' grants are judged with it too.
///
/// ```
/// use policy_analysis::findings::{external_code, Code};
/// use policy_catalogue::AccessLevel;
/// assert_eq!(external_code(AccessLevel::Tagging, false), Code::ExternalWrite);
/// assert_eq!(external_code(AccessLevel::List, true), Code::ExternalPermissionsManagement);
/// ```
#[must_use]
pub fn external_code(level: AccessLevel, not_action: bool) -> Code {
    match level {
        _ if not_action => Code::ExternalPermissionsManagement,
        AccessLevel::PermissionsManagement => Code::ExternalPermissionsManagement,
        AccessLevel::Write | AccessLevel::Tagging => Code::ExternalWrite,
        AccessLevel::Read | AccessLevel::List => Code::ExternalRead,
    }
}

/// The accounts and ARNs the policy's guards name (with the accounts it names otherwise): a
/// source in any of them is a named one.
pub(crate) fn guarded_sources(policy: &ir::Policy, named: &[String]) -> (Vec<String>, Vec<String>) {
    let mut arns: Vec<String> = Vec::new();
    let mut accounts: BTreeSet<String> = named.iter().cloned().collect();
    let is_account = |x: &str| x.len() == 12 && x.bytes().all(|b| b.is_ascii_digit());
    for s in &policy.statements {
        for t in &s.conditions {
            let key = t.key.as_str();
            for v in &t.values {
                if key.eq_ignore_ascii_case("aws:SourceArn") {
                    if let Some(id) = v.split(':').nth(4).filter(|id| is_account(id)) {
                        accounts.insert(id.to_owned());
                    } else if !v.contains(['*', '?']) {
                        arns.push(v.clone());
                    }
                } else if key.eq_ignore_ascii_case("aws:SourceAccount") && is_account(v) {
                    accounts.insert(v.clone());
                }
            }
        }
    }
    (accounts.into_iter().collect(), arns)
}

/// What a service class gets: `None` when the policy has no such class.
pub(crate) type ServiceActions<'a> = dyn Fn(&CallerClass) -> Option<BTreeSet<Action>> + 'a;

/// The actions among those given (in their order) that a request of the class can call
/// meeting statement `at`'s conditions with those given (a probe), past the policy's denies,
/// with such a request for the first of them: `Some(None)` when there are none, `None` when
/// it cannot tell.
pub(crate) type Satisfy<'a> = dyn FnMut(
        &CallerClass,
        usize,
        &[Action],
        &[ir::Condition],
    ) -> Option<Option<(Vec<Action>, Witness, Certainty)>>
    + 'a;

/// Whether statement `s` is an allow of `Principal "*"` (or `{"AWS": "*"}`) with conditions:
/// one whose guard a service principal may meet, as `aws:SourceArn` patterns or
/// `aws:PrincipalServiceName` do, while no IAM caller outside the policy's accounts does.
pub(crate) fn guarded_anyone(s: &ir::Statement) -> bool {
    s.effect == Effect::Allow
        && !s.conditions.is_empty()
        && s.principal
            .as_ref()
            .is_some_and(|p| !p.negated && p.items.contains(&PrincipalItem::Anyone))
}

/// Service principals whose guard does not narrow to named accounts or ARNs: those a
/// statement names, and for a guarded allow of `Principal "*"` not already public, the
/// classes of `anyone_services` (every service principal, named or not).
pub(crate) fn deputies(
    policy: &ir::Policy,
    named: &[String],
    anyone_services: &[CallerClass],
    service_actions: &ServiceActions<'_>,
    satisfy: &mut Satisfy<'_>,
    out: &mut Vec<Finding>,
) -> Option<()> {
    let has_service = policy.statements.iter().any(|s| {
        s.principal.as_ref().is_some_and(|p| {
            p.items
                .iter()
                .any(|x| matches!(x, PrincipalItem::Service(_)))
        }) || (!anyone_services.is_empty() && guarded_anyone(s))
    });
    if !has_service {
        return Some(());
    }
    let probes = DeputyProbes::new(policy, named);
    deputies_with(
        policy,
        anyone_services,
        &probes,
        service_actions,
        satisfy,
        out,
    )
}

/// The probes of [`deputy_probe`]: a service acting for a resource of an account the policy
/// does not name, or for none. Made when a service first gets an action a statement covers
/// and the statement's guard does not refuse them by its letters ([`source_refused`], told
/// from the accounts alone): a policy whose guarded allows of `Principal "*"` are public
/// already, whose services get nothing, or whose service statements each name their source
/// account, needs none (and a list of every account it names costs the more, the more it
/// names). Debug builds make them for a refused guard too: [`deputy_probe`] checks there
/// that each probe's letters refuse it as the accounts alone tell, and that the solver finds
/// no request under it.
struct DeputyProbes<'a> {
    policy: &'a ir::Policy,
    named: &'a [String],
    /// [`guarded_sources`]: the accounts (sorted) and ARNs the probes exclude.
    sources: std::cell::OnceCell<(Vec<String>, Vec<String>)>,
    made: std::cell::OnceCell<[Vec<ir::Condition>; DEPUTY_PROBES]>,
    /// Every probe made at once and each tried in turn, its refusal read from it: the
    /// reference [`deputy_probe`] is checked against.
    #[cfg(test)]
    at_once: Option<[Vec<ir::Condition>; DEPUTY_PROBES]>,
}

impl<'a> DeputyProbes<'a> {
    fn new(policy: &'a ir::Policy, named: &'a [String]) -> DeputyProbes<'a> {
        DeputyProbes {
            policy,
            named,
            sources: std::cell::OnceCell::new(),
            made: std::cell::OnceCell::new(),
            #[cfg(test)]
            at_once: None,
        }
    }

    /// The probes made at once, from the sources of [`guarded_sources`] read afresh, for
    /// [`deputy_probe`] to try each of them in turn ([`deputy_probe_at_once`]).
    #[cfg(test)]
    fn made_at_once(policy: &'a ir::Policy, named: &'a [String]) -> DeputyProbes<'a> {
        let (accounts, arns) = guarded_sources(policy, named);
        DeputyProbes {
            at_once: Some(made_deputy_probes(policy, &accounts, &arns)),
            ..DeputyProbes::new(policy, named)
        }
    }

    fn sources(&self) -> &(Vec<String>, Vec<String>) {
        self.sources
            .get_or_init(|| guarded_sources(self.policy, self.named))
    }

    /// The probes, made at the first call.
    fn get(&self) -> &[Vec<ir::Condition>; DEPUTY_PROBES] {
        self.made.get_or_init(|| {
            let (accounts, arns) = self.sources();
            made_deputy_probes(self.policy, accounts, arns)
        })
    }

    /// [`source_refused`] for `conditions` and any of the probes, without making them: each
    /// probe's `StringNotEquals aws:SourceAccount` lists the accounts of [`guarded_sources`]
    /// (none when there are none), sorted.
    fn refused(&self, conditions: &[ir::Condition]) -> bool {
        let accounts = &self.sources().0;
        !accounts.is_empty()
            && conditions.iter().any(|guard| {
                source_guard(guard)
                    && guard
                        .values
                        .iter()
                        .all(|v| accounts.binary_search(v).is_ok())
            })
    }
}

/// The probes of [`DeputyProbes`] for `policy`, excluding the sources of [`guarded_sources`].
fn made_deputy_probes(
    policy: &ir::Policy,
    accounts: &[String],
    arns: &[String],
) -> [Vec<ir::Condition>; DEPUTY_PROBES] {
    let mut probes = deputy_probes(accounts, arns);
    // The source's organization paths go with its organization: none outside every
    // organization, and those of the organization the probe names (as for a stranger's
    // aws:PrincipalOrgPaths). Added only where the policy tests the key, so that the
    // probes of the others stay the three conditions the letters know.
    let mentions_paths = policy.statements.iter().any(|s| {
        s.conditions
            .iter()
            .any(|c| c.key.eq_ignore_ascii_case("aws:SourceOrgPaths"))
    });
    if mentions_paths {
        let [outside, fresh] = &mut probes;
        outside.push(cond(op(Operator::Null), "aws:SourceOrgPaths", ["true"]));
        fresh.push(cond(
            ConditionOperator {
                qualifier: Some(SetQualifier::ForAllValues),
                ..op(Operator::StringLike)
            },
            "aws:SourceOrgPaths",
            [format!("{FRESH_ORG}/*")],
        ));
    }
    probes
}

/// [`deputies`] with its probes given.
fn deputies_with(
    policy: &ir::Policy,
    anyone_services: &[CallerClass],
    probes: &DeputyProbes<'_>,
    service_actions: &ServiceActions<'_>,
    satisfy: &mut Satisfy<'_>,
    out: &mut Vec<Finding>,
) -> Option<()> {
    for (at, statement) in policy.statements.iter().enumerate() {
        let Some(p) = statement.principal.as_ref().filter(|p| !p.negated) else {
            continue;
        };
        if statement.effect != Effect::Allow {
            continue;
        }
        let covered = statement.actions.resolve();
        // Public access is reported already and takes in every service.
        let public = out
            .iter()
            .any(|f| f.code == Code::PublicAccess && f.statement == Some(at));
        if guarded_anyone(statement) && !public {
            anyone_deputy(
                at,
                statement,
                covered,
                anyone_services,
                probes,
                service_actions,
                satisfy,
                out,
            )?;
        }
        let services = p.items.iter().filter_map(|x| match x {
            PrincipalItem::Service(svc) => Some(svc.clone()),
            _ => None,
        });
        for (n, service) in services.enumerate() {
            let class = CallerClass::Service {
                name: Some(service.clone()),
            };
            let Some(granted) = service_actions(&class) else {
                continue;
            };
            let Some(deputy) =
                deputy_probe(&class, at, statement, covered, granted, probes, satisfy)?
            else {
                continue;
            };
            let message = format!(
                "service principal {service} can call {} acting for a resource of any account (the confused deputy): no condition narrows aws:SourceAccount or aws:SourceArn to named accounts or ARNs",
                list_actions(&deputy.0),
            );
            out.push(deputy_finding(
                at,
                Place::Service(n),
                format!("Statement[{at}].Principal.Service[{n}]"),
                message,
                deputy,
            ));
        }
    }
    Some(())
}

/// What `class` gets through allow `at` (`statement`, which covers the actions `covered`)
/// acting for a resource of an account the policy does not name: the actions of `granted`
/// the statement covers that a request meeting its conditions and a probe of `probes` can
/// call past the denies, in order, with such a request for the first. `Some(None)` when no
/// probe gets one, `None` when it cannot tell.
fn deputy_probe(
    class: &CallerClass,
    at: usize,
    statement: &ir::Statement,
    covered: ActionSet,
    granted: BTreeSet<Action>,
    probes: &DeputyProbes<'_>,
    satisfy: &mut Satisfy<'_>,
) -> Option<Option<(Vec<Action>, Witness, Certainty)>> {
    let actions: Vec<Action> = granted
        .into_iter()
        .filter(|&act| covered.contains(act))
        .collect();
    if actions.is_empty() {
        return Some(None);
    }
    #[cfg(test)]
    if let Some(all) = &probes.at_once {
        return deputy_probe_at_once(class, at, statement, &actions, all, satisfy);
    }
    // The same for every probe.
    let refused = probes.refused(&statement.conditions);
    if refused && !cfg!(debug_assertions) {
        return Some(None);
    }
    // Debug builds make the probes for a refused guard too, to check the refusal on each.
    for probe in probes.get() {
        debug_assert_eq!(refused, source_refused(&statement.conditions, probe));
        if refused {
            let mut cs = statement.conditions.clone();
            cs.extend(probe.iter().cloned());
            debug_assert_eq!(satisfy(class, at, &actions, &cs)?, None, "{cs:?}");
            continue;
        }
        if let Some(f) = probe_once(class, at, statement, &actions, probe, satisfy)? {
            return Some(Some(f));
        }
    }
    Some(None)
}

/// [`deputy_probe`]'s reference: every probe made at once and tried in turn, each skipped
/// when [`source_refused`] says its guard refuses it.
#[cfg(test)]
fn deputy_probe_at_once(
    class: &CallerClass,
    at: usize,
    statement: &ir::Statement,
    actions: &[Action],
    all: &[Vec<ir::Condition>],
    satisfy: &mut Satisfy<'_>,
) -> Option<Option<(Vec<Action>, Witness, Certainty)>> {
    for probe in all {
        if source_refused(&statement.conditions, probe) {
            continue;
        }
        if let Some(f) = probe_once(class, at, statement, actions, probe, satisfy)? {
            return Some(Some(f));
        }
    }
    Some(None)
}

/// What `class` gets through allow `at` past the denies under `probe`, for a request that
/// carries the source keys ([`SOURCE_KEYS`]); `Some(None)` when none does, `None` when it
/// cannot tell.
fn probe_once(
    class: &CallerClass,
    at: usize,
    statement: &ir::Statement,
    actions: &[Action],
    probe: &[ir::Condition],
    satisfy: &mut Satisfy<'_>,
) -> Option<Option<(Vec<Action>, Witness, Certainty)>> {
    let mut cs = statement.conditions.clone();
    cs.extend(probe.iter().cloned());
    let Some(f) = satisfy(class, at, actions, &cs)? else {
        return Some(None);
    };
    // A request without the source keys is not one the service makes for a resource:
    // ask again for one that carries them.
    let absent: Vec<&str> = SOURCE_KEYS
        .into_iter()
        .filter(|key| {
            f.1.context
                .iter()
                .any(|(k, v)| k.eq_ignore_ascii_case(key) && v.is_none())
        })
        .collect();
    if absent.is_empty() {
        return Some(Some(f));
    }
    cs.extend(
        absent
            .into_iter()
            .map(|key| cond(op(Operator::Null), key, ["false"])),
    );
    satisfy(class, at, actions, &cs)
}

/// The keys AWS puts in a service's request only when the service acts for a resource, which
/// the request of a confused deputy is taken to carry: the IAM user guide's global condition
/// keys say
/// `aws:SourceAccount` "is only available when the call to your resource is made directly
/// by an AWS service principal", and give `aws:SourceAccount` and `aws:SourceArn` the same
/// availability: a call the service makes on behalf of a resource whose configuration
/// triggered it
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount>,
/// `#condition-keys-sourcearn`). A call the service makes for no resource carries neither,
/// and acts for no other customer: the confused deputy is a service made "to act on another
/// customer's resources"
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>). So a deny
/// written `StringNotEquals aws:SourceAccount` (or `ArnNotLike aws:SourceArn`) with `Null`
/// `false` on the key, which spares only requests without it, closes the deputy: the probes
/// ([`deputy_probe`]) look for a request that carries the keys. Such a request without them
/// is still a grant of the service's class where the evaluator allows it.
const SOURCE_KEYS: [&str; 2] = ["aws:SourceAccount", "aws:SourceArn"];

/// Whether a guard of `conditions` refuses every request of `probe` by its letters: a
/// `StringEquals aws:SourceAccount` whose accounts the probe's `StringNotEquals
/// aws:SourceAccount` all excludes. The first wants the key present with one of its
/// accounts, the second no value among its own: no request meets both, whatever its other
/// keys, so the solver would find none (the accounts a guard names are among those the
/// probes exclude, [`guarded_sources`]).
fn source_refused(conditions: &[ir::Condition], probe: &[ir::Condition]) -> bool {
    conditions.iter().filter(|c| source_guard(c)).any(|guard| {
        probe
            .iter()
            .filter(|c| {
                c.operator == op(Operator::StringNotEquals)
                    && c.key.eq_ignore_ascii_case("aws:SourceAccount")
            })
            .any(|p| guard.values.iter().all(|v| p.values.contains(v)))
    })
}

/// Whether `c` is a guard [`source_refused`] reads: `StringEquals aws:SourceAccount` of
/// accounts (at least one).
fn source_guard(c: &ir::Condition) -> bool {
    let is_account = |v: &String| v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit());
    c.operator == op(Operator::StringEquals)
        && c.key.eq_ignore_ascii_case("aws:SourceAccount")
        && !c.values.is_empty()
        && c.values.iter().all(is_account)
}

/// The confused-deputy finding of allow `at` at `place`, from what [`deputy_probe`] found:
/// its first action's request is the evidence (a service needs the repository policy alone).
fn deputy_finding(
    at: usize,
    place: Place,
    path: String,
    message: String,
    (actions, witness, certainty): (Vec<Action>, Witness, Certainty),
) -> Finding {
    finding(
        Code::ServicePrincipalWithoutSource,
        Some(at),
        place,
        path,
        message,
        "add a condition StringEquals aws:SourceAccount (your account) or ArnLike aws:SourceArn with the ARN of your resource",
        actions.first().map(|&action| Evidence {
            action,
            grant: Grant {
                route: Route::RepositoryPolicy,
                statements: vec![at],
                identity_statement: None,
                certainty,
                witness,
            },
        }),
    )
}

/// The confused deputy through allow `at` of `Principal "*"` (`statement`): the
/// first of `services` (a statement's own service principals are judged apart) that gets
/// one of the actions and meets the statement's conditions acting for a resource of an
/// account the policy does not name (a probe of `probes`). Reported as for a service
/// principal with such a guard: AWS's confused-deputy advice is to compare `aws:SourceArn`
/// or `aws:SourceAccount` with your own resources
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>).
#[allow(clippy::too_many_arguments)]
fn anyone_deputy(
    at: usize,
    statement: &ir::Statement,
    covered: ActionSet,
    services: &[CallerClass],
    probes: &DeputyProbes<'_>,
    service_actions: &ServiceActions<'_>,
    satisfy: &mut Satisfy<'_>,
    out: &mut Vec<Finding>,
) -> Option<()> {
    let listed = |name: &str| {
        statement.principal.as_ref().is_some_and(|p| {
            p.items
                .iter()
                .any(|x| matches!(x, PrincipalItem::Service(s) if s.eq_ignore_ascii_case(name)))
        })
    };
    for class in services {
        if matches!(class, CallerClass::Service { name: Some(n) } if listed(n)) {
            continue;
        }
        let Some(granted) = service_actions(class) else {
            continue;
        };
        let Some(deputy) = deputy_probe(class, at, statement, covered, granted, probes, satisfy)?
        else {
            continue;
        };
        let message = format!(
            "{} can call {} through Principal \"*\" acting for a resource of any account (the confused deputy): no condition narrows aws:SourceAccount or aws:SourceArn to named accounts or ARNs",
            class.describe(),
            list_actions(&deputy.0),
        );
        out.push(deputy_finding(
            at,
            Place::Principal,
            format!("Statement[{at}].Principal"),
            message,
            deputy,
        ));
        return Some(());
    }
    Some(())
}

/// The policy-changing actions no identity of the owning account can call any more (empty
/// while one can call `ecr:SetRepositoryPolicy`), with every identity policy allowing
/// everything. Without an owner in `options`, the owner may be any account: the policy locks
/// out only when it does so for an account it does not name and for each one it names (in a
/// repository of `us-east-1`).
///
/// ```
/// use policy_analysis::findings::locked_out;
/// use policy_analysis::ir::{Actions, Effect, Policy, PrincipalItem, Principals, Statement};
/// use policy_analysis::Options;
/// use policy_catalogue::Action;
///
/// let policy = Policy {
///     variables: true,
///     statements: vec![Statement {
///         sid: None,
///         effect: Effect::Deny,
///         principal: Some(Principals { negated: false, items: vec![PrincipalItem::Anyone] }),
///         actions: Actions { negated: false, items: vec!["ecr:*".into()] },
///         resources: None,
///         conditions: vec![],
///     }],
/// };
/// let locked = locked_out(&policy, &Options::default());
/// assert_eq!(locked, [Action::SetRepositoryPolicy, Action::DeleteRepositoryPolicy]);
/// ```
#[must_use]
pub fn locked_out(policy: &ir::Policy, options: &Options) -> Vec<Action> {
    // Without a Deny of `SetRepositoryPolicy` the owning account's root user can call it,
    // whatever the owner: the search would find that first.
    if !denies_set(policy) {
        return Vec::new();
    }
    searched_locked_out(policy, options)
}

/// Whether a Deny of the policy covers `ecr:SetRepositoryPolicy`: without one the owning
/// account's root user can call it, whatever the owner.
fn denies_set(policy: &ir::Policy) -> bool {
    policy.statements.iter().any(|s| {
        s.effect == Effect::Deny && s.actions.resolve().contains(Action::SetRepositoryPolicy)
    })
}

/// [`locked_out`] by the search alone, without its exit for policies that deny no one
/// `ecr:SetRepositoryPolicy`: what the exit is checked against.
#[doc(hidden)]
#[must_use]
pub fn searched_locked_out(policy: &ir::Policy, options: &Options) -> Vec<Action> {
    searched_locked_out_with(policy, None, options)
}

/// [`searched_locked_out`], with `analyzer` built from `policy` and `options` when there is
/// one: where it reads the policy as the check's own analyzer of the owner would
/// ([`Analyzer::reads_as`]), its statements are not prepared again.
fn searched_locked_out_with(
    policy: &ir::Policy,
    analyzer: Option<&Analyzer>,
    options: &Options,
) -> Vec<Action> {
    let mut owners: Vec<Options> = vec![Options {
        trusted: Vec::new(),
        identity: IdentityPolicies::AllowAll,
        ..options.clone()
    }];
    if options.owner.is_none() {
        // The accounts the classes of `Analyzer::new(policy, &Options::default())` name,
        // without preparing its statements.
        let ids = crate::access::named_accounts(policy, &Options::default(), analyzer);
        owners.extend(ids.into_iter().map(|id| Options {
            owner: Some(id.to_owned()),
            region: Some("us-east-1".to_owned()),
            repository: Some(format!(
                "arn:aws:ecr:us-east-1:{id}:repository/unnamed-repository"
            )),
            identity: IdentityPolicies::AllowAll,
            ..Options::default()
        }));
    }
    // The analyzer given stands for the first owner's when it reads the policy alike.
    let shared = analyzer.filter(|a| a.reads_as(policy, &owners[0]));
    // While someone can set the policy, a deny of `DeleteRepositoryPolicy` can be replaced
    // away; without `SetRepositoryPolicy` nothing can change the policy again.
    let act = Action::SetRepositoryPolicy;
    if shared.is_some_and(|a| a.owner_allowed(act, None, true)) {
        return Vec::new();
    }
    // Each owner's analyzer built only when the owners before it cannot set the policy: a
    // policy naming many accounts is mostly answered by the first.
    let mut built: Vec<Analyzer> = Vec::new();
    for o in owners.iter().skip(usize::from(shared.is_some())) {
        let a = Analyzer::new(policy, o);
        if a.owner_allowed(act, None, true) {
            return Vec::new();
        }
        built.push(a);
    }
    let analyzers: Vec<&Analyzer> = shared.into_iter().chain(built.iter()).collect();
    let mut locked = vec![act];
    // No owner's class can set the policy: where deleting it has the same statements, the
    // verdict is the same.
    if !analyzers
        .iter()
        .any(|a| a.owner_allowed(Action::DeleteRepositoryPolicy, Some(act), true))
    {
        locked.push(Action::DeleteRepositoryPolicy);
    }
    locked
}

fn lock_out(policy: &ir::Policy, analyzer: &Analyzer, options: &Options, out: &mut Vec<Finding>) {
    let locked = if denies_set(policy) {
        searched_locked_out_with(policy, Some(analyzer), options)
    } else {
        Vec::new()
    };
    let Some(&act) = locked.first() else {
        return;
    };
    let at = policy.statements.iter().position(|s| {
        s.effect == Effect::Deny
            && s.actions
                .items
                .iter()
                .any(|x| policy_catalogue::checks::action_text_covers(x, act))
                != s.actions.negated
    });
    let names: Vec<&str> = locked.iter().map(|a| a.as_str()).collect();
    out.push(finding(
        Code::LocksOutPolicyChanges,
        at,
        if at.is_some() {
            Place::Statement
        } else {
            Place::Policy
        },
        at.map_or_else(String::new, |i| format!("Statement[{i}]")),
        format!(
            "no identity of the owning account, its root user included, can call {} any more, whatever its identity policies allow: nobody could change this policy again, and ECR refuses it unless `force` is set",
            names.join(" or ")
        ),
        "leave an administrator role out of the deny (a condition ArnNotEquals aws:PrincipalArn with the role's ARN), or list the account, the role and its sessions in NotPrincipal",
        None,
    ));
}

/// Statements and conditions no request can satisfy.
fn dead(policy: &ir::Policy, analyzer: &Analyzer, out: &mut Vec<Finding>) {
    for i in analyzer.dead_statements() {
        let s = &policy.statements[i];
        // Principals the model cannot place have findings of their own.
        let placed = s.principal.as_ref().is_some_and(|p| {
            !p.items.is_empty()
                && p.items
                    .iter()
                    .all(|x| !matches!(x, PrincipalItem::Federated(_) | PrincipalItem::Other(_)))
        });
        // So do empty lists.
        let empty = s.conditions.iter().any(|t| t.values.is_empty());
        if !placed || empty || s.actions.items.is_empty() {
            continue;
        }
        let dead_one = s.conditions.iter().enumerate().find(|(_, c)| {
            !analyzer.classes().iter().any(|class| {
                analyzer
                    .satisfy(class, std::slice::from_ref(c), false)
                    .is_some()
            })
        });
        match dead_one {
            Some((k, t)) => out.push(finding(
                Code::DeadCondition,
                Some(i),
                Place::Condition(k),
                format!("Statement[{i}].Condition.{}.{}", t.operator, t.key),
                format!(
                    "no request can meet {} {}: the values cannot be values of the key, so statement {i} never applies",
                    t.operator, t.key
                ),
                "compare the key with values of its own form (aws:SourceArn is the ARN of the resource a service acts for, aws:PrincipalAccount a 12-digit account id, aws:PrincipalOrgID an o-... id)",
                None,
            )),
            None => out.push(dead_statement(i)),
        }
    }
}

/// Statement `i`, whose principal and conditions never hold together.
pub(crate) fn dead_statement(i: usize) -> Finding {
    finding(
        Code::DeadStatement,
        Some(i),
        Place::Statement,
        format!("Statement[{i}]"),
        format!(
            "no request can meet statement {i}: its principal and conditions never hold together, so it never applies"
        ),
        "fix the principal or the conditions so that they agree, or remove the statement",
        None,
    )
}

/// `Allow` with `NotPrincipal` in statement `i`: everyone not listed gets access. Decided by
/// the letters of the statement, for every kind of policy.
#[must_use]
pub fn allow_with_not_principal(i: usize) -> Finding {
    finding(
        Code::AllowWithNotPrincipal,
        Some(i),
        Place::Principal,
        format!("Statement[{i}].NotPrincipal"),
        "Allow with NotPrincipal grants access to everyone not listed, anonymous callers included"
            .to_owned(),
        "name the principals to allow in Principal instead",
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(effect: Effect, principal: &str, conditions: Vec<ir::Condition>) -> ir::Statement {
        ir::Statement {
            sid: None,
            effect,
            principal: Some(ir::Principals {
                negated: false,
                items: vec![PrincipalItem::aws(principal)],
            }),
            actions: ir::Actions {
                negated: false,
                items: vec!["ecr:*".to_owned()],
            },
            resources: None,
            conditions,
        }
    }

    /// [`patterned_orgs`] by a set of its organizations: the reference for its sorted list.
    fn patterned_orgs_in_a_set(policy: &ir::Policy) -> Vec<String> {
        let (named, patterns) = orgs_written(policy);
        let mut orgs: BTreeSet<String> = BTreeSet::new();
        for p in patterns {
            if let Some(org) = unnamed_org_like(p) {
                if org != FRESH_ORG && !named.contains(&org) {
                    orgs.insert(org);
                }
            }
        }
        orgs.into_iter().collect()
    }

    /// The named accounts of [`findings_with`] gathered in a set: the reference for
    /// [`named_of`]'s sorted list.
    fn named_in_a_set(analyzer: &Analyzer) -> Vec<String> {
        let mut named: BTreeSet<String> = analyzer
            .classes()
            .iter()
            .filter_map(CallerClass::account)
            .filter(|a| a.named || a.owner)
            .map(|a| a.id.clone())
            .collect();
        named.insert(analyzer.owner().to_owned());
        named.into_iter().collect()
    }

    /// The patterned organizations and the named accounts, sorted in a list, are those a set
    /// gives: fixed policies (shape 1 at ECR's size limit in small, repeated and named
    /// organizations) and 500 random ones of organization patterns, paths and principals of
    /// a few accounts, with and without an owner.
    #[test]
    fn sorted_lists_are_the_sets() {
        let org = |k: &str, v: &str| cond(op(Operator::StringLike), k, [v]);
        let mut policies: Vec<Vec<ir::Statement>> = vec![
            (0..12)
                .map(|i| {
                    statement(
                        Effect::Allow,
                        "*",
                        vec![org("aws:PrincipalOrgID", &format!("o-{}*", i % 5))],
                    )
                })
                .collect(),
            vec![
                statement(
                    Effect::Allow,
                    "*",
                    vec![org("aws:PrincipalOrgID", "o-a1b2c3d4e5*")],
                ),
                statement(
                    Effect::Deny,
                    "*",
                    vec![cond(
                        op(Operator::StringEquals),
                        "aws:PrincipalOrgID",
                        ["o-a1b2c3d4e5zz9unnamed9zz"],
                    )],
                ),
            ],
        ];
        let mut next = crate::test_random::xorshift_usize(0x6a09_e667_f3bc_c908);
        let values = [
            "o-*",
            "o-1*",
            "o-?b*",
            "O-AB*",
            "o-a1b2c3d4e5*",
            "o-a1b2c3d4e5zz9unnamed9zz",
            "o-zz9unnamed9zz",
            "o-1*/r-*",
            "o-1234567890/*",
            "o-*?",
            "*",
            "o-é*",
        ];
        let principals = [
            "*",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::444455556666:role/ci",
            "111122223333",
            "arn:aws:iam::777788889999:user/u",
        ];
        for _ in 0..500 {
            let statements = (0..1 + next(5))
                .map(|_| {
                    let conditions = (0..next(3))
                        .map(|_| {
                            let key = ["aws:PrincipalOrgID", "aws:PrincipalOrgPaths"][next(2)];
                            let operator = [Operator::StringLike, Operator::StringEquals][next(2)];
                            cond(op(operator), key, [values[next(values.len())]])
                        })
                        .collect();
                    statement(
                        Effect::Allow,
                        principals[next(principals.len())],
                        conditions,
                    )
                })
                .collect();
            policies.push(statements);
        }
        let mut orgs = 0;
        for (k, statements) in policies.into_iter().enumerate() {
            let policy = ir::Policy {
                variables: false,
                statements,
            };
            let got = patterned_orgs(&policy);
            assert_eq!(got, patterned_orgs_in_a_set(&policy), "{policy:?}");
            orgs += got.len();
            for owner in [None, Some("111122223333"), Some("999999999999")] {
                let options = Options {
                    owner: owner.map(str::to_owned),
                    ..Options::default()
                };
                let analyzer = Analyzer::new(&policy, &options);
                assert_eq!(
                    named_of(&analyzer),
                    named_in_a_set(&analyzer),
                    "{k} {owner:?}"
                );
            }
        }
        assert!(orgs > 300, "{orgs} organizations");
    }

    /// The confused-deputy findings of `policy` with the probes made lazily, and made at
    /// once and each tried in turn ([`DeputyProbes::made_at_once`]): each with the analyzer's
    /// answers as [`findings_with`] gives them, and the findings of access from outside
    /// before them.
    fn deputies_lazily_and_at_once(policy: &ir::Policy) -> [(Vec<Finding>, bool); 2] {
        let options = Options::default();
        let analyzer = Analyzer::new(policy, &options);
        let named = vec![analyzer.owner().to_owned()];
        let access = analyzer.access();
        let anyone_services = policy.statements.iter().any(guarded_anyone);
        let services: Vec<CallerClass> = analyzer
            .classes()
            .iter()
            .filter(|c| anyone_services && matches!(c, CallerClass::Service { .. }))
            .cloned()
            .collect();
        let service_actions = |wanted: &CallerClass| {
            analyzer
                .classes()
                .iter()
                .find(|c| *c == wanted)
                .map(|class| {
                    access
                        .iter()
                        .filter(|a| a.class == *class)
                        .flat_map(|a| a.actions.iter())
                        .collect()
                })
        };
        let mut satisfy =
            |class: &CallerClass, _at: usize, actions: &[Action], cs: &[ir::Condition]| {
                Some(analyzer.satisfy_past_denies(class, actions, cs, false))
            };
        let mut public = Vec::new();
        let mut no_probe = |_: &CallerClass, _: &[Action]| Some(None);
        outside(policy, &access, false, &mut no_probe, &mut public);
        let lazily = DeputyProbes::new(policy, &named);
        let at_once = DeputyProbes::made_at_once(policy, &named);
        [lazily, at_once].map(|probes| {
            let mut out = public.clone();
            deputies_with(
                policy,
                &services,
                &probes,
                &service_actions,
                &mut satisfy,
                &mut out,
            );
            let made = probes.made.get().is_some();
            (out, made)
        })
    }

    /// The deputy probes made when a service first needs them give the findings of the
    /// probes made at once, and the refusal told from the accounts alone is the one read from
    /// each probe: fixed policies (shape 3 at ECR's size limit in small, guarded allows of
    /// `Principal "*"` public or not) and 300 random ones of service principals and guarded
    /// allows over the source keys; some need no probe.
    #[test]
    fn lazy_deputy_probes_find_as_made_at_once() {
        let service = |name: &str, conditions: Vec<ir::Condition>| ir::Statement {
            principal: Some(ir::Principals {
                negated: false,
                items: vec![PrincipalItem::Service(name.to_owned())],
            }),
            ..statement(Effect::Allow, "*", conditions)
        };
        let anyone = |conditions| ir::Statement {
            principal: Some(ir::Principals {
                negated: false,
                items: vec![PrincipalItem::Anyone],
            }),
            ..statement(Effect::Allow, "*", conditions)
        };
        let mut policies: Vec<Vec<ir::Statement>> = vec![
            (0..4)
                .map(|i| {
                    let account = format!("1111222233{i:02}");
                    service(
                        &format!("service{i}.amazonaws.com"),
                        vec![
                            cond(
                                op(Operator::StringEquals),
                                "aws:SourceAccount",
                                [account.clone()],
                            ),
                            cond(
                                op(Operator::ArnLike),
                                "aws:SourceArn",
                                [format!("arn:aws:codebuild:us-east-1:{account}:project/*")],
                            ),
                        ],
                    )
                })
                .collect(),
            vec![anyone(vec![cond(
                op(Operator::StringLike),
                "aws:PrincipalOrgID",
                ["o-1*"],
            )])],
            vec![anyone(vec![cond(
                op(Operator::ArnLike),
                "aws:SourceArn",
                ["arn:aws:s3:::b*"],
            )])],
            vec![service("s3.amazonaws.com", vec![])],
        ];
        let mut next = crate::test_random::xorshift_usize(0x2f8b_1c3d_9a7e_4b65);
        let operators = [
            Operator::StringEquals,
            Operator::StringNotEquals,
            Operator::StringLike,
            Operator::ArnLike,
            Operator::ArnNotLike,
            Operator::Null,
        ];
        let keys = [
            "aws:SourceAccount",
            "aws:SourceArn",
            "aws:SourceOrgID",
            "aws:SourceOrgPaths",
            "aws:PrincipalOrgID",
            "aws:PrincipalServiceName",
        ];
        let values = [
            "111122223333",
            "444455556666",
            "arn:aws:s3:::bucket",
            "arn:aws:*:*:111122223333:*",
            "arn:*",
            "o-1*",
            "o-zz9unnamed9zz/*",
            "true",
            "false",
            "s3.amazonaws.com",
            "*",
        ];
        for _ in 0..300 {
            let statements = (0..1 + next(4))
                .map(|_| {
                    let mut conditions: Vec<ir::Condition> = (0..next(4))
                        .map(|_| {
                            let o = operators[next(operators.len())];
                            let k = keys[next(keys.len())];
                            cond(op(o), k, [values[next(values.len())]])
                        })
                        .collect();
                    // Often a guard of source accounts, which may refuse the probes.
                    if next(3) == 0 {
                        let accounts = [&["111122223333"][..], &["111122223333", "123"], &[]];
                        let guard = accounts[next(accounts.len())].iter().copied();
                        let key = ["aws:SourceAccount", "AWS:sourceaccount"][next(2)];
                        conditions.push(cond(op(Operator::StringEquals), key, guard));
                    }
                    match next(5) {
                        0 => statement(Effect::Deny, "*", conditions),
                        1 | 2 => anyone(conditions),
                        3 => service("s3.amazonaws.com", conditions),
                        _ => service("codebuild.amazonaws.com", conditions),
                    }
                })
                .collect();
            policies.push(statements);
        }
        let (mut found, mut unmade, mut refusals) = (0, 0, 0);
        for statements in policies {
            let policy = ir::Policy {
                variables: false,
                statements,
            };
            let [(lazily, made), (at_once, _)] = deputies_lazily_and_at_once(&policy);
            assert_eq!(lazily, at_once, "{policy:?}");
            let named = vec![Analyzer::new(&policy, &Options::default())
                .owner()
                .to_owned()];
            let probes = DeputyProbes::new(&policy, &named);
            for s in &policy.statements {
                let refused = probes.refused(&s.conditions);
                for probe in probes.get() {
                    assert_eq!(refused, source_refused(&s.conditions, probe), "{s:?}");
                }
                refusals += usize::from(refused);
            }
            found += lazily
                .iter()
                .filter(|f| f.code == Code::ServicePrincipalWithoutSource)
                .count();
            unmade += usize::from(!made);
        }
        assert!(
            found > 50 && unmade > 20 && refusals > 50,
            "{found} found, {unmade} without probes, {refusals} refused"
        );
    }

    /// The probes of a stranger lowered without sharing their parts: each probe's conditions
    /// (account, organization, network) lowered together, the reference for the parts
    /// lowered once and shared.
    fn probes_afresh(policy: &ir::Policy, named: &[String]) -> Vec<Assumption> {
        let account: Vec<ir::Condition> = (!named.is_empty())
            .then(|| {
                cond(
                    op(Operator::StringNotEquals),
                    "aws:PrincipalAccount",
                    named.iter().cloned(),
                )
            })
            .into_iter()
            .collect();
        let mut situations = stranger_situations();
        for org in patterned_orgs(policy) {
            for n in networks() {
                situations.push(in_organization(&org).into_iter().chain(n).collect());
            }
        }
        situations
            .iter()
            .map(|s| {
                let all: Vec<ir::Condition> =
                    account.iter().cloned().chain(s.iter().cloned()).collect();
                Assumption::new(&all, false)
            })
            .collect()
    }

    /// The public probes asked of one analyzer, one after another (its memory of refusals
    /// filled as they go, the organizations' constraints shared by their networks), answer
    /// as a fresh analyzer answers each alone with the probe lowered whole: fixed policies
    /// (shape 1 at ECR's size limit, in small) and 300 random ones over the keys the probes
    /// assume.
    #[test]
    fn shared_probes_answer_as_the_fresh_ones() {
        let mut policies = Vec::new();
        let public = |i: usize| {
            statement(
                Effect::Allow,
                "*",
                vec![
                    cond(
                        op(Operator::StringLike),
                        "aws:PrincipalOrgID",
                        [format!("o-{i}*")],
                    ),
                    cond(
                        op(Operator::ArnNotLike),
                        "aws:PrincipalArn",
                        [format!("arn:aws:iam::11112222{i:04}:role/*")],
                    ),
                ],
            )
        };
        policies.push((0..6).map(public).collect::<Vec<_>>());
        let mut fixed: Vec<ir::Statement> = (0..4).map(public).collect();
        fixed.push(statement(
            Effect::Allow,
            "*",
            vec![cond(
                op(Operator::StringEquals),
                "aws:PrincipalOrgID",
                ["o-a1b2c3d4e5"],
            )],
        ));
        fixed.push(statement(
            Effect::Allow,
            "arn:aws:iam::444455556666:root",
            vec![],
        ));
        policies.push(fixed);
        let mut next = crate::test_random::xorshift_usize(0x9e37_79b9_7f4a_7c15);
        let operators = [
            Operator::StringLike,
            Operator::StringNotLike,
            Operator::StringEquals,
            Operator::StringNotEquals,
            Operator::Null,
            Operator::IpAddress,
            Operator::NotIpAddress,
        ];
        let keys = [
            "aws:PrincipalOrgID",
            "aws:PrincipalOrgPaths",
            "aws:SourceIp",
            "aws:SourceVpce",
            "aws:SourceVpc",
            "aws:PrincipalAccount",
        ];
        let values = [
            "o-*",
            "o-1*",
            "o-zz9unnamed9zz",
            "o-a?c*",
            "true",
            "false",
            "0.0.0.0/0",
            "10.0.0.0/8",
            "::/0",
            "vpce-*",
            "*",
            "111122223333",
        ];
        for _ in 0..300 {
            let statements = (0..1 + next(4))
                .map(|_| {
                    let conditions = (0..next(3))
                        .map(|_| {
                            let o = operators[next(operators.len())];
                            let k = keys[next(keys.len())];
                            cond(op(o), k, [values[next(values.len())]])
                        })
                        .collect();
                    let effect = if next(4) == 0 {
                        Effect::Deny
                    } else {
                        Effect::Allow
                    };
                    let principal = if next(5) == 0 {
                        "arn:aws:iam::444455556666:root"
                    } else {
                        "*"
                    };
                    statement(effect, principal, conditions)
                })
                .collect();
            policies.push(statements);
        }
        let actions = [Action::BatchGetImage, Action::PutImage];
        let mut asked = 0;
        for statements in policies {
            let policy = ir::Policy {
                variables: false,
                statements,
            };
            let options = Options {
                owner: Some("111122223333".to_owned()),
                ..Options::default()
            };
            let shared = Analyzer::new(&policy, &options);
            let named: Vec<String> = vec!["111122223333".to_owned()];
            let mut probes = StrangerProbes::new(&policy, &named);
            let afresh = probes_afresh(&policy, &named);
            assert_eq!(probes.len(), afresh.len());
            for round in 0..2 {
                for class in shared.classes() {
                    for (i, fresh_probe) in afresh.iter().enumerate() {
                        let got = shared.decide_assumed_first(class, &actions, probes.get(i));
                        let fresh = Analyzer::new(&policy, &options);
                        let want = fresh.decide_assumed_first(class, &actions, fresh_probe);
                        assert_eq!(got, want, "round {round}, probe {i}, {class:?}, {policy:?}");
                        asked += 1;
                    }
                }
            }
        }
        assert!(asked > 1000, "{asked} questions");
    }

    /// The probes of a stranger asked in turn with a memory of the refused ones answer as
    /// each asked alone of another analyzer, probe by probe (past the first that lets the
    /// stranger in too): fixed policies (shape 1 at ECR's size limit in small, statements and
    /// denies that test the networks, an organization path) and 400 random ones over the keys
    /// the probes assume and the caller's keys, with named principals and denies.
    #[test]
    fn remembered_probes_answer_as_each_alone() {
        let public = |i: usize| {
            statement(
                Effect::Allow,
                "*",
                vec![
                    cond(
                        op(Operator::StringLike),
                        "aws:PrincipalOrgID",
                        [format!("o-{i}*")],
                    ),
                    cond(
                        op(Operator::ArnNotLike),
                        "aws:PrincipalArn",
                        [format!("arn:aws:iam::11112222{i:04}:role/*")],
                    ),
                ],
            )
        };
        let mut policies: Vec<Vec<ir::Statement>> = vec![(0..6).map(public).collect()];
        let mut networks: Vec<ir::Statement> = (0..3).map(public).collect();
        networks.push(statement(
            Effect::Deny,
            "*",
            vec![cond(op(Operator::IpAddress), "aws:SourceIp", ["0.0.0.0/0"])],
        ));
        networks.push(statement(
            Effect::Allow,
            "*",
            vec![cond(op(Operator::Null), "aws:SourceVpce", ["false"])],
        ));
        networks.push(statement(
            Effect::Allow,
            "*",
            vec![cond(
                op(Operator::StringLike),
                "aws:PrincipalOrgPaths",
                ["o-3*/r-*"],
            )],
        ));
        policies.push(networks);
        let mut next = crate::test_random::xorshift_usize(0x853c_49e6_748f_ea9b);
        let operators = [
            Operator::StringLike,
            Operator::StringNotLike,
            Operator::StringEquals,
            Operator::StringNotEquals,
            Operator::Null,
            Operator::IpAddress,
            Operator::NotIpAddress,
            Operator::ArnNotLike,
        ];
        let keys = [
            "aws:PrincipalOrgID",
            "aws:PrincipalOrgPaths",
            "aws:SourceIp",
            "aws:SourceVpce",
            "aws:SourceVpc",
            "aws:PrincipalAccount",
            "aws:PrincipalArn",
            "aws:PrincipalType",
        ];
        let values = [
            "o-*",
            "o-1*",
            "o-zz9unnamed9zz",
            "o-a?c*",
            "o-1*/*",
            "true",
            "false",
            "0.0.0.0/0",
            "10.0.0.0/8",
            "::/0",
            "vpce-*",
            "*",
            "111122223333",
            "arn:aws:iam::*:role/*",
            "AssumedRole",
        ];
        for _ in 0..400 {
            let statements = (0..1 + next(5))
                .map(|_| {
                    let conditions = (0..next(4))
                        .map(|_| {
                            let o = operators[next(operators.len())];
                            let k = keys[next(keys.len())];
                            cond(op(o), k, [values[next(values.len())]])
                        })
                        .collect();
                    let effect = if next(3) == 0 {
                        Effect::Deny
                    } else {
                        Effect::Allow
                    };
                    let principal = match next(6) {
                        0 => "arn:aws:iam::444455556666:root",
                        1 => "arn:aws:iam::444455556666:role/ci",
                        _ => "*",
                    };
                    statement(effect, principal, conditions)
                })
                .collect();
            policies.push(statements);
        }
        let action_lists: [&[Action]; 2] = [
            &[Action::BatchGetImage, Action::PutImage],
            &[Action::SetRepositoryPolicy],
        ];
        let (mut asked, mut allowed) = (0, 0);
        for statements in policies {
            let policy = ir::Policy {
                variables: false,
                statements,
            };
            let options = Options::default();
            let analyzer = Analyzer::new(&policy, &options);
            let alone = Analyzer::new(&policy, &options);
            let named: Vec<String> = vec![analyzer.owner().to_owned()];
            let mut probes = StrangerProbes::new(&policy, &named);
            // One memory for every class and list: another one starts it again.
            let mut memory = ProbeMemory::default();
            for class in analyzer.classes() {
                for actions in action_lists {
                    for i in 0..probes.len() {
                        let probe = probes.get(i).clone();
                        let got = analyzer.decide_probed_first(class, actions, &probe, &mut memory);
                        let want = alone.decide_assumed_first(class, actions, &probe);
                        assert_eq!(got, want, "probe {i}, {class:?}, {policy:?}");
                        asked += 1;
                        allowed += usize::from(got.is_some());
                    }
                }
            }
        }
        assert!(
            asked > 10_000 && allowed > 1_000,
            "{asked} asked, {allowed} allowed"
        );
    }
}

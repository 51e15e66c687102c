//! The request context: given a caller class and the constraints a request must meet, find a
//! caller of the class and a context (key -> values, or key absent) that meets them all, or
//! show that none does.
//!
//! Keys are independent except those AWS derives from the caller (`aws:PrincipalArn`,
//! `aws:PrincipalAccount`, `aws:username`, `aws:userid`, `aws:PrincipalServiceName`): the
//! solver picks the caller's account and name from their constraints first and derives the
//! rest; `aws:SourceAccount` and the account in `aws:SourceArn` are tied afterwards. Pairs it
//! does not tie (`aws:CurrentTime` with `aws:EpochTime`) are checked, and an inconsistent
//! answer is only `Possible`.

use std::collections::BTreeMap;

use policy_catalogue::{KeyType, Operator};

use crate::condition::{all_dates, Constraint, Family, Origin, Test, DATE_MAX};
use crate::date::format_date;
use crate::ir::Condition;
use crate::keys::{
    account_re, iam_name_re, key_info, path_re, service_re, session_name_re, source_arn_exclusions,
    KeyInfo, Kind, Presence,
};
use crate::ranges::{all_numbers, format_number, number_key, pick_number, IpSet, Ranges};
use crate::text::{quick as quick_text, quick_like, solve as solve_text, Nfa, Re, Sat};

/// A caller the witness names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identity {
    /// The root user of an account.
    Root {
        /// The partition.
        partition: String,
        /// The account.
        account: String,
    },
    /// An IAM user.
    User {
        /// The partition.
        partition: String,
        /// The account.
        account: String,
        /// The path, `/` for none.
        path: String,
        /// The name.
        name: String,
    },
    /// A session of an IAM role.
    Session {
        /// The partition.
        partition: String,
        /// The account.
        account: String,
        /// The role's path.
        role_path: String,
        /// The role's name.
        role: String,
        /// The session name.
        session: String,
    },
    /// A service principal.
    Service(String),
    /// An anonymous caller (no credentials).
    Anonymous,
}

impl Identity {
    /// The caller's account, if it has one.
    #[must_use]
    pub fn account(&self) -> Option<&str> {
        match self {
            Identity::Root { account, .. }
            | Identity::User { account, .. }
            | Identity::Session { account, .. } => Some(account),
            _ => None,
        }
    }

    /// The value AWS gives `aws:PrincipalArn`: for a session, the role's ARN. For a service
    /// principal the service name (as `policy_core::eval` does; AWS does not document it).
    #[must_use]
    pub fn principal_arn(&self) -> Option<String> {
        match self {
            Identity::Service(s) => Some(s.clone()),
            Identity::Anonymous => None,
            // `arn:{partition}:iam::{account}:root`, `...:user{path}{name}` or
            // `...:role{role_path}{role}`, written without formatting.
            iam => crate::live::arn_of(iam),
        }
    }

    pub(crate) fn kind(&self) -> Kind {
        match self {
            Identity::Root { .. } => Kind::Root,
            Identity::User { .. } => Kind::User,
            Identity::Session { .. } => Kind::Session,
            Identity::Service(_) => Kind::Service,
            Identity::Anonymous => Kind::Anonymous,
        }
    }
}

/// A request that meets the constraints it was built for: the caller and the context keys the
/// constraints mention, each with its values or `None` for absent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Witness {
    /// The caller.
    pub caller: Identity,
    /// Context keys (as first written in the policy), with values, or `None` when the request
    /// must not carry the key. Keys not listed do not matter.
    pub context: BTreeMap<String, Option<Vec<String>>>,
}

impl Witness {
    /// The values of a key (ignoring case): `None` when absent or not listed.
    #[must_use]
    pub fn values(&self, key: &str) -> Option<&[String]> {
        self.context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, v)| v.as_deref())
    }
}

/// Who a caller class allows the solver to pick.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Choice {
    Fixed(String),
    /// Any value but these (compared ignoring case for names), shared by the classes of
    /// one unnamed account.
    Free(std::rc::Rc<[String]>),
}

/// A caller class, as the solver sees it.
///
/// The partition and the owner are shared by every class of an analyzer (one copy, not one a
/// class).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Who {
    pub(crate) kind: Kind,
    pub(crate) partition: std::rc::Rc<str>,
    pub(crate) account: Choice,
    /// `(path, name)` of the user or role; unused for root, services and anonymous callers.
    pub(crate) name: Option<(String, String)>,
    /// Names (lowercased ARNs of users or roles, or service names) the class excludes when
    /// `name` is `None`.
    pub(crate) excluded: Vec<String>,
    pub(crate) session: Option<String>,
    /// The owning account (`aws:ResourceAccount`).
    pub(crate) owner: std::rc::Rc<str>,
    /// The repository's region (`aws:RequestedRegion`), if known.
    pub(crate) region: Option<String>,
}

/// The answer: a witness, and whether it rests only on what the model decides exactly.
#[derive(Clone, Debug)]
pub(crate) struct Solved {
    pub(crate) witness: Witness,
    pub(crate) exact: bool,
}

/// Keys the solver derives from the caller.
const IDENTITY_KEYS: [&str; 9] = [
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:username",
    "aws:userid",
    "aws:resourceaccount",
    "aws:requestedregion",
];

pub(crate) type Groups<'a> = BTreeMap<&'a str, Vec<&'a Constraint>>;

/// Whether every constraint holds for the values; `None` when one is outside the model.
pub(crate) fn check(cs: &[&Constraint], values: Option<&[String]>) -> Option<bool> {
    check_by(cs, values, Constraint::holds)
}

/// [`check`] with `holds` telling whether one constraint holds.
pub(crate) fn check_by(
    cs: &[&Constraint],
    values: Option<&[String]>,
    holds: impl Fn(&Constraint, Option<&[String]>) -> Option<bool>,
) -> Option<bool> {
    let mut unknown = false;
    for c in cs {
        match holds(c, values) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

/// Solves the constraints for the class; `mention` adds keys (without constraints) whose
/// values the witness must fix, so that other statements can be checked against it.
pub(crate) fn solve(
    who: &Who,
    constraints: &[&Constraint],
    mention: &[&Constraint],
) -> Option<Solved> {
    solve_with(who, constraints, mention, false, false)
}

/// Whether some request of the class meets the constraints: `solve(...).is_some()`, without
/// its witness. The caller's values are found by [`crate::text::quick`] where that cannot
/// change the answer: whether [`solve`] refuses rests on searches that find nothing (which
/// the quick walk never claims) and on values the class fixes, except the `aws:userid` of a
/// root user whose account is free (the account its witness picks).
///
/// The caller's derived values are tested against the conditions as written, and a caller
/// remembered for the class is refilled from the statement's patterns when it fails them
/// ([`crate::live`]): either shows a caller of the class, as the identity step would.
pub(crate) fn live(who: &Who, constraints: &[&Constraint]) -> bool {
    live_with(who, constraints, true)
}

/// [`live`] without [`crate::live`]'s steps (`fast` off): every caller from the identity
/// step or the remembered one as it is, its values told by [`Constraint::holds`] (a text
/// test by its patterns as written), every other key answered by [`solve_key_live`].
pub(crate) fn live_reference(who: &Who, constraints: &[&Constraint]) -> bool {
    live_with(who, constraints, false)
}

fn live_with(who: &Who, constraints: &[&Constraint], fast: bool) -> bool {
    let root_id = who.kind == Kind::Root
        && matches!(who.account, Choice::Free(_))
        && constraints.iter().any(|c| c.key == "aws:userid");
    solve_with(who, constraints, &[], !root_id, fast).is_some()
}

/// Whether [`solve`] refuses `base` followed by `assumed` on a key of `assumed` that `base`
/// constrains too and that is not derived from the caller: the question [`solve_with`] asks
/// of such a key, asked alone (and remembered as it would be), without lowering the rest. A
/// situation of the caller (outside every organization, say) against a statement that asks
/// for another is refused so, candidate after candidate and network after network. `false`
/// says nothing: the whole question decides.
pub(crate) fn refused_on_context(
    who: &Who,
    base: &[&Constraint],
    assumed: &[Constraint],
    memory: &Refusals,
) -> bool {
    let mut cs: Vec<&Constraint> = Vec::new();
    for (i, a) in assumed.iter().enumerate() {
        let key = a.key.as_str();
        // A key asked already is that of an earlier assumed constraint.
        if is_derived(key, who)
            || !base.iter().any(|c| c.key == key)
            || assumed[..i].iter().any(|b| b.key == key)
        {
            continue;
        }
        cs.clear();
        cs.extend(base.iter().copied().chain(assumed).filter(|c| c.key == key));
        if memory.refused(key, &cs, who.kind) {
            return true;
        }
    }
    false
}

/// The answers of [`refused_on_context`], key by key, for one analyzer: the probes of a
/// stranger ask the same key with the same conditions again and again (an organization
/// pattern of each statement against the organizations of three networks), and building
/// and hashing [`solve_key`]'s question costs more than the answer it looks up. Asked by
/// the conditions' origins themselves (the same `Rc`, kept alive here, so never another
/// origin at the same place): the same origins make the same question, so the answer is
/// the one [`solve_key`] gives.
#[derive(Debug, Default)]
pub(crate) struct Refusals(std::cell::RefCell<crate::text::FastMap<Refusal, bool>>);

/// A question of [`Refusals`]: the key, the caller's kind and the origins of the constraints.
type Refusal = (crate::condition::SharedText, Kind, Vec<SameOrigin>);

/// An origin compared and hashed by where it is.
#[derive(Debug)]
struct SameOrigin(std::rc::Rc<Origin>, bool);

impl PartialEq for SameOrigin {
    fn eq(&self, other: &SameOrigin) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0) && self.1 == other.1
    }
}

impl Eq for SameOrigin {}

impl std::hash::Hash for SameOrigin {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::rc::Rc::as_ptr(&self.0).hash(state);
        self.1.hash(state);
    }
}

impl Refusals {
    /// Whether no value (or absence) of `key` meets `cs` (all on `key`, at least one) for a
    /// caller of `kind`: `solve_key(..).is_none()`, asked once per question.
    fn refused(&self, key: &str, cs: &[&Constraint], kind: Kind) -> bool {
        let info = key_info(key, kind);
        // Cheaper than the question, as in `solve_key`: an organization of a probe tried
        // against a statement's pattern of organizations, say.
        if let Some(answer) = answer_without_search(key, cs, &info) {
            return answer.is_none();
        }
        let question: Refusal = (
            cs[0].key.clone(),
            kind,
            cs.iter()
                .map(|c| SameOrigin(c.origin.0.clone(), c.origin.1))
                .collect(),
        );
        if let Some(&known) = self.0.borrow().get(&question) {
            return known;
        }
        let refused = solve_key(key, cs, &info).is_none();
        self.0.borrow_mut().insert(question, refused);
        refused
    }
}

/// Whether some value (or absence) of `key`, which is not derived from the caller, meets
/// `cs` (all on `key`) for a caller of the class: what [`solve_with`] asks of a key that no
/// other constraint of its question tests. A question refused while such a key admits a
/// value was refused on its other keys.
pub(crate) fn admits_alone(who: &Who, key: &str, cs: &[&Constraint]) -> bool {
    !is_derived(key, who)
        && !cs.iter().any(|c| refused_alone(c, who))
        && solve_key(key, cs, &key_info(key, who.kind)).is_some()
}

/// Whether `c` alone refuses every request of the class, whatever the other constraints on
/// its key: it fails where the key is missing and the key is one the class's requests never
/// carry, or no value passes it. [`solve_with`] then refuses at the key (the group's answer
/// in [`answer_without_search`]), before the rest is built: a statement that asks for an
/// organization, against each service.
fn refused_alone(c: &Constraint, who: &Who) -> bool {
    !c.when_missing
        && !is_derived(&c.key, who)
        && (matches!(c.test, Test::Const(false))
            || key_info(&c.key, who.kind).presence == Presence::Never)
}

/// [`solve`]; `quick`: the caller's values may be any that pass, not the witness's, and
/// the answer's context is left empty (only whether there is one is asked). `fast` (with
/// `quick`): [`live`]'s steps of [`crate::live`].
fn solve_with(
    who: &Who,
    constraints: &[&Constraint],
    mention: &[&Constraint],
    quick: bool,
    fast: bool,
) -> Option<Solved> {
    if constraints.iter().any(|c| refused_alone(c, who)) {
        return None;
    }
    let (groups, names) = group(constraints, mention, quick);
    let get = |k: &str| groups.get(k).map_or(&[][..], Vec::as_slice);
    let mut exact = true;
    // The keys not derived from the caller first: they are solved key by key (and
    // remembered), so a request that no context can meet is refused before the dearer
    // choice of the caller. The answer is the same in either order.
    let mut independent: BTreeMap<&str, (Option<Vec<String>>, bool)> = BTreeMap::new();
    for (key, cs) in &groups {
        if is_derived(key, who) {
            continue;
        }
        let info = key_info(key, who.kind);
        if quick && fast && crate::live::some_value(key, cs, &info, || cached_domain(key, &info)) {
            // Whether there is an answer is all [`live`] asks of the key.
            continue;
        }
        let (values, key_exact) = if quick {
            solve_key_live(key, cs, &info)?
        } else {
            solve_key(key, cs, &info)?
        };
        if quick {
            // [`live`] keeps only whether there is an answer: the values are not kept.
            continue;
        }
        let key_exact = key_exact && !(info.outside && values.is_some() && !cs.is_empty());
        independent.insert(key, (values, key_exact));
    }
    // Whether some caller passes needs one that does: the first one found for the class may.
    let (earlier, known) = if quick {
        live_caller(who, &groups, fast)
    } else {
        (None, false)
    };
    let from_earlier = earlier.is_some();
    let (caller, identity_exact) = match earlier {
        Some(caller) => (caller, false),
        None => remembered_identity(who, &get, quick)?,
    };
    exact &= identity_exact;
    debug_assert_eq!(caller.kind(), who.kind);
    let meets = |caller: &Identity| {
        if fast {
            crate::live::meets_derived(who, &groups, caller)
        } else {
            meets_derived(who, &groups, caller)
        }
    };
    if quick && !known && !from_earlier && identity_exact && meets(&caller) {
        LIVE_CALLER.with(|l| {
            *l.borrow_mut() = Some(Earlier {
                who: who.clone(),
                caller: caller.clone(),
                misses: 0,
            });
        });
    }
    let mut context = BTreeMap::new();
    // A caller [`crate::live::refill`] gave meets every constraint on a derived key: what
    // follows would find so, test after test, through automata built for them.
    let checked = fast && from_earlier;
    for (key, cs) in &groups {
        if quick && (checked || !is_derived(key, who)) {
            // Solved above, and not kept: whether there is an answer is all [`live`] asks.
            continue;
        }
        if let Some((values, key_exact)) = independent.remove(key) {
            let name = names[key].to_owned();
            exact &= key_exact;
            context.insert(name, values);
            continue;
        }
        if let Some(fixed) = derived(key, &caller, who) {
            match check(cs, fixed.as_deref()) {
                Some(true) => {}
                Some(false) => {
                    // A value no choice of the identity step changes: no caller of the class
                    // passes. Otherwise the choice may have missed one.
                    let account_fixed = matches!(who.account, Choice::Fixed(_));
                    // There is one anonymous caller, with no ARN, account name or service.
                    let determined = who.kind == Kind::Anonymous
                        || match *key {
                            "aws:principalaccount" => account_fixed,
                            "aws:principalarn" | "aws:username" => {
                                account_fixed && (who.name.is_some() || who.kind == Kind::Root)
                            }
                            "aws:principalservicename" => {
                                who.name.is_some() || who.kind != Kind::Service
                            }
                            "aws:userid" => who.session.is_some() || who.kind != Kind::Session,
                            _ => true,
                        };
                    if determined {
                        return None;
                    }
                    exact = false;
                }
                None => exact = false,
            }
            if !quick && (!cs.is_empty() || IDENTITY_KEYS.contains(key)) {
                context.insert(names[key].to_owned(), fixed);
            }
            continue;
        }
        unreachable!("every key is derived or solved on its own: {key}");
    }
    if quick {
        // [`live`] asks only whether a request passes, which nothing below changes: the
        // context is left empty and `exact` unused.
        return Some(Solved {
            witness: Witness { caller, context },
            exact,
        });
    }
    // aws:SourceAccount is the account of aws:SourceArn, when the ARN has one: tie them by
    // solving one again with the other's account.
    tie_source(&groups, &names, &caller, &mut context, &mut exact);
    // Pairs the solver does not tie: an inconsistent pair makes the answer possible only.
    let v = |k: &str| {
        context
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
            .and_then(|(_, v)| v.as_ref())
            .and_then(|v| v.first())
    };
    if v("aws:CurrentTime").is_some() && v("aws:EpochTime").is_some() {
        exact = false;
    }
    if let (Some(org), Some(path)) = (v("aws:PrincipalOrgID"), v("aws:PrincipalOrgPaths")) {
        if !path.starts_with(&format!("{org}/")) {
            exact = false;
        }
    }
    Some(Solved {
        witness: Witness { caller, context },
        exact,
    })
}

/// The names of keys as first written, by key.
type Names<'a> = BTreeMap<&'a str, &'a str>;

/// Up to this many constraints and mentions, [`group_in_maps`] looks them up for less than
/// the list costs to make.
const GROUPED_IN_MAPS: usize = 12;

/// The constraints by key, and each key's name as first written (with `quick`, only the
/// mentioned keys' names: [`live`] keeps no context); the keys of `mention` are entered
/// without constraints.
///
/// A question tests a handful of keys, mostly in runs of constraints on one key, and is
/// asked thousands of times by a search: the keys are gathered in a list, looked up from its
/// end and told apart by length first, then each entered in the maps once, rather than each
/// constraint looked up in both (`tests::grouping_is_as_the_maps_give`).
fn group<'a>(
    constraints: &[&'a Constraint],
    mention: &[&'a Constraint],
    quick: bool,
) -> (Groups<'a>, Names<'a>) {
    if constraints.len() + mention.len() <= GROUPED_IN_MAPS {
        return group_in_maps(constraints, mention, quick);
    }
    type Entry<'a> = (&'a str, Vec<&'a Constraint>, Option<&'a str>);
    fn find(keys: &[Entry<'_>], key: &str) -> Option<usize> {
        keys.iter()
            .rposition(|(k, ..)| k.len() == key.len() && (k.as_ptr() == key.as_ptr() || *k == key))
    }
    let mut keys: Vec<Entry<'a>> = Vec::new();
    for c in constraints {
        let key = c.key.as_str();
        match find(&keys, key) {
            Some(at) => keys[at].1.push(c),
            None => keys.push((key, vec![c], (!quick).then(|| c.name.as_str()))),
        }
    }
    for c in mention {
        let key = c.key.as_str();
        match find(&keys, key) {
            Some(at) => {
                keys[at].2.get_or_insert(c.name.as_str());
            }
            None => keys.push((key, Vec::new(), Some(c.name.as_str()))),
        }
    }
    let (mut groups, mut names) = (Groups::new(), Names::new());
    for (key, cs, name) in keys {
        if let Some(name) = name {
            names.insert(key, name);
        }
        groups.insert(key, cs);
    }
    (groups, names)
}

/// [`group`] by the maps themselves: each constraint's key, and every mentioned key but one
/// just entered, looked up in both. The cheaper way for a short question, and the
/// reference of the other.
fn group_in_maps<'a>(
    constraints: &[&'a Constraint],
    mention: &[&'a Constraint],
    quick: bool,
) -> (Groups<'a>, Names<'a>) {
    let mut groups: Groups = BTreeMap::new();
    let mut names: Names = BTreeMap::new();
    for c in constraints {
        groups.entry(c.key.as_str()).or_default().push(c);
        if !quick {
            names.entry(c.key.as_str()).or_insert(c.name.as_str());
        }
    }
    let mut last: Option<&str> = None;
    for c in mention {
        if last == Some(c.key.as_str()) {
            continue;
        }
        last = Some(c.key.as_str());
        groups.entry(c.key.as_str()).or_default();
        names.entry(c.key.as_str()).or_insert(c.name.as_str());
    }
    (groups, names)
}

thread_local! {
    /// The first caller [`live`] found for a class that meets, by its values, every
    /// constraint on the keys derived from it: the statements of a policy often ask one class
    /// for callers that one caller can be for many of them.
    static LIVE_CALLER: std::cell::RefCell<Option<Earlier>> =
        const { std::cell::RefCell::new(None) };
}

/// A caller [`live`] found, for [`live_caller`].
struct Earlier {
    who: Who,
    caller: Identity,
    /// How many questions it has not met: past [`LIVE_MISSES`] it is not tried again.
    misses: u8,
}

/// How many questions a remembered caller may fail before [`live_caller`] stops trying it
/// (statements that each ask for other callers, say roles named after them).
const LIVE_MISSES: u8 = 2;

/// The caller [`LIVE_CALLER`] holds for class `who`, when its values meet every constraint of
/// `groups` on a key derived from the caller, and whether it holds one for the class. A
/// caller of the class that meets them proves that the identity step would not refuse (it
/// refuses only when none does); the keys not derived from the caller are solved on their
/// own either way.
///
/// `fast`: the caller refilled from the statement's patterns where it fails them
/// ([`crate::live::refill`]), however many questions it failed before.
fn live_caller(who: &Who, groups: &Groups, fast: bool) -> (Option<Identity>, bool) {
    LIVE_CALLER.with(|l| {
        let mut l = l.borrow_mut();
        let Some(earlier) = l.as_mut().filter(|e| e.who == *who) else {
            return (None, false);
        };
        if fast {
            return (crate::live::refill(who, groups, &earlier.caller), true);
        }
        if earlier.misses >= LIVE_MISSES {
            return (None, true);
        }
        if meets_derived(who, groups, &earlier.caller) {
            (Some(earlier.caller.clone()), true)
        } else {
            earlier.misses += 1;
            (None, true)
        }
    })
}

/// Whether the caller's values meet, certainly, every constraint of `groups` on a key
/// derived from the caller.
fn meets_derived(who: &Who, groups: &Groups, caller: &Identity) -> bool {
    groups
        .iter()
        .filter(|(key, _)| is_derived(key, who))
        .all(|(key, cs)| {
            derived(key, caller, who).is_some_and(|v| check(cs, v.as_deref()) == Some(true))
        })
}

type Context = BTreeMap<String, Option<Vec<String>>>;

/// Makes `aws:SourceAccount` the account of `aws:SourceArn` when both are present and the
/// ARN names an account: solves the ARN again within the account, else the account again as
/// the ARN's; when neither works the answer is only possible.
fn tie_source(
    groups: &Groups,
    names: &Names,
    caller: &Identity,
    context: &mut Context,
    exact: &mut bool,
) {
    let first = |context: &Context, key: &str| {
        context
            .get(names.get(key).copied().unwrap_or(""))
            .and_then(|v| v.as_ref())
            .and_then(|v| v.first().cloned())
    };
    let (Some(account), Some(arn)) = (
        first(context, "aws:sourceaccount"),
        first(context, "aws:sourcearn"),
    ) else {
        return;
    };
    let field = arn.split(':').nth(4).unwrap_or("").to_owned();
    if field.is_empty() || field == account {
        return;
    }
    let kind = caller.kind();
    let again = |key: &str, extra: Condition| {
        let extra = Constraint::lower(&extra, false);
        let mut cs: Vec<&Constraint> = groups.get(key).cloned().unwrap_or_default();
        cs.push(&extra);
        solve_key(key, &cs, &key_info(key, kind)).and_then(|(v, e)| v.map(|v| (v, e)))
    };
    let within = Condition::new(
        Operator::ArnLike.into(),
        "aws:SourceArn",
        [format!("arn:*:*:*:{account}:*"), "arn:*:*:*::*".to_owned()],
    );
    if let Some((values, e)) = again("aws:sourcearn", within) {
        *exact &= e;
        context.insert(names["aws:sourcearn"].to_owned(), Some(values));
        return;
    }
    let same = Condition::new(Operator::StringEquals.into(), "aws:SourceAccount", [field]);
    if let Some((values, e)) = again("aws:sourceaccount", same) {
        *exact &= e;
        context.insert(names["aws:sourceaccount"].to_owned(), Some(values));
        return;
    }
    *exact = false;
}

/// At most this many accounts in all for [`account_outside`]: the search for them walks
/// about twelve product states an account, far below [`crate::text`]'s budget.
const ACCOUNTS_ANSWERED: usize = 1_000;

/// The account [`solve_text_key`] picks for a caller of a free account that must be none of
/// some twelve-digit accounts (tests `StringNotEquals` lowers to, as the stranger's account
/// is asked) and none of the class's `excluded` ones, without its search:
/// [`first_account_but`] of them all (the domain's automaton names no digit, the others
/// name the digits of these accounts). `None` for other tests, other values, none or too
/// many.
fn account_outside(excluded: &[String], cs: &[&Constraint]) -> Option<String> {
    let twelve = |a: &str| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
    // The accounts as they are, not copied.
    let mut all: Vec<&str> = excluded.iter().map(String::as_str).collect();
    for c in cs {
        let Test::Text {
            negated: true,
            finite: Some(values),
            ..
        } = &c.test
        else {
            return None;
        };
        all.extend(values.iter().map(String::as_str));
    }
    (!all.is_empty() && all.len() <= ACCOUNTS_ANSWERED && all.iter().all(|a| twelve(a)))
        .then(|| first_account_but(&all))
}

/// The first twelve-digit string, in the solver's order, that is none of `excluded`: the digits
/// the accounts hold in ascending order, then the least digit they do not hold.
pub(crate) fn first_account_but<S: AsRef<str>>(excluded: &[S]) -> String {
    let mut held = [false; 10];
    for a in excluded {
        for b in a.as_ref().bytes() {
            held[usize::from(b - b'0')] = true;
        }
    }
    let mut digits: Vec<u8> = (b'0'..=b'9')
        .filter(|d| held[usize::from(d - b'0')])
        .collect();
    if let Some(other) = (b'0'..=b'9').find(|d| !held[usize::from(d - b'0')]) {
        digits.push(other);
    }
    // Sorted once (the named accounts come sorted already) and searched by halves.
    let mut excluded: Vec<&[u8]> = excluded.iter().map(|a| a.as_ref().as_bytes()).collect();
    excluded.sort_unstable();
    // An odometer over `digits`: at most one step more than there are accounts.
    let mut at = [0usize; 12];
    loop {
        let mut candidate = [0u8; 12];
        for (c, &i) in candidate.iter_mut().zip(&at) {
            *c = digits[i];
        }
        if excluded.binary_search(&candidate.as_slice()).is_err() {
            return String::from_utf8(candidate.to_vec()).unwrap_or_default();
        }
        let mut i = 11;
        loop {
            at[i] += 1;
            if at[i] < digits.len() {
                break;
            }
            at[i] = 0;
            i -= 1;
        }
    }
}

/// Whether [`derived`] gives the key's value (for any caller of the class).
pub(crate) fn is_derived(key: &str, who: &Who) -> bool {
    IDENTITY_KEYS.contains(&key) && (key != "aws:requestedregion" || who.region.is_some())
}

/// The value AWS derives for a key from the caller and the repository: `Some(None)` for a key
/// the request does not carry, `None` for a key not derived.
pub(crate) fn derived(key: &str, caller: &Identity, who: &Who) -> Option<Option<Vec<String>>> {
    let one = |s: &str| Some(Some(vec![s.to_owned()]));
    match key {
        "aws:principalarn" => Some(caller.principal_arn().map(|a| vec![a])),
        "aws:principalaccount" => match caller {
            Identity::Anonymous => one("anonymous"),
            c => Some(c.account().map(|a| vec![a.to_owned()])),
        },
        "aws:principaltype" => one(match caller {
            Identity::Root { .. } => "Account",
            Identity::User { .. } => "User",
            Identity::Session { .. } => "AssumedRole",
            Identity::Service(_) => "AWSService",
            Identity::Anonymous => "Anonymous",
        }),
        "aws:principalisawsservice" => match caller {
            Identity::Anonymous => Some(None),
            Identity::Service(_) => one("true"),
            _ => one("false"),
        },
        "aws:principalservicename" => match caller {
            Identity::Service(s) => one(s),
            _ => Some(None),
        },
        "aws:username" => match caller {
            Identity::User { name, .. } => one(name),
            _ => Some(None),
        },
        "aws:userid" => match caller {
            Identity::User { .. } => one("AIDAEXAMPLEUSERID0001"),
            Identity::Session { session, .. } => {
                Some(Some(vec![format!("AROAEXAMPLEROLEID0001:{session}")]))
            }
            Identity::Root { account, .. } => one(account),
            Identity::Anonymous => one("anonymous"),
            Identity::Service(_) => Some(None),
        },
        "aws:resourceaccount" => one(&who.owner),
        "aws:requestedregion" => who.region.as_deref().map(|r| Some(vec![r.to_owned()])),
        _ => None,
    }
}

/// A 12-digit account not among `excluded`, counting down from 999999999999.
pub(crate) fn fresh_account(excluded: &[String]) -> String {
    let mut candidate = *b"999999999999";
    loop {
        if !excluded.iter().any(|e| e.as_bytes() == candidate) {
            return String::from_utf8(candidate.to_vec()).unwrap_or_default();
        }
        count_down(&mut candidate);
    }
}

/// Twelve decimal digits made one less in place, borrowing from the left: the count down of
/// [`fresh_account`] without dividing by ten twelve times a candidate.
fn count_down(digits: &mut [u8; 12]) {
    for d in digits.iter_mut().rev() {
        if *d == b'0' {
            *d = b'9';
        } else {
            *d -= 1;
            return;
        }
    }
}

/// The automaton of names a class excludes, kept for the last short list asked about: one
/// class is asked about again and again (each deny of a policy, say), and building the
/// automaton and its tables each time costs more than the match.
fn exclusions(names: &[String]) -> std::rc::Rc<Nfa> {
    /// The longest list kept: copying it must cost less than building its automaton.
    const KEPT_NAMES: usize = 8;
    thread_local! {
        static LAST: std::cell::RefCell<Option<(Vec<String>, std::rc::Rc<Nfa>)>> =
            const { std::cell::RefCell::new(None) };
    }
    let build = || std::rc::Rc::new(Nfa::strings(names.iter().map(String::as_str), false, true));
    if names.len() > KEPT_NAMES {
        return build();
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((kept, nfa)) = last.as_ref() {
            if kept.as_slice() == names {
                return nfa.clone();
            }
        }
        let nfa = build();
        *last = Some((names.to_vec(), nfa.clone()));
        nfa
    })
}

/// The keys [`identity`] reads.
const CALLER_KEYS: [&str; 5] = [
    "aws:principalservicename",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:username",
    "aws:userid",
];

/// What [`identity`] depends on: the class and the conditions on [`CALLER_KEYS`].
type CallerQuestion = (Who, Vec<(std::rc::Rc<Origin>, bool)>);

/// Answers of [`identity`] by the hash of their question ([`caller_hash`]), each kept with
/// its question to compare in full.
type Callers = crate::text::FastMap<u64, Vec<(CallerQuestion, Option<(Identity, bool)>)>>;

thread_local! {
    /// Answers of [`identity`]: one class is asked about again and again, under each probe
    /// and each deny to escape, with the same constraints on its identity.
    static CALLERS: std::cell::RefCell<Callers> = std::cell::RefCell::default();
}

/// The hash of a [`CallerQuestion`] from its parts, so that a question is looked up without
/// copying the class.
fn caller_hash<'b>(
    who: &Who,
    origins: impl Iterator<Item = &'b (std::rc::Rc<Origin>, bool)>,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::text::StateHasher::default();
    who.hash(&mut h);
    for o in origins {
        o.hash(&mut h);
    }
    h.finish()
}

/// [`identity`], remembered per thread.
fn remembered_identity<'a>(
    who: &Who,
    get: &dyn Fn(&str) -> &'a [&'a Constraint],
    quick: bool,
) -> Option<(Identity, bool)> {
    // An origin names its key, so the list says which constraint is on which key.
    let origins = || {
        CALLER_KEYS
            .iter()
            .flat_map(|key| get(key).iter().map(|c| &c.origin))
    };
    let hash = caller_hash(who, origins());
    let known = CALLERS.with(|m| {
        m.borrow().get(&hash).and_then(|bucket| {
            bucket
                .iter()
                .find(|((w, o), _)| w == who && o.iter().eq(origins()))
                .map(|(_, answer)| answer.clone())
        })
    });
    if let Some(known) = known {
        return known;
    }
    let answer = identity(who, get, quick);
    if quick {
        // Not the witness [`identity`] gives: not for the memory of witnesses.
        return answer;
    }
    let question: CallerQuestion = (who.clone(), origins().cloned().collect());
    CALLERS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= KEY_ANSWERS_KEPT {
            m.clear();
        }
        m.entry(hash).or_default().push((question, answer.clone()));
    });
    answer
}

/// Picks the caller: its account, name and session, from the constraints on the keys AWS
/// derives from them.
fn identity<'a>(
    who: &Who,
    get: &dyn Fn(&str) -> &'a [&'a Constraint],
    quick: bool,
) -> Option<(Identity, bool)> {
    let p = who.partition.to_string();
    let mut exact = true;
    match who.kind {
        Kind::Anonymous => return Some((Identity::Anonymous, true)),
        Kind::Service => {
            let name = match &who.name {
                Some((_, n)) => n.clone(),
                None => {
                    let mut cs: Vec<&Constraint> = get("aws:principalservicename").to_vec();
                    cs.extend_from_slice(get("aws:principalarn"));
                    if cs.is_empty() {
                        pick_default(
                            &["unnamed.amazonaws.com", "other.amazonaws.com"],
                            &who.excluded,
                        )
                    } else {
                        let domain =
                            cached_nfa("service".to_owned(), || Nfa::from_re(&service_re()));
                        let ex = exclusions(&who.excluded);
                        match solve_text_key(&cs, &domain, &[&ex], quick) {
                            Sat::Yes(s) => s,
                            Sat::No => return None,
                            Sat::Unknown => {
                                exact = false;
                                pick_default(
                                    &["unnamed.amazonaws.com", "other.amazonaws.com"],
                                    &who.excluded,
                                )
                            }
                        }
                    }
                }
            };
            // What AWS puts in aws:PrincipalArn for a service principal is not documented:
            // the key's documented principal types leave services out (absent), and
            // `policy_core::eval` gives the service name. Only an answer that rests on which
            // of the two it is stays open; one both readings meet (a negated test such as
            // `ArnNotLike` on IAM role ARNs) holds either way.
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
            let arn_cs = get("aws:principalarn");
            if !arn_cs.is_empty()
                && (check(arn_cs, None) != Some(true)
                    || check(arn_cs, Some(std::slice::from_ref(&name))) != Some(true))
            {
                exact = false;
            }
            return Some((Identity::Service(name), exact));
        }
        Kind::Root | Kind::User | Kind::Session => {}
    }
    // The account.
    let account_cs = get("aws:principalaccount");
    let (mut account, account_free) = match &who.account {
        Choice::Fixed(a) => (a.clone(), false),
        Choice::Free(excluded) => {
            if account_cs.is_empty() {
                (fresh_account(excluded), true)
            } else {
                if let Some(a) = account_outside(excluded, account_cs) {
                    (a, true)
                } else {
                    let domain = cached_nfa("account".to_owned(), || Nfa::from_re(&account_re()));
                    let ex = Nfa::strings(excluded.iter().map(String::as_str), false, false);
                    match solve_text_key(account_cs, &domain, &[&ex], quick) {
                        Sat::Yes(a) => (a, true),
                        Sat::No => return None,
                        Sat::Unknown => {
                            exact = false;
                            (fresh_account(excluded), true)
                        }
                    }
                }
            }
        }
    };
    let arn_cs = get("aws:principalarn");
    let session = who.session.clone().unwrap_or_else(|| "session".to_owned());
    let make = |account: &str, path: &str, name: &str| match who.kind {
        Kind::Root => Identity::Root {
            partition: p.clone(),
            account: account.to_owned(),
        },
        Kind::User => Identity::User {
            partition: p.clone(),
            account: account.to_owned(),
            path: path.to_owned(),
            name: name.to_owned(),
        },
        _ => Identity::Session {
            partition: p.clone(),
            account: account.to_owned(),
            role_path: path.to_owned(),
            role: name.to_owned(),
            session: session.clone(),
        },
    };
    let word = if who.kind == Kind::User {
        "user"
    } else {
        "role"
    };
    let (path, name) = match (&who.name, who.kind) {
        (_, Kind::Root) => ("/".to_owned(), String::new()),
        (Some((path, name)), _) => (path.clone(), name.clone()),
        (None, _) => {
            let default = if who.kind == Kind::User {
                "unnamed-user"
            } else {
                "unnamed-role"
            };
            let default_arn =
                |a: &str| format!("arn:{p}:iam::{a}:{word}/{default}").to_ascii_lowercase();
            let username_cs = get("aws:username");
            if arn_cs.is_empty()
                && username_cs.is_empty()
                && !who.excluded.contains(&default_arn(&account))
            {
                ("/".to_owned(), default.to_owned())
            } else if arn_cs.is_empty() && who.kind == Kind::User {
                // Only the user name is constrained.
                let ex: Vec<String> = who
                    .excluded
                    .iter()
                    .filter_map(|a| a.rsplit('/').next().map(str::to_owned))
                    .collect();
                let ex = exclusions(&ex);
                let domain = cached_nfa("iam name".to_owned(), || Nfa::from_re(&iam_name_re()));
                match solve_text_key(username_cs, &domain, &[&ex], quick) {
                    Sat::Yes(n) => ("/".to_owned(), n),
                    Sat::No => return None,
                    Sat::Unknown => {
                        exact = false;
                        ("/".to_owned(), default.to_owned())
                    }
                }
            } else if arn_cs.is_empty() {
                ("/".to_owned(), pick_role(&who.excluded, &account, &p))
            } else {
                let ex = exclusions(&who.excluded);
                match solve_arn(
                    arn_cs,
                    account_cs,
                    who,
                    &mut account,
                    account_free,
                    word,
                    &ex,
                    quick,
                ) {
                    Sat::Yes(arn) => split_arn(&arn, word),
                    Sat::No => return None,
                    Sat::Unknown => {
                        exact = false;
                        ("/".to_owned(), default.to_owned())
                    }
                }
            }
        }
    };
    if who.kind == Kind::Root && !arn_cs.is_empty() && !root_arn_meets(arn_cs, &p, &account) {
        let none = Nfa::strings([], false, false);
        match solve_arn(
            arn_cs,
            account_cs,
            who,
            &mut account,
            account_free,
            "root",
            &none,
            quick,
        ) {
            Sat::Yes(_) => {}
            Sat::No => return None,
            Sat::Unknown => exact = false,
        }
    }
    // The session, from `aws:userid` (`ROLEID:session`) when it is constrained.
    let mut caller = make(&account, &path, &name);
    let userid_cs = get("aws:userid");
    if who.kind == Kind::Session && who.session.is_none() && !userid_cs.is_empty() {
        let domain = cached_nfa("user id".to_owned(), || {
            Nfa::from_re(&Re::Seq(vec![
                Re::lit("AROAEXAMPLEROLEID0001:"),
                session_name_re(),
            ]))
        });
        match solve_text_key(userid_cs, &domain, &[], quick) {
            Sat::Yes(id) => {
                if let (Identity::Session { session, .. }, Some((_, s))) =
                    (&mut caller, id.split_once(':'))
                {
                    *session = s.to_owned();
                }
            }
            Sat::No => {}
            Sat::Unknown => exact = false,
        }
    }
    Some((caller, exact))
}

/// Whether the root user's ARN in `account` meets every constraint on `aws:PrincipalArn`,
/// each by its own test: [`solve_arn`] would then answer `Sat::Yes` with the account kept
/// (its first question's domain is this one ARN), and its automata need not be built. A
/// policy's `ArnNotLike` on role ARNs, asked of each root class, say.
fn root_arn_meets(arn_cs: &[&Constraint], p: &str, account: &str) -> bool {
    let arn = [format!("arn:{p}:iam::{account}:root")];
    check(arn_cs, Some(&arn)) == Some(true)
}

/// An ARN `arn:P:iam::ACCOUNT:root`, or `...:user/path/name` or `...:role/path/name` by
/// `word`, meeting the constraints on `aws:PrincipalArn`. With a free account, the account is
/// read from the ARN (excluding the accounts the policy names) and must meet the constraints
/// on `aws:PrincipalAccount`.
#[allow(clippy::too_many_arguments)]
fn solve_arn(
    arn_cs: &[&Constraint],
    account_cs: &[&Constraint],
    who: &Who,
    account: &mut String,
    account_free: bool,
    word: &str,
    exclude: &Nfa,
    quick: bool,
) -> Sat<String> {
    let p = &who.partition;
    let domain = |account: Option<&str>| {
        // The name `arn {p} {account or *} {word}`, without the formatting machinery.
        let account_text = account.unwrap_or("*");
        let mut name = String::with_capacity(6 + p.len() + account_text.len() + word.len());
        for part in ["arn ", p, " ", account_text, " ", word] {
            name.push_str(part);
        }
        cached_nfa(name, || {
            let tail = if word == "root" {
                Re::lit(":root")
            } else {
                Re::Seq(vec![Re::Lit(format!(":{word}")), path_re(), iam_name_re()])
            };
            Nfa::from_re(&Re::Seq(vec![
                Re::Lit(format!("arn:{p}:iam::")),
                account.map_or_else(account_re, Re::lit),
                tail,
            ]))
        })
    };
    let fixed = solve_text_key(arn_cs, &domain(Some(account)), &[exclude], quick);
    if !account_free || fixed != Sat::No {
        return fixed;
    }
    let named: &[String] = match &who.account {
        Choice::Free(e) => e,
        Choice::Fixed(_) => &[],
    };
    let named: Vec<String> = named
        .iter()
        .map(|a| format!("arn:{p}:iam::{a}:*"))
        .collect();
    let named = Nfa::strings(named.iter().map(String::as_str), true, false);
    match solve_text_key(arn_cs, &domain(None), &[exclude, &named], quick) {
        Sat::Yes(arn) => {
            let other = arn.split(':').nth(4).unwrap_or("").to_owned();
            let v = [other.clone()];
            if check(account_cs, Some(&v)) == Some(true) {
                *account = other;
                Sat::Yes(arn)
            } else {
                Sat::Unknown
            }
        }
        other => other,
    }
}

fn pick_default(candidates: &[&str], excluded: &[String]) -> String {
    candidates
        .iter()
        .find(|c| !excluded.iter().any(|e| e.eq_ignore_ascii_case(c)))
        .map_or_else(
            || format!("unnamed{}.amazonaws.com", excluded.len()),
            |c| (*c).to_owned(),
        )
}

fn pick_role(excluded: &[String], account: &str, p: &str) -> String {
    (0..)
        .map(|i| {
            if i == 0 {
                "unnamed-role".to_owned()
            } else {
                format!("unnamed-role-{i}")
            }
        })
        .find(|n| {
            !excluded.contains(&format!("arn:{p}:iam::{account}:role/{n}").to_ascii_lowercase())
        })
        .expect("a free name")
}

/// `(path, name)` of `arn:P:iam::A:user/path/name`.
fn split_arn(arn: &str, word: &str) -> (String, String) {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or("");
    let rest = resource.strip_prefix(word).unwrap_or(resource);
    match rest.rfind('/') {
        Some(i) => (rest[..=i].to_owned(), rest[i + 1..].to_owned()),
        None => ("/".to_owned(), rest.to_owned()),
    }
}

/// One value that passes every constraint's test, within a text domain.
fn solve_text_key(cs: &[&Constraint], domain: &Nfa, exclude: &[&Nfa], quick: bool) -> Sat<String> {
    let tests: Vec<&Test> = cs.iter().map(|c| &c.test).collect();
    // The key is present: constraints that hold only when it is missing cannot.
    let info = KeyInfo {
        presence: Presence::Always,
        multi: false,
        value_type: KeyType::String,
        outside: false,
        domain: || Re::lit(""),
    };
    match solve_values(&tests, &info, domain, exclude, "", Quick::of(quick, cs)) {
        (Sat::Yes(_), true) => Sat::Unknown,
        (sat, _) => sat,
    }
}

/// The answer of [`solve_key`]: values or absence, and whether it is exact; `None` when no
/// request meets the constraints.
type KeyAnswer = Option<(Option<Vec<String>>, bool)>;

/// What [`solve_key`] depends on: the key, what is known of it, and the conditions its
/// constraints were lowered from, in order.
type KeyQuestion = (
    String,
    (Presence, bool, KeyType, bool),
    Vec<(std::rc::Rc<Origin>, bool)>,
);

/// The question [`solve_key`]'s answers are remembered under: equal origins lower to equal
/// constraints, so the conditions as written stand for them.
fn key_question(key: &str, cs: &[&Constraint], info: &KeyInfo) -> KeyQuestion {
    (
        key.to_owned(),
        (info.presence, info.multi, info.value_type, info.outside),
        cs.iter().map(|c| c.origin.clone()).collect(),
    )
}

thread_local! {
    /// Answers of [`solve_key`]: the same keys are asked about with the same conditions from
    /// class to class, probe to probe and policy to policy (the situations of a stranger, a
    /// deny by network).
    static KEY_ANSWERS: std::cell::RefCell<crate::text::FastMap<KeyQuestion, KeyAnswer>> =
        std::cell::RefCell::default();
}

/// Past this many questions the memory of [`solve_key`]'s answers starts again. Small: over
/// 10,000 policy files, a memory of 4,096 answers made the lint twice as slow as one of 512.
const KEY_ANSWERS_KEPT: usize = 512;

/// Values (or absence) for a key that is not derived from the caller, remembered per thread
/// (the answer depends only on the key, what is known of it and the constraints). An answer
/// that takes no search ([`answer_without_search`]) is worked out instead of remembered.
fn solve_key(key: &str, cs: &[&Constraint], info: &KeyInfo) -> KeyAnswer {
    if let Some(answer) = answer_without_search(key, cs, info) {
        return answer;
    }
    let question = key_question(key, cs, info);
    if let Some(known) = KEY_ANSWERS.with(|m| m.borrow().get(&question).cloned()) {
        return known;
    }
    let answer = solve_key_afresh(key, cs, info, false);
    KEY_ANSWERS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= KEY_ANSWERS_KEPT {
            m.clear();
        }
        m.insert(question, answer.clone());
    });
    answer
}

/// [`solve_key`] for a question that needs only whether some value (or absence) passes, not
/// which: the answer remembered when there is one, else values found by the quick walk
/// ([`crate::text::quick`]), not remembered. `None` exactly when [`solve_key`] says `None`:
/// that rests on searches that find nothing, which the quick walk never claims (it falls back
/// to the search when it finds nothing), and whatever it finds passes every test. The
/// values of an independent key are not read by the rest of [`solve_with`] but for the
/// witness (and [`tie_source`], which never refuses).
fn solve_key_live(key: &str, cs: &[&Constraint], info: &KeyInfo) -> KeyAnswer {
    if let Some(answer) = answer_without_search(key, cs, info) {
        return answer;
    }
    // Tests of addresses alone take no search: answered afresh, the memory not asked (its
    // question costs more than the answer; a deny by network asks one of its own). Whether
    // there is an answer is all that is read, and the memory's answer, when it has one, is
    // the same there (`tests::live_addresses_are_answered_as_remembered`).
    if cs.iter().all(|c| matches!(c.test, Test::Ips { .. })) {
        return solve_key_afresh(key, cs, info, true);
    }
    let question = key_question(key, cs, info);
    if let Some(known) = KEY_ANSWERS.with(|m| m.borrow().get(&question).cloned()) {
        return known;
    }
    solve_key_afresh(key, cs, info, true)
}

/// [`solve_key_afresh`]'s answer (with `quick` or without: they agree here) where it takes no
/// search and no automaton but the key's domain: no constraint (for a key requests may lack),
/// a key the caller's requests never carry, a constraint no value passes (`Null: true` beside
/// a test of the value), or a single-valued key whose positive test lists its values (a
/// `StringEquals`), tried one by one as [`solve_values`] tries them. `None`: the question
/// takes the rest of [`solve_key_afresh`]. Asking memories costs more than these answers.
fn answer_without_search(key: &str, cs: &[&Constraint], info: &KeyInfo) -> Option<KeyAnswer> {
    answer_at_once(cs, info).or_else(|| answer_from_list(key, cs, info))
}

/// The answers of [`answer_without_search`] that match no value against an automaton.
fn answer_at_once(cs: &[&Constraint], info: &KeyInfo) -> Option<KeyAnswer> {
    let absent_ok = info.presence != Presence::Always && cs.iter().all(|c| c.when_missing);
    if cs.is_empty() {
        // `Always` takes the key's default value, which may take a search.
        return (info.presence != Presence::Always).then_some(Some((None, true)));
    }
    if absent_ok && info.outside {
        return Some(Some((None, true)));
    }
    // `solve_values` answers `Sat::No` at the first `Const(false)`, in every branch.
    if info.presence == Presence::Never || cs.iter().any(|c| matches!(c.test, Test::Const(false))) {
        return Some(absent_ok.then_some((None, true)));
    }
    None
}

/// The answer of [`answer_without_search`] for a single-valued key whose positive test lists
/// its values.
fn answer_from_list(key: &str, cs: &[&Constraint], info: &KeyInfo) -> Option<KeyAnswer> {
    if info.multi || cs.is_empty() {
        return None;
    }
    let absent_ok = info.presence != Presence::Always && cs.iter().all(|c| c.when_missing);
    // The tests of one family, text, one of them positive with its values listed: the first
    // such list is tried (`solve_values`).
    let mut list: Option<&[String]> = None;
    for c in cs {
        match &c.test {
            Test::Const(true) => {}
            Test::Text {
                negated: false,
                finite: Some(values),
                ..
            } => {
                list.get_or_insert(values.as_slice());
            }
            Test::Text { .. } => {}
            _ => return None,
        }
    }
    let list = list?;
    let domain = cached_domain(key, info);
    let excluded = (key == "aws:sourcearn").then(|| {
        cached_nfa("source arn exclusions".to_owned(), || {
            Nfa::strings(source_arn_exclusions(), true, false)
        })
    });
    // The tests first: a value the statement's own test refuses needs no domain.
    let found = list.iter().find(|v| {
        cs.iter().all(|c| c.test.eval(v) != Some(false))
            && domain.matches(v)
            && !excluded.as_ref().is_some_and(|e| e.matches(v))
    });
    Some(match found {
        Some(v) => Some((Some(vec![v.clone()]), true)),
        None => absent_ok.then_some((None, true)),
    })
}

/// `quick`: the values may be any that pass ([`solve_key_live`]), not the witness's.
fn solve_key_afresh(key: &str, cs: &[&Constraint], info: &KeyInfo, quick: bool) -> KeyAnswer {
    let absent_ok = info.presence != Presence::Always && cs.iter().all(|c| c.when_missing);
    if cs.is_empty() {
        return Some(match info.presence {
            Presence::Always => (Some(vec![default_value(key, info)]), true),
            _ => (None, true),
        });
    }
    if absent_ok && info.outside {
        return Some((None, true));
    }
    if info.presence == Presence::Never {
        return absent_ok.then_some((None, true));
    }
    // Addresses alone on a single-valued key: an address that passes them is the answer
    // [`solve_values`] gives ([`typed_witness`], exact), found without the key's domain,
    // which only a key that no address passes reads (`tests::addresses_are_answered_as_searched`).
    if !info.multi && cs.iter().all(|c| matches!(c.test, Test::Ips { .. })) {
        if let Some(v) = ip_witness(cs.iter().map(|c| &c.test), key) {
            return Some((Some(vec![v]), true));
        }
    }
    solve_key_searched(key, cs, info, quick, absent_ok)
}

/// [`solve_key_afresh`] past its answers at once: the key's domain and the search.
fn solve_key_searched(
    key: &str,
    cs: &[&Constraint],
    info: &KeyInfo,
    quick: bool,
    absent_ok: bool,
) -> KeyAnswer {
    let domain = cached_domain(key, info);
    let domain = &*domain;
    let mut extra: Vec<std::rc::Rc<Nfa>> = Vec::new();
    if key == "aws:sourcearn" {
        extra.push(cached_nfa("source arn exclusions".to_owned(), || {
            Nfa::strings(source_arn_exclusions(), true, false)
        }));
    }
    let ex: Vec<&Nfa> = extra.iter().map(|n| &**n).collect();
    let mut exact = true;
    let present = if info.multi {
        let all: Vec<&Test> = cs.iter().filter(|c| c.all).map(|c| &c.test).collect();
        let any: Vec<&Test> = cs.iter().filter(|c| !c.all).map(|c| &c.test).collect();
        if any.is_empty() {
            let (sat, unknown) = solve_values(&all, info, domain, &ex, key, Quick::of(quick, &[]));
            exact &= !unknown;
            sat.map(|v| vec![v])
        } else {
            let mut values = Vec::new();
            let mut result = Sat::Yes(());
            for t in any {
                let mut tests = all.clone();
                tests.push(t);
                let (sat, unknown) =
                    solve_values(&tests, info, domain, &ex, key, Quick::of(quick, &[]));
                exact &= !unknown;
                match sat {
                    Sat::Yes(v) => {
                        if !values.contains(&v) {
                            values.push(v);
                        }
                    }
                    Sat::No => {
                        result = Sat::No;
                        break;
                    }
                    Sat::Unknown => result = Sat::Unknown,
                }
            }
            match result {
                Sat::Yes(()) => Sat::Yes(values),
                Sat::No => Sat::No,
                Sat::Unknown if values.is_empty() => Sat::Unknown,
                Sat::Unknown => {
                    exact = false;
                    Sat::Yes(values)
                }
            }
        }
    } else {
        let tests: Vec<&Test> = cs.iter().map(|c| &c.test).collect();
        let (sat, unknown) = solve_values(&tests, info, domain, &ex, key, Quick::of(quick, cs));
        exact &= !unknown;
        sat.map(|v| vec![v])
    };
    match present {
        Sat::Yes(v) => Some((Some(v), exact)),
        Sat::No if absent_ok => Some((None, true)),
        Sat::No => None,
        Sat::Unknown if absent_ok => Some((None, true)),
        // Outside the model: assume some value passes.
        Sat::Unknown => Some((Some(vec![default_value(key, info)]), false)),
    }
}

/// Whether `value` is one [`solve_key`] may give key `key` (lowercased) of a `kind` caller's
/// request: the key can be present, and the value lies in its domain and outside its
/// exclusions. A value of a key's only constraint that passes it and that this admits makes
/// [`solve_key`]'s answer `Some` (a search never refuses where a value passes).
pub(crate) fn admits(key: &str, kind: Kind, value: &str) -> bool {
    let info = key_info(key, kind);
    if info.presence == Presence::Never {
        return false;
    }
    if !cached_domain(key, &info).matches(value) {
        return false;
    }
    key != "aws:sourcearn"
        || !cached_nfa("source arn exclusions".to_owned(), || {
            Nfa::strings(source_arn_exclusions(), true, false)
        })
        .matches(value)
}

thread_local! {
    static DOMAINS: std::cell::RefCell<crate::text::FastMap<String, std::rc::Rc<Nfa>>> =
        std::cell::RefCell::default();
}

/// The automaton of a value domain of the caller's identity, built once per thread by a name
/// that says all it depends on.
fn cached_nfa(name: String, make: impl FnOnce() -> Nfa) -> std::rc::Rc<Nfa> {
    thread_local! {
        static IDENTITY_DOMAINS: std::cell::RefCell<crate::text::FastMap<String, std::rc::Rc<Nfa>>> =
            std::cell::RefCell::default();
    }
    IDENTITY_DOMAINS.with(|d| {
        let mut d = d.borrow_mut();
        if let Some(nfa) = d.get(&name) {
            return nfa.clone();
        }
        if d.len() >= KEY_ANSWERS_KEPT {
            d.clear();
        }
        let nfa = std::rc::Rc::new(make().remembering());
        d.insert(name, nfa.clone());
        nfa
    })
}

/// The automaton of a key's domain, built once per thread (domains depend on the key alone).
fn cached_domain(key: &str, info: &KeyInfo) -> std::rc::Rc<Nfa> {
    DOMAINS.with(|d| {
        if let Some(known) = d.borrow().get(key) {
            return known.clone();
        }
        d.borrow_mut()
            .entry(key.to_owned())
            .or_insert_with(|| std::rc::Rc::new(Nfa::from_re(&(info.domain)()).remembering()))
            .clone()
    })
}

/// A value for a key nothing constrains, for keys every request carries.
fn default_value(key: &str, info: &KeyInfo) -> String {
    match key {
        "aws:securetransport" => "true".to_owned(),
        "aws:currenttime" => "2026-01-01T00:00:00Z".to_owned(),
        "aws:epochtime" => "1767225600".to_owned(),
        "aws:viaawsservice" => "false".to_owned(),
        "aws:requestedregion" => "us-east-1".to_owned(),
        _ => match solve_text(&[&cached_domain(key, info)], &[]) {
            Sat::Yes(v) => v,
            _ => String::new(),
        },
    }
}

/// Whether [`solve_values`] may give any value that passes ([`crate::text::quick`]), not the
/// witness's, and the one positive pattern of its tests when they have one
/// ([`pattern_of`]).
#[derive(Clone, Copy)]
enum Quick<'a> {
    No,
    Yes(Option<&'a str>),
}

impl<'a> Quick<'a> {
    fn of(quick: bool, cs: &[&'a Constraint]) -> Quick<'a> {
        if quick {
            Quick::Yes(pattern_of(cs))
        } else {
            Quick::No
        }
    }
}

/// The value of the one positive test of `cs` that is a pattern (a text test taking more than
/// its values), when there is one such test and it has one value.
fn pattern_of<'a>(cs: &[&'a Constraint]) -> Option<&'a str> {
    let mut patterns = cs.iter().filter(|c| {
        matches!(
            c.test,
            Test::Text {
                negated: false,
                finite: None,
                ..
            }
        )
    });
    let one = patterns.next()?;
    match (patterns.next(), one.origin.0.values()) {
        (None, [value]) => Some(value.as_str()),
        _ => None,
    }
}

/// One value passing every test, within the key's domain. Tests outside the model are left
/// out; the flag says whether there were any (then a value found is not a proof, but no value
/// is).
fn solve_values(
    tests: &[&Test],
    info: &KeyInfo,
    domain: &Nfa,
    exclude: &[&Nfa],
    key: &str,
    quick: Quick,
) -> (Sat<String>, bool) {
    let solve_text = |all: &[&Nfa], none: &[&Nfa]| {
        if let Quick::Yes(pattern) = quick {
            pattern
                .map_or_else(|| quick_text(all, none), |p| quick_like(p, all, none))
                .map_or_else(|| solve_text(all, none), Sat::Yes)
        } else {
            solve_text(all, none)
        }
    };
    let mut families: Vec<Family> = Vec::new();
    let mut unknown = false;
    for t in tests {
        match t {
            Test::Const(false) => return (Sat::No, false),
            Test::Const(true) => {}
            Test::Unknown => unknown = true,
            t => {
                if !families.contains(&t.family()) {
                    families.push(t.family());
                }
            }
        }
    }
    let candidate = match families.as_slice() {
        [] => solve_text(&[domain], exclude),
        [Family::Text] => {
            // A positive test without wildcards: the answer is one of its values, if any.
            let finite = tests.iter().find_map(|t| match t {
                Test::Text {
                    negated: false,
                    finite: Some(list),
                    ..
                } => Some(list.clone()),
                _ => None,
            });
            if let Some(list) = finite {
                let found = list.iter().find(|v| {
                    domain.matches(v)
                        && !exclude.iter().any(|e| e.matches(v))
                        && tests.iter().all(|t| t.eval(v) != Some(false))
                });
                return (found.map_or(Sat::No, |v| Sat::Yes(v.clone())), unknown);
            }
            let mut all = vec![domain];
            let mut none: Vec<&Nfa> = exclude.to_vec();
            for t in tests {
                if let Test::Text {
                    patterns, negated, ..
                } = t
                {
                    if *negated {
                        none.push(patterns.nfa());
                    } else {
                        all.push(patterns.nfa());
                    }
                }
            }
            let found = solve_text(&all, &none);
            if let (Quick::Yes(_), Sat::Yes(v)) = (quick, &found) {
                // Every test here is one of these automata, and the quick answers are
                // matched against each of them before they are given: not matched again.
                debug_assert!(tests.iter().all(|t| t.eval(v) != Some(false)), "{v}");
                return (found, unknown);
            }
            found
        }
        // The address is in every set of the tests (an address that is none, when one may
        // stand, passes every test of them): not checked again.
        [Family::Ip] => {
            let found = typed_witness(Family::Ip, tests, info, domain, key);
            debug_assert!(
                !matches!(&found, Sat::Yes(v) if tests.iter().any(|t| t.eval(v) == Some(false))),
                "{found:?}"
            );
            return (found, unknown);
        }
        [family] => typed_witness(*family, tests, info, domain, key),
        // Several families: try each family's witness against every test.
        many => {
            let mut found = Sat::Unknown;
            for f in many {
                if let Sat::Yes(v) = typed_witness(*f, tests, info, domain, key) {
                    if tests.iter().all(|t| t.eval(&v) != Some(false)) {
                        found = Sat::Yes(v);
                        break;
                    }
                }
            }
            found
        }
    };
    let checked = match candidate {
        // Checked against every test once more: a witness is never wrong.
        Sat::Yes(v) => {
            if tests.iter().all(|t| t.eval(&v) != Some(false)) {
                Sat::Yes(v)
            } else {
                Sat::Unknown
            }
        }
        other => other,
    };
    (checked, unknown)
}

/// The address of [`typed_witness`] for the address tests of `tests` on `key` (lowercased):
/// the witness of their sets' intersection, found without building it
/// (`tests::ip_witnesses_are_those_of_the_intersection`). `aws:SourceIp` holds public
/// addresses only (the key's domain, `IpSet::public`).
fn ip_witness<'a>(tests: impl Iterator<Item = &'a Test> + Clone, key: &str) -> Option<String> {
    let public = (key == "aws:sourceip").then(IpSet::public_ref);
    let sets = tests.filter_map(|t| match t {
        Test::Ips { set, .. } => Some(&**set),
        _ => None,
    });
    IpSet::first_common(public.into_iter().chain(sets)).map(crate::ranges::format_ip)
}

/// A witness for the tests of one typed family (numbers, dates, booleans, addresses).
fn typed_witness(
    family: Family,
    tests: &[&Test],
    info: &KeyInfo,
    domain: &Nfa,
    key: &str,
) -> Sat<String> {
    // Whether a value of another type can stand: only for keys whose values are text.
    let untyped = matches!(
        info.value_type,
        KeyType::String | KeyType::Arn | KeyType::Binary
    );
    let mut other = untyped;
    // Seconds since a past moment are never negative (the key's domain, `keys.rs`).
    let seconds = matches!(key, "aws:epochtime" | "aws:multifactorauthage");
    let value = match family {
        Family::Number => {
            let mut set = if seconds {
                Ranges::span(0, number_key(f64::INFINITY))
            } else {
                all_numbers()
            };
            for t in tests {
                if let Test::Numbers { set: s, other: o } = t {
                    set = set.intersect(s);
                    other &= o;
                }
            }
            pick_number(&set).map(format_number)
        }
        Family::Date => {
            let mut set = if seconds {
                Ranges::span(0, DATE_MAX)
            } else {
                all_dates()
            };
            for t in tests {
                if let Test::Dates { set: s, other: o } = t {
                    set = set.intersect(s);
                    other &= o;
                }
            }
            set.closest(1_767_225_600_000).map(|d| {
                if key == "aws:epochtime" && d % 1000 == 0 {
                    (d / 1000).to_string()
                } else if key == "aws:epochtime" && set.contains(d - d.rem_euclid(1000) + 1000) {
                    ((d - d.rem_euclid(1000) + 1000) / 1000).to_string()
                } else {
                    format_date(d)
                }
            })
        }
        Family::Bool => {
            let mut set = [true, true];
            for t in tests {
                if let Test::Bools { set: s, other: o } = t {
                    set[0] &= s[0];
                    set[1] &= s[1];
                    other &= o;
                }
            }
            if set[1] {
                Some("true".to_owned())
            } else if set[0] {
                Some("false".to_owned())
            } else {
                None
            }
        }
        Family::Ip => {
            for t in tests {
                if let Test::Ips { other: o, .. } = t {
                    other &= o;
                }
            }
            ip_witness(tests.iter().copied(), key)
        }
        Family::Text | Family::None => None,
    };
    match value {
        Some(v) => Sat::Yes(v),
        None if other => {
            // A value that is not of the type passes every test of it.
            for v in ["none", "x", "a"] {
                if domain.matches(v) {
                    return Sat::Yes(v.to_owned());
                }
            }
            Sat::Unknown
        }
        None => Sat::No,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`typed_witness`] for addresses as it was first written: the sets intersected one by
    /// one, from the key's domain, and the witness of the result.
    fn ip_witness_by_intersection(
        tests: &[&Test],
        info: &KeyInfo,
        domain: &Nfa,
        key: &str,
    ) -> Sat<String> {
        let mut other = matches!(
            info.value_type,
            KeyType::String | KeyType::Arn | KeyType::Binary
        );
        let mut set = if key == "aws:sourceip" {
            IpSet::public()
        } else {
            IpSet::all()
        };
        for t in tests {
            if let Test::Ips {
                set: s, other: o, ..
            } = t
            {
                set = set.intersect(s);
                other &= o;
            }
        }
        match set.witness().map(crate::ranges::format_ip) {
            Some(v) => Sat::Yes(v),
            None if other => ["none", "x", "a"]
                .into_iter()
                .find(|v| domain.matches(v))
                .map_or(Sat::Unknown, |v| Sat::Yes(v.to_owned())),
            None => Sat::No,
        }
    }

    /// The address found without building the intersection of the tests' sets is the one
    /// found by building it, and passes every test, which is why it is not checked again:
    /// fixed and 3,000 random lists of `IpAddress` and `NotIpAddress` tests of both families,
    /// negated (a deny's escape) or not, on `aws:SourceIp` (public addresses) and
    /// `aws:VpcSourceIp`.
    #[test]
    fn ip_witnesses_are_those_of_the_intersection() {
        let mut seed: u64 = 0x1d5e_ed00_0000_0004;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let blocks = [
            "10.1.0.0/16",
            "10.0.0.0/8",
            "1.0.0.0/8",
            "0.0.0.0/0",
            "192.0.2.7",
            "203.0.113.0/24",
            "2001:db8:1::/48",
            "2001:db8::/32",
            "::/0",
            "::",
            "fe80::/10",
            "bad",
        ];
        let mut cases: Vec<Vec<Constraint>> = vec![vec![]];
        for _ in 0..3_000 {
            cases.push(
                (0..1 + next(4))
                    .map(|_| {
                        let values: Vec<&str> = (0..1 + next(3))
                            .map(|_| blocks[next(blocks.len() as u64) as usize])
                            .collect();
                        let op = if next(2) == 0 {
                            Operator::IpAddress
                        } else {
                            Operator::NotIpAddress
                        };
                        let key = ["aws:SourceIp", "aws:VpcSourceIp"][next(2) as usize];
                        let c = Constraint::lower(&Condition::new(op.into(), key, values), false);
                        if next(2) == 0 {
                            c.negate()
                        } else {
                            c
                        }
                    })
                    .collect(),
            );
        }
        for cs in &cases {
            let tests: Vec<&Test> = cs.iter().map(|c| &c.test).collect();
            for key in ["aws:sourceip", "aws:vpcsourceip"] {
                let info = key_info(key, Kind::User);
                let domain = cached_domain(key, &info);
                let found = typed_witness(Family::Ip, &tests, &info, &domain, key);
                assert_eq!(
                    found,
                    ip_witness_by_intersection(&tests, &info, &domain, key),
                    "{key} {cs:?}"
                );
                if let Sat::Yes(v) = &found {
                    assert!(tests.iter().all(|t| t.eval(v) != Some(false)), "{v} {cs:?}");
                }
            }
        }
    }

    /// A key tested for addresses alone is answered by [`solve_key_live`] without the
    /// memory, as [`solve_key`] answers it (with the memory, and its search): some answer or
    /// none, over fixed and 3,000 random lists of `IpAddress` and `NotIpAddress` tests, with
    /// `IfExists` or not, negated or not, on keys of each kind of caller.
    #[test]
    fn live_addresses_are_answered_as_remembered() {
        let mut seed: u64 = 0x11fe_ad00_0000_0007;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let blocks = [
            "10.1.0.0/16",
            "10.0.0.0/8",
            "1.0.0.0/8",
            "0.0.0.0/0",
            "203.0.113.0/24",
            "2001:db8:1::/48",
            "::/0",
            "fe80::/10",
            "bad",
        ];
        let operators = [Operator::IpAddress, Operator::NotIpAddress];
        let mut some = 0;
        for case in 0..3_000 {
            let key = ["aws:SourceIp", "aws:VpcSourceIp"][next(2) as usize];
            let cs: Vec<Constraint> = (0..1 + next(3))
                .map(|_| {
                    let values: Vec<&str> = (0..1 + next(3))
                        .map(|_| blocks[next(blocks.len() as u64) as usize])
                        .collect();
                    let mut op: policy_catalogue::ConditionOperator =
                        operators[next(2) as usize].into();
                    op.if_exists = next(3) == 0;
                    let c = Constraint::lower(&Condition::new(op, key, values), false);
                    if next(2) == 0 {
                        c.negate()
                    } else {
                        c
                    }
                })
                .collect();
            let refs: Vec<&Constraint> = cs.iter().collect();
            let lower = key.to_ascii_lowercase();
            for kind in [Kind::User, Kind::Service, Kind::Anonymous] {
                let info = key_info(&lower, kind);
                let live = solve_key_live(&lower, &refs, &info);
                let remembered = solve_key(&lower, &refs, &info);
                assert_eq!(
                    live.is_some(),
                    remembered.is_some(),
                    "{case} {kind:?} {cs:?}"
                );
                some += usize::from(live.is_some());
            }
        }
        assert!(some > 1_000 && some < 8_000, "{some}");
    }

    /// A single-valued key tested for addresses alone is answered without its domain as the
    /// search answers it, values, exactness and all, quick or not: fixed and 3,000 random
    /// lists of `IpAddress` and `NotIpAddress` tests, with `IfExists` or not, negated or not,
    /// on keys of each kind of caller.
    #[test]
    fn addresses_are_answered_as_searched() {
        let mut seed: u64 = 0xadd5_0000_0000_0009;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let blocks = [
            "10.1.0.0/16",
            "10.0.0.0/8",
            "1.0.0.0/8",
            "0.0.0.0/0",
            "203.0.113.0/24",
            "2001:db8:1::/48",
            "::/0",
            "fe80::/10",
            "bad",
        ];
        let mut answered = 0;
        for case in 0..3_000 {
            let key = ["aws:SourceIp", "aws:VpcSourceIp", "aws:SourceArn"][next(3) as usize];
            let cs: Vec<Constraint> = (0..1 + next(3))
                .map(|_| {
                    let values: Vec<&str> = (0..1 + next(3))
                        .map(|_| blocks[next(blocks.len() as u64) as usize])
                        .collect();
                    let mut op: policy_catalogue::ConditionOperator =
                        [Operator::IpAddress, Operator::NotIpAddress][next(2) as usize].into();
                    op.if_exists = next(3) == 0;
                    let c = Constraint::lower(&Condition::new(op, key, values), false);
                    if next(2) == 0 {
                        c.negate()
                    } else {
                        c
                    }
                })
                .collect();
            let refs: Vec<&Constraint> = cs.iter().collect();
            let lower = key.to_ascii_lowercase();
            for kind in [Kind::User, Kind::Service, Kind::Anonymous] {
                let info = key_info(&lower, kind);
                let absent_ok =
                    info.presence != Presence::Always && refs.iter().all(|c| c.when_missing);
                for quick in [false, true] {
                    let found = solve_key_afresh(&lower, &refs, &info, quick);
                    let searched =
                        if info.presence == Presence::Never || (absent_ok && info.outside) {
                            found.clone()
                        } else {
                            answered += 1;
                            solve_key_searched(&lower, &refs, &info, quick, absent_ok)
                        };
                    assert_eq!(found, searched, "{case} {kind:?} {quick} {cs:?}");
                }
            }
        }
        assert!(answered > 5_000, "{answered}");
    }

    #[test]
    fn fresh_accounts_are_the_formatted_count_down() {
        for n in [
            1u64,
            7,
            10,
            42,
            100,
            1_000_000,
            123_456_789_012,
            999_999_000_000,
            999_999_999_990,
            999_999_999_998,
            999_999_999_999,
        ] {
            let mut digits = [0u8; 12];
            digits.copy_from_slice(format!("{n:012}").as_bytes());
            count_down(&mut digits);
            assert_eq!(digits, *format!("{:012}", n - 1).as_bytes(), "{n}");
        }
        let mut excluded = Vec::new();
        for k in 0..30u64 {
            let expected = format!("{:012}", 999_999_999_999 - k);
            assert_eq!(fresh_account(&excluded), expected);
            excluded.push(expected);
        }
        // Accounts below the count or out of order do not matter.
        let excluded = ["000000000001".to_owned(), "999999999999".to_owned()];
        assert_eq!(fresh_account(&excluded), "999999999998");
    }

    /// The stranger's account picked without the search is the search's, over 400 sets of
    /// accounts (few digits or many, the first candidates taken, some excluded by the class
    /// and the others by one or two `StringNotEquals`), and other tests, and none, are left
    /// to it.
    #[test]
    fn accounts_outside_are_the_searched_ones() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let not_equal = |values: &[String]| {
            Constraint::lower(
                &Condition::new(
                    Operator::StringNotEquals.into(),
                    "aws:PrincipalAccount",
                    values.iter().cloned(),
                ),
                false,
            )
        };
        let domain = Nfa::from_re(&account_re());
        let mut first_taken = 0;
        for case in 0..400 {
            // A few digits, so that the first candidates are often taken.
            let digits: Vec<u8> = (0..1 + next(4)).map(|_| b'0' + next(10) as u8).collect();
            let mut accounts: Vec<String> = Vec::new();
            for _ in 0..next(40) {
                let account: String = if next(3) == 0 {
                    // Near the solver's first candidates.
                    let low = digits.iter().min().copied().unwrap_or(b'0');
                    let mut a = vec![low; 12];
                    a[11] = digits[next(digits.len() as u64) as usize];
                    a[10] = digits[next(digits.len() as u64) as usize];
                    String::from_utf8(a).expect("digits")
                } else {
                    (0..12)
                        .map(|_| char::from(digits[next(digits.len() as u64) as usize]))
                        .collect()
                };
                accounts.push(account);
            }
            let split = next(accounts.len() as u64 + 1) as usize;
            let excluded = accounts[..split].to_vec();
            let rest = &accounts[split..];
            let middle = next(rest.len() as u64 + 1) as usize;
            let lowered: Vec<Constraint> = if case % 2 == 0 {
                vec![not_equal(rest)]
            } else {
                vec![not_equal(&rest[..middle]), not_equal(&rest[middle..])]
            };
            let cs: Vec<&Constraint> = lowered.iter().collect();
            let ex = Nfa::strings(excluded.iter().map(String::as_str), false, false);
            let searched = match solve_text_key(&cs, &domain, &[&ex], false) {
                Sat::Yes(a) => a,
                other => panic!("case {case}: {other:?}"),
            };
            let direct = account_outside(&excluded, &cs);
            // Without any account the search answers alone.
            let expected = (!accounts.is_empty()).then_some(&searched);
            assert_eq!(direct.as_ref(), expected, "case {case}: {accounts:?}");
            if accounts
                .iter()
                .any(|a| a.bytes().all(|b| Some(&b) == digits.iter().min()))
            {
                first_taken += 1;
            }
        }
        // The first candidate was taken in some cases.
        assert!(first_taken > 20, "{first_taken}");
        // A wildcard or a positive test is the search's to answer.
        let like = Constraint::lower(
            &Condition::new(
                Operator::StringNotLike.into(),
                "aws:PrincipalAccount",
                ["1111*".to_owned()],
            ),
            false,
        );
        let equal = Constraint::lower(
            &Condition::new(
                Operator::StringEquals.into(),
                "aws:PrincipalAccount",
                ["111122223333".to_owned()],
            ),
            false,
        );
        assert_eq!(account_outside(&[], &[&like]), None);
        assert_eq!(account_outside(&[], &[&equal]), None);
        let short = not_equal(&["1234".to_owned()]);
        assert_eq!(account_outside(&[], &[&short]), None);
    }

    /// `count` random conjunctions of one to three conditions on one key of `keys`, each with
    /// one or two values of one to `pieces_most` of the key's pieces and an operator of
    /// `operators`, from the xorshift source seeded with `seed`.
    fn random_conjunctions(
        seed: u64,
        count: usize,
        keys: &[(&'static str, [&'static str; 7])],
        operators: &[&str],
        pieces_most: u64,
    ) -> Vec<(&'static str, Vec<Condition>)> {
        let mut next = crate::test_random::xorshift(seed);
        (0..count)
            .map(|_| {
                let (key, pieces) = keys[next(keys.len() as u64) as usize];
                let conditions = (0..1 + next(3))
                    .map(|_| {
                        let values: Vec<String> = (0..1 + next(2))
                            .map(|_| {
                                (0..1 + next(pieces_most))
                                    .map(|_| pieces[next(pieces.len() as u64) as usize])
                                    .collect()
                            })
                            .collect();
                        let operator: policy_catalogue::ConditionOperator = operators
                            [next(operators.len() as u64) as usize]
                            .parse()
                            .expect("an operator");
                        Condition::new(operator, key, values)
                    })
                    .collect();
                (key, conditions)
            })
            .collect()
    }

    /// [`root_arn_meets`] claims only what [`solve_arn`] answers for a root class: `Sat::Yes`,
    /// the account kept, over fixed and random conditions on `aws:PrincipalArn`, for fixed
    /// and free accounts, quick or not.
    #[test]
    fn root_arns_met_are_those_solve_arn_finds() {
        let cond = |op: &str, values: &[&str]| {
            let operator: policy_catalogue::ConditionOperator = op.parse().expect("an operator");
            Condition::new(
                operator,
                "aws:PrincipalArn",
                values.iter().map(|v| (*v).to_owned()),
            )
        };
        let mut questions: Vec<Vec<Condition>> = vec![
            vec![cond("ArnNotLike", &["arn:aws:iam::100000000000:role/*"])],
            vec![cond("ArnLike", &["arn:aws:iam::*:root"])],
            vec![cond("ArnLike", &["arn:aws:iam::111122223333:*"])],
            vec![cond("ArnEquals", &["arn:aws:iam::111122223333:root"])],
            vec![cond(
                "StringEqualsIgnoreCase",
                &["ARN:AWS:IAM::111122223333:ROOT"],
            )],
            vec![cond("ArnNotEquals", &["arn:aws:iam::111122223333:root"])],
            vec![
                cond("StringLike", &["arn:aws:iam::*"]),
                cond("StringNotLike", &["*:role/*"]),
            ],
            vec![cond("ArnLikeIfExists", &["arn:aws:iam::*:user/*"])],
            vec![cond("Null", &["false"])],
            vec![cond("Null", &["true"])],
        ];
        let keys = [(
            "aws:PrincipalArn",
            [
                "arn:aws:iam::",
                "111122223333",
                ":root",
                "*",
                "?",
                ":role/",
                "999999999999",
            ],
        )];
        let operators = [
            "ArnLike",
            "ArnNotLike",
            "ArnEquals",
            "ArnNotEquals",
            "StringLike",
            "StringNotLike",
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "ArnLikeIfExists",
            "ArnNotLikeIfExists",
            "ForAnyValue:ArnLike",
            "ForAllValues:ArnNotLike",
        ];
        questions.extend(
            random_conjunctions(0x5eed_f00d, 3_000, &keys, &operators, 4)
                .into_iter()
                .map(|(_, conditions)| conditions),
        );
        let none = Nfa::strings([], false, false);
        let (mut met, mut missed) = (0, 0);
        for conditions in &questions {
            let lowered: Vec<Constraint> = conditions
                .iter()
                .map(|c| Constraint::lower(c, false))
                .collect();
            let cs: Vec<&Constraint> = lowered.iter().collect();
            for account in ["111122223333", "999999999999"] {
                for (choice, free) in [
                    (Choice::Fixed(account.to_owned()), false),
                    (Choice::Free(["444455556666".to_owned()].into()), true),
                ] {
                    let who = Who {
                        kind: Kind::Root,
                        partition: "aws".into(),
                        account: choice,
                        name: None,
                        excluded: Vec::new(),
                        session: None,
                        owner: "111122223333".into(),
                        region: None,
                    };
                    if !root_arn_meets(&cs, "aws", account) {
                        missed += 1;
                        continue;
                    }
                    met += 1;
                    for quick in [false, true] {
                        let mut kept = account.to_owned();
                        let answer =
                            solve_arn(&cs, &[], &who, &mut kept, free, "root", &none, quick);
                        assert!(
                            matches!(answer, Sat::Yes(_)) && kept == account,
                            "{account} {free} {quick} {conditions:?}: {answer:?} {kept}"
                        );
                    }
                }
            }
        }
        assert!(met > 1_000 && missed > 1_000, "{met} {missed}");
    }

    /// The values of a key not derived from the caller, found by the quick walk for the
    /// dead-statement check, pass or fail with the search's, over fixed and 600 random
    /// conjunctions of text tests (organizations, organization paths, source ARNs and
    /// accounts, endpoints), with and without qualifiers and `IfExists`, for every kind of
    /// caller. Asked afresh, outside the memory of answers.
    #[test]
    fn quick_key_values_refuse_as_the_search_refuses() {
        let cond = |op: &str, key: &str, values: &[String]| {
            let operator: policy_catalogue::ConditionOperator = op.parse().expect("an operator");
            Condition::new(operator, key, values.iter().cloned())
        };
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<String>>();
        let mut questions: Vec<(&str, Vec<Condition>)> = vec![
            (
                "aws:PrincipalOrgID",
                vec![cond("StringLike", "aws:PrincipalOrgID", &s(&["o-7*"]))],
            ),
            (
                "aws:PrincipalOrgID",
                vec![
                    cond("StringLike", "aws:PrincipalOrgID", &s(&["o-7*"])),
                    cond("StringNotLike", "aws:PrincipalOrgID", &s(&["o-7?*"])),
                ],
            ),
            (
                "aws:PrincipalOrgID",
                vec![cond("StringLike", "aws:PrincipalOrgID", &s(&["o-*-*"]))],
            ),
            (
                "aws:PrincipalOrgID",
                vec![cond("StringLike", "aws:PrincipalOrgID", &s(&["x-*"]))],
            ),
            (
                "aws:SourceArn",
                vec![
                    cond(
                        "ArnLike",
                        "aws:SourceArn",
                        &s(&["arn:aws:codebuild:us-east-1:111122223333:project/*"]),
                    ),
                    cond(
                        "ArnNotLike",
                        "aws:SourceArn",
                        &s(&["arn:*:*:*:111122223333:*"]),
                    ),
                ],
            ),
            (
                "aws:SourceArn",
                vec![cond(
                    "ArnLike",
                    "aws:SourceArn",
                    &s(&["arn:aws:iam::*:role/*"]),
                )],
            ),
            (
                "aws:PrincipalOrgPaths",
                vec![cond(
                    "ForAnyValue:StringLike",
                    "aws:PrincipalOrgPaths",
                    &s(&["o-a1b2c3d4e5/r-ab12/*"]),
                )],
            ),
        ];
        let keys = [
            ("aws:PrincipalOrgID", ["o-", "a1", "7", "*", "?", "-", "b"]),
            (
                "aws:PrincipalOrgPaths",
                ["o-a1b2c3d4e5/", "r-", "ou-", "*", "?", "/", "1"],
            ),
            (
                "aws:SourceArn",
                ["arn:aws:", "s3", ":::", "111122223333", ":*", "*", "?"],
            ),
            (
                "aws:SourceAccount",
                ["1111", "2222", "3333", "*", "?", "x", "0"],
            ),
            ("aws:SourceVpce", ["vpce-", "0a", "*", "?", "1", "b", "-"]),
        ];
        let operators = [
            "StringLike",
            "StringNotLike",
            "StringEquals",
            "StringNotEquals",
            "StringLikeIfExists",
            "ForAnyValue:StringLike",
            "ForAllValues:StringNotLike",
            "ArnLike",
            "ArnNotLike",
        ];
        questions.extend(random_conjunctions(
            0x2545_f491_4f6c_dd1d,
            600,
            &keys,
            &operators,
            5,
        ));
        let (mut yes, mut no) = (0, 0);
        for (key, conditions) in &questions {
            let lowered: Vec<Constraint> = conditions
                .iter()
                .map(|c| Constraint::lower(c, false))
                .collect();
            let cs: Vec<&Constraint> = lowered.iter().collect();
            let key = key.to_ascii_lowercase();
            for kind in [
                Kind::Root,
                Kind::User,
                Kind::Session,
                Kind::Service,
                Kind::Anonymous,
            ] {
                let info = key_info(&key, kind);
                let searched = solve_key_afresh(&key, &cs, &info, false).is_some();
                let quick = solve_key_afresh(&key, &cs, &info, true).is_some();
                assert_eq!(quick, searched, "{kind:?} {conditions:?}");
                if searched {
                    yes += 1;
                } else {
                    no += 1;
                }
            }
        }
        assert!(yes > 300 && no > 300, "{yes} {no}");
    }

    /// The answers worked out without a search ([`answer_without_search`]) are those of the
    /// search ([`solve_key_afresh`], with the quick walk and without), and a constraint
    /// [`refused_alone`] calls refusing refuses its key whatever else is asked of it, over
    /// fixed and 2,000 random conjunctions, for every kind of caller.
    #[test]
    fn answers_without_search_are_the_searched_ones() {
        let cond = |op: &str, key: &str, values: &[String]| {
            let operator: policy_catalogue::ConditionOperator = op.parse().expect("an operator");
            Condition::new(operator, key, values.iter().cloned())
        };
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<String>>();
        let mut questions: Vec<(&str, Vec<Condition>)> = vec![
            (
                "aws:PrincipalOrgID",
                vec![
                    cond("StringLike", "aws:PrincipalOrgID", &s(&["o-7*"])),
                    cond("Null", "aws:PrincipalOrgID", &s(&["true"])),
                ],
            ),
            (
                "aws:PrincipalOrgID",
                vec![
                    cond("StringLike", "aws:PrincipalOrgID", &s(&["o-7*"])),
                    cond(
                        "StringEquals",
                        "aws:PrincipalOrgID",
                        &s(&["o-zz9unnamed9zz"]),
                    ),
                ],
            ),
            (
                "aws:PrincipalOrgID",
                vec![
                    cond("StringLike", "aws:PrincipalOrgID", &s(&["o-7*"])),
                    cond(
                        "StringEquals",
                        "aws:PrincipalOrgID",
                        &s(&["o-7zz9unnamed9zz"]),
                    ),
                ],
            ),
            (
                "aws:SourceArn",
                vec![cond(
                    "ArnEquals",
                    "aws:SourceArn",
                    &s(&["arn:aws:iam::111122223333:role/x", "arn:aws:s3:::b"]),
                )],
            ),
            (
                "aws:SourceVpce",
                vec![cond(
                    "StringEquals",
                    "aws:SourceVpce",
                    &s(&["vpce-1a2b3c4d"]),
                )],
            ),
        ];
        let keys = [
            (
                "aws:PrincipalOrgID",
                ["o-", "a1", "7", "*", "true", "false", "b"],
            ),
            (
                "aws:PrincipalOrgPaths",
                ["o-a1b2c3d4e5/", "r-", "ou-", "*", "true", "/", "1"],
            ),
            (
                "aws:SourceArn",
                ["arn:aws:", "s3", ":::", "iam::1:", "sts:", "*", "true"],
            ),
            (
                "aws:SourceAccount",
                ["1111", "2222", "3333", "*", "true", "false", "0"],
            ),
            (
                "aws:SourceVpce",
                ["vpce-", "0a", "*", "true", "1", "b", "-"],
            ),
            (
                "aws:SecureTransport",
                ["true", "false", "True", "x", "*", "1", "e"],
            ),
            (
                "aws:SourceIp",
                ["10.0.0.0/8", "198.51.100.7", "true", "::/0", "1", "/", "x"],
            ),
        ];
        let operators = [
            "StringLike",
            "StringNotLike",
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIfExists",
            "StringEqualsIgnoreCase",
            "ForAnyValue:StringEquals",
            "ForAllValues:StringEquals",
            "ForAnyValue:StringLike",
            "ArnEquals",
            "ArnLike",
            "ArnNotLike",
            "Null",
            "Bool",
            "IpAddress",
            "NotIpAddress",
        ];
        questions.extend(random_conjunctions(
            0x9e37_79b9_7f4a_7c15,
            2_000,
            &keys,
            &operators,
            3,
        ));
        let (mut answered, mut refused, mut alone) = (0, 0, 0);
        for (key, conditions) in &questions {
            let lowered: Vec<Constraint> = conditions
                .iter()
                .map(|c| Constraint::lower(c, false))
                .collect();
            let cs: Vec<&Constraint> = lowered.iter().collect();
            let key = key.to_ascii_lowercase();
            for kind in [
                Kind::Root,
                Kind::User,
                Kind::Session,
                Kind::Service,
                Kind::Anonymous,
            ] {
                let info = key_info(&key, kind);
                let searched = solve_key_afresh(&key, &cs, &info, false);
                if let Some(answer) = answer_without_search(&key, &cs, &info) {
                    assert_eq!(answer, searched, "{kind:?} {conditions:?}");
                    let quick = solve_key_afresh(&key, &cs, &info, true);
                    assert_eq!(answer, quick, "{kind:?} {conditions:?}");
                    answered += 1;
                    refused += usize::from(answer.is_none());
                }
                let who = Who {
                    kind,
                    partition: "aws".into(),
                    account: Choice::Free(std::rc::Rc::new([])),
                    name: None,
                    excluded: Vec::new(),
                    session: None,
                    owner: "111122223333".into(),
                    region: None,
                };
                if cs.iter().any(|c| refused_alone(c, &who)) {
                    assert!(searched.is_none(), "{kind:?} {conditions:?}");
                    alone += 1;
                }
            }
        }
        assert!(
            answered > 3_000 && refused > 1_000 && answered - refused > 1_000 && alone > 500,
            "{answered} {refused} {alone}"
        );
    }

    /// [`group`] gives the groups and names of [`group_in_maps`], for fixed lists and
    /// random ones over many keys, with names written in other cases.
    #[test]
    fn grouping_is_as_the_maps_give() {
        let names = [
            "aws:PrincipalArn",
            "aws:userid",
            "aws:UserId",
            "aws:SourceIp",
            "aws:sourceip",
            "aws:PrincipalOrgID",
            "aws:SourceVpce",
            "aws:SourceAccount",
            "aws:RequestTag/a",
            "aws:RequestTag/b",
            "aws:RequestTag/c",
            "aws:RequestTag/d",
            "aws:ResourceTag/e",
            "aws:CalledVia",
        ];
        let lowered: Vec<Constraint> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                Constraint::lower(
                    &Condition::new(Operator::StringLike.into(), name, [format!("v{i}*")]),
                    i % 2 == 0,
                )
            })
            .collect();
        let same = |(a, an): (Groups, Names), (b, bn): (Groups, Names)| {
            let groups_equal = a.len() == b.len()
                && a.iter().zip(&b).all(|((ka, va), (kb, vb))| {
                    ka == kb
                        && va.len() == vb.len()
                        && va.iter().zip(vb).all(|(x, y)| std::ptr::eq(*x, *y))
                });
            groups_equal && an == bn
        };
        let mut lists: Vec<(Vec<&Constraint>, Vec<&Constraint>)> = vec![
            (vec![], vec![]),
            (
                vec![&lowered[0]],
                vec![&lowered[1], &lowered[2], &lowered[1]],
            ),
            (
                vec![],
                vec![&lowered[3], &lowered[4], &lowered[3], &lowered[4]],
            ),
            (vec![&lowered[4]], lowered.iter().chain(&lowered).collect()),
        ];
        let mut next = crate::test_random::xorshift(0x5851_f42d_4c95_7f2d);
        for _ in 0..500 {
            let mut pick = |most: u64| -> Vec<&Constraint> {
                let keys = 1 + next(names.len() as u64);
                (0..next(most))
                    .map(|_| &lowered[next(keys) as usize])
                    .collect()
            };
            let constraints = pick(6);
            let mention = pick(40);
            lists.push((constraints, mention));
        }
        for (constraints, mention) in &lists {
            for quick in [false, true] {
                assert!(
                    same(
                        group(constraints, mention, quick),
                        group_in_maps(constraints, mention, quick)
                    ),
                    "{constraints:?} {mention:?}"
                );
            }
        }
    }
}

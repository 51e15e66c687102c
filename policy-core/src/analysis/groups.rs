//! Access changes grouped for a reviewer: the caller classes whose added (or removed) actions
//! are the same make one entry, said in plain words by their union ("anyone, anonymous callers
//! included", "any principal in account 210987654321", "the role deploy in account
//! 123456789012"), with one request that proves the change.
//!
//! The words may take in classes for which nothing changes because both policies allow them
//! the entry's actions (the owning account's root user, a user who could already pull), when
//! that reads shorter and most of the classes a phrase covers do change: "anyone" for public
//! pull added beside a user who had it. A class whose access changes is never left out of its
//! entry's words, and the entry's [`classes`](Group::classes) are exactly the ones that change.

use std::collections::{BTreeMap, BTreeSet};

use policy_catalogue::Action;

use crate::analysis::access::{AccountClass, CallerClass, Certainty};
use crate::analysis::changes::{Change, Counterexample};

/// One entry: the classes, their actions, the union in words and one proof.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    /// The classes whose access changes by exactly [`actions`](Self::actions).
    pub(crate) classes: Vec<CallerClass>,
    /// The actions, in the catalogue's order.
    pub(crate) actions: Vec<Action>,
    /// The classes in words.
    pub(crate) words: String,
    /// The request that proves the change for one of the classes.
    pub(crate) proof: Counterexample,
}

/// What the words may take in besides the classes that change: the actions both policies
/// allow each class.
pub(crate) struct Context<'a> {
    /// Every class of the comparison, in the analysis's order.
    pub(crate) universe: &'a [CallerClass],
    /// For each class, the actions both policies allow it.
    pub(crate) shared: &'a BTreeMap<CallerClass, BTreeSet<Action>>,
    /// Whether the owning account is one the caller named (given or a policy's), rather than
    /// a stand-in.
    pub(crate) owner_named: bool,
}

/// The changes grouped by their actions, in the order of their first class.
pub(crate) fn group(changes: &[Change], cx: &Context<'_>) -> Vec<Group> {
    let per_class =
        crate::model::order::group(changes.iter().map(|c| (&c.access.class, c)).collect());
    let position = |class: &CallerClass| {
        cx.universe
            .iter()
            .position(|u| u == class)
            .unwrap_or(usize::MAX)
    };
    let by_actions = crate::model::order::group(
        per_class
            .iter()
            .map(|(class, changes)| {
                let actions: BTreeSet<Action> = changes
                    .iter()
                    .flat_map(|c| c.access.actions.iter().copied())
                    .collect();
                (actions, *class)
            })
            .collect(),
    );
    let mut groups: Vec<(usize, Group)> = by_actions
        .into_iter()
        .map(|(actions, mut classes)| {
            crate::model::order::sort_by_key(&mut classes, |c| position(c));
            let changed: BTreeSet<&CallerClass> = classes.iter().copied().collect();
            // A certain proof first, from the most outside caller: another account's rather
            // than the owner's, an IAM caller rather than a service or an anonymous one.
            let proof = classes
                .iter()
                .flat_map(|c| crate::model::order::values_of(&per_class, c).unwrap_or_default())
                .map(|c| &c.proof)
                .min_by_key(|p| {
                    (
                        p.certainty != Certainty::Certain,
                        outsideness(&p.class),
                        position(&p.class),
                    )
                })
                .expect("a group has a class with a change")
                .clone();
            let words = words(&changed, &actions, cx);
            let first = position(classes[0]);
            (
                first,
                Group {
                    classes: classes.into_iter().cloned().collect(),
                    actions: actions.into_iter().collect(),
                    words,
                    proof,
                },
            )
        })
        .collect();
    crate::model::order::sort_by_key(&mut groups, |(first, _)| *first);
    groups.into_iter().map(|(_, g)| g).collect()
}

/// Lower is a better example of access from outside: an account no policy names, a named
/// one, a trusted one, a service, an anonymous caller (which has no request form).
fn outsideness(class: &CallerClass) -> u8 {
    match class.account() {
        Some(a) if a.trusted => 2,
        Some(a) => u8::from(a.named),
        None if matches!(class, CallerClass::Anonymous) => 4,
        None => 3,
    }
}

/// Where the classes of a phrase are.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    Account(AccountClass),
    Services,
    Anonymous,
}

fn scope(class: &CallerClass) -> Scope {
    match class.account() {
        Some(a) => Scope::Account(a.clone()),
        None if matches!(class, CallerClass::Anonymous) => Scope::Anonymous,
        None => Scope::Services,
    }
}

/// The classes that change and those the words may take in.
struct Cover<'a> {
    changed: &'a BTreeSet<&'a CallerClass>,
    actions: &'a BTreeSet<Action>,
    shared: &'a BTreeMap<CallerClass, BTreeSet<Action>>,
}

impl Cover<'_> {
    fn changes(&self, c: &CallerClass) -> bool {
        self.changed.contains(c)
    }

    /// Whether the class changes or keeps the actions under both policies.
    fn kept(&self, c: &CallerClass) -> bool {
        self.changes(c)
            || self
                .shared
                .get(c)
                .is_some_and(|s| s.is_superset(self.actions))
    }

    /// Whether a phrase for all of `classes` may be used: each changes or keeps the actions
    /// under both policies, and most of them change.
    fn phrase(&self, classes: &[&CallerClass]) -> bool {
        let changing = classes.iter().filter(|c| self.changes(c)).count();
        let kept = classes.iter().all(|c| self.kept(c));
        !classes.is_empty() && kept && changing * 2 > classes.len()
    }
}

/// The classes that change, in words (see the module docs).
fn words(changed: &BTreeSet<&CallerClass>, actions: &BTreeSet<Action>, cx: &Context<'_>) -> String {
    let cover = Cover {
        changed,
        actions,
        shared: cx.shared,
    };
    let all: Vec<&CallerClass> = cx.universe.iter().collect();
    if cover.phrase(&all) {
        return "anyone, anonymous callers included".to_owned();
    }
    // "anyone except" one or two classes that keep their access as it was.
    let kept: Vec<&CallerClass> = all.iter().copied().filter(|c| !cover.kept(c)).collect();
    let rest: Vec<&CallerClass> = all.iter().copied().filter(|c| cover.kept(c)).collect();
    if kept.len() <= 2 && cover.phrase(&rest) {
        let names: Vec<String> = kept.iter().map(|c| one(c, cx.owner_named)).collect();
        return format!(
            "anyone, anonymous callers included, except {}",
            join(&names, " and ")
        );
    }
    let scopes = crate::model::order::group(all.iter().map(|c| (scope(c), *c)).collect());
    // Accounts in the order a reader expects: the owner, the named ones, the others.
    let mut accounts: Vec<(&AccountClass, &Vec<&CallerClass>)> = scopes
        .iter()
        .filter_map(|(s, classes)| match s {
            Scope::Account(a) => Some((a, classes)),
            _ => None,
        })
        .collect();
    crate::model::order::sort_by_key(&mut accounts, |(a, _)| (!a.owner, !a.named, a.id.clone()));
    let place = |a: &AccountClass| place(a, cx.owner_named);

    // "anyone outside account X": every class outside some named accounts.
    let full = |classes: &[&CallerClass]| classes.iter().all(|c| cover.kept(c));
    let excluded: Vec<&AccountClass> = accounts
        .iter()
        .filter(|(_, classes)| !full(classes))
        .map(|(a, _)| *a)
        .collect();
    let outside: Vec<&CallerClass> = all
        .iter()
        .copied()
        .filter(|c| c.account().is_none_or(|a| !excluded.contains(&a)))
        .collect();
    let mut pieces = Vec::new();
    let outside_phrase = !excluded.is_empty()
        && excluded.iter().all(|a| a.named || a.owner)
        && cover.phrase(&outside);
    if outside_phrase {
        let names: Vec<String> = excluded
            .iter()
            .map(|a| account_name(a, cx.owner_named))
            .collect();
        pieces.push(format!(
            "anyone outside {}, anonymous callers included",
            join(&names, " and ")
        ));
    }
    for (account, classes) in &accounts {
        if outside_phrase && !excluded.contains(account) {
            continue;
        }
        if !classes.iter().any(|c| cover.changes(c)) {
            continue;
        }
        if cover.phrase(classes) {
            pieces.push(format!("any principal {}", place(account)));
            continue;
        }
        let within = in_account(classes, &cover);
        pieces.push(format!("{} {}", join(&within, " and "), place(account)));
    }
    if !outside_phrase {
        if let Some(services) = crate::model::order::values_of(&scopes, &Scope::Services) {
            if services.iter().any(|c| cover.changes(c)) {
                if services.len() > 1 && cover.phrase(services) {
                    pieces.push("any service principal".to_owned());
                } else {
                    for c in services.iter().filter(|c| cover.changes(c)) {
                        pieces.push(match c {
                            CallerClass::Service { name: Some(n) } => format!("the service {n}"),
                            _ => "any service principal neither policy names".to_owned(),
                        });
                    }
                }
            }
        }
        if all
            .iter()
            .any(|c| matches!(c, CallerClass::Anonymous) && cover.changes(c))
        {
            pieces.push("anonymous callers".to_owned());
        }
    }
    pieces.join("; ")
}

/// The pieces of one account's classes that change, without the account.
fn in_account(classes: &[&CallerClass], cover: &Cover<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let users: Vec<&CallerClass> = classes
        .iter()
        .copied()
        .filter(|c| matches!(c, CallerClass::User { .. }))
        .collect();
    let sessions: Vec<&CallerClass> = classes
        .iter()
        .copied()
        .filter(|c| matches!(c, CallerClass::Session { .. }))
        .collect();
    if classes
        .iter()
        .any(|c| matches!(c, CallerClass::Root { .. }) && cover.changes(c))
    {
        out.push("the root user".to_owned());
    }
    if users.len() > 1 && users.iter().any(|c| cover.changes(c)) && cover.phrase(&users) {
        out.push("any user".to_owned());
    } else {
        for c in users.iter().filter(|c| cover.changes(c)) {
            if let CallerClass::User { user, .. } = c {
                out.push(match user {
                    Some(u) => format!("the user {}", u.words()),
                    None => "any user neither policy names".to_owned(),
                });
            }
        }
    }
    if sessions.len() > 1 && sessions.iter().any(|c| cover.changes(c)) && cover.phrase(&sessions) {
        out.push("any role".to_owned());
        return out;
    }
    // Sessions by role: every session of a role is "the role".
    let mut roles: Vec<(Option<&policy_analysis::Name>, Vec<&CallerClass>)> = Vec::new();
    for c in &sessions {
        if let CallerClass::Session { role, .. } = c {
            match roles.iter_mut().find(|(r, _)| *r == role.as_ref()) {
                Some((_, v)) => v.push(c),
                None => roles.push((role.as_ref(), vec![c])),
            }
        }
    }
    for (role, members) in roles {
        if !members.iter().any(|c| cover.changes(c)) {
            continue;
        }
        let Some(role) = role else {
            out.push("any role neither policy names".to_owned());
            continue;
        };
        if cover.phrase(&members) {
            out.push(format!("the role {}", role.words()));
            continue;
        }
        let named: Vec<&str> = members
            .iter()
            .filter_map(|c| match c {
                CallerClass::Session {
                    session: Some(s), ..
                } => Some(s.as_str()),
                _ => None,
            })
            .collect();
        for c in members.iter().filter(|c| cover.changes(c)) {
            if let CallerClass::Session { session, .. } = c {
                out.push(match session {
                    Some(s) => format!("the session {s} of the role {}", role.words()),
                    None => format!(
                        "the role {} (sessions other than {})",
                        role.words(),
                        named.join(", ")
                    ),
                });
            }
        }
    }
    out
}

/// One class in words, for two policies.
fn one(class: &CallerClass, owner_named: bool) -> String {
    let name = match class {
        CallerClass::Service { name: Some(n) } => return format!("the service {n}"),
        CallerClass::Service { name: None } => {
            return "any service principal neither policy names".to_owned()
        }
        CallerClass::Anonymous => return "anonymous callers".to_owned(),
        CallerClass::Root { .. } => "the root user".to_owned(),
        CallerClass::User { user: Some(u), .. } => format!("the user {}", u.words()),
        CallerClass::User { user: None, .. } => "any user neither policy names".to_owned(),
        CallerClass::Session {
            role: Some(r),
            session: Some(s),
            ..
        } => format!("the session {s} of the role {}", r.words()),
        CallerClass::Session {
            role: Some(r),
            session: None,
            ..
        } => format!("the role {}", r.words()),
        CallerClass::Session { role: None, .. } => "any role neither policy names".to_owned(),
    };
    match class.account() {
        Some(a) => format!("{name} {}", place(a, owner_named)),
        None => name,
    }
}

/// The account after "in".
fn place(a: &AccountClass, owner_named: bool) -> String {
    format!("in {}", account_name(a, owner_named))
}

/// The account in words: "account 444455556666", "the owning account 111122223333", "the
/// repository's account (one neither policy names)", "an account neither policy names".
fn account_name(a: &AccountClass, owner_named: bool) -> String {
    if a.owner && !owner_named {
        "the repository's account (one neither policy names)".to_owned()
    } else if a.owner {
        format!("the owning account {}", a.id)
    } else if a.named {
        format!("account {}", a.id)
    } else {
        "an account neither policy names".to_owned()
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{}{last}{tail}", init.join(", ")),
    }
}

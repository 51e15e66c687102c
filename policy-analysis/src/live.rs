//! The dead-statement check's cheaper steps ([`crate::solve::live`]): the tests of a
//! statement's conditions on one caller's values, matched against the patterns as written
//! instead of through automata built for the statement (whose tables cost more to build than
//! the one match asked of them), and a caller of the class made from the one remembered for
//! it, its account, name or session refilled from the statement's own patterns. A caller
//! found so is one [`crate::solve`]'s identity step could pick: whether a statement is live
//! does not depend on which caller shows it.

use policy_catalogue::{Operator, OperatorFamily};

use crate::condition::{Constraint, Test};
use crate::keys::{KeyInfo, Kind, Presence};
use crate::solve::{derived, is_derived, Choice, Groups, Identity, Who};
use crate::text::Nfa;

/// Whether `c` holds for the values, as [`Constraint::holds`] says: text tests are matched
/// against the condition's patterns as written, as their automata match them.
pub(crate) fn holds(c: &Constraint, values: Option<&[String]>) -> Option<bool> {
    match text_matcher(c) {
        Some(matches) => c.holds_by(values, |v| Some(matches(v))),
        None => c.holds(values),
    }
}

/// [`crate::solve::check`] by [`holds`].
pub(crate) fn check(cs: &[&Constraint], values: Option<&[String]>) -> Option<bool> {
    crate::solve::check_by(cs, values, holds)
}

/// Whether the caller's values meet, certainly, every constraint of `groups` on a key
/// derived from the caller (`crate::solve::meets_derived`, by [`check`]).
pub(crate) fn meets_derived(who: &Who, groups: &Groups, caller: &Identity) -> bool {
    groups
        .iter()
        .filter(|(key, _)| is_derived(key, who))
        .all(|(key, cs)| meets(key, cs, who, caller))
}

fn meets(key: &str, cs: &[&Constraint], who: &Who, caller: &Identity) -> bool {
    if key == "aws:principalarn" {
        // The ARN written into one buffer, not into a new string for each test (statement
        // after statement).
        let tested = ARN.with(|buffer| {
            let mut arn = buffer.try_borrow_mut().ok()?;
            arn.clear();
            write_arn(caller, &mut arn)?;
            Some(cs.iter().all(|c| holds_one(c, Some(&arn)) == Some(true)))
        });
        if let Some(tested) = tested {
            return tested;
        }
    }
    match value_of(key, caller) {
        Some(Value::One(v)) => cs.iter().all(|c| holds_one(c, Some(&v)) == Some(true)),
        Some(Value::Absent) => cs.iter().all(|c| holds_one(c, None) == Some(true)),
        Some(Value::Other) => {
            derived(key, caller, who).is_some_and(|v| check(cs, v.as_deref()) == Some(true))
        }
        None => false,
    }
}

thread_local! {
    /// The buffer [`meets`] writes a caller's ARN into.
    static ARN: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The value of a key derived from the caller, without the list [`derived`] makes of it.
enum Value<'a> {
    One(std::borrow::Cow<'a, str>),
    Absent,
    /// Any other key: asked of [`derived`].
    Other,
}

fn value_of<'a>(key: &str, caller: &'a Identity) -> Option<Value<'a>> {
    use std::borrow::Cow;
    Some(match (key, caller) {
        ("aws:principalarn", Identity::Anonymous) => Value::Absent,
        ("aws:principalarn", Identity::Service(s)) => Value::One(Cow::Borrowed(s)),
        ("aws:principalarn", c) => Value::One(Cow::Owned(arn_of(c)?)),
        ("aws:principalaccount", Identity::Anonymous) => Value::One(Cow::Borrowed("anonymous")),
        ("aws:principalaccount", c) => match c.account() {
            Some(a) => Value::One(Cow::Borrowed(a)),
            None => Value::Absent,
        },
        ("aws:username", Identity::User { name, .. }) => Value::One(Cow::Borrowed(name)),
        ("aws:username", _) => Value::Absent,
        ("aws:userid", Identity::Session { session, .. }) => {
            let mut id = String::with_capacity(22 + session.len());
            id.push_str("AROAEXAMPLEROLEID0001:");
            id.push_str(session);
            Value::One(Cow::Owned(id))
        }
        ("aws:userid", Identity::User { .. }) => Value::One(Cow::Borrowed("AIDAEXAMPLEUSERID0001")),
        ("aws:userid", Identity::Root { account, .. }) => Value::One(Cow::Borrowed(account)),
        ("aws:userid", Identity::Anonymous) => Value::One(Cow::Borrowed("anonymous")),
        ("aws:userid", Identity::Service(_)) => Value::Absent,
        _ => Value::Other,
    })
}

/// The ARN of a root user, user or session (what [`Identity::principal_arn`] gives them),
/// without formatting; `None` for other callers.
pub(crate) fn arn_of(c: &Identity) -> Option<String> {
    let mut arn = String::new();
    write_arn(c, &mut arn)?;
    Some(arn)
}

/// [`arn_of`] appended to `arn`: `arn:{partition}:iam::{account}:root` for a root user,
/// `arn:{partition}:iam::{account}:user{path}{name}` for a user and
/// `arn:{partition}:iam::{account}:role{role_path}{role}` for a session (its role's ARN), each
/// field as the caller holds it; `None` (and nothing appended) for other callers. The ARNs of
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns>.
fn write_arn(c: &Identity, arn: &mut String) -> Option<()> {
    let parts: [&str; 6] = match c {
        Identity::Root { partition, account } => {
            ["arn:", partition, ":iam::", account, ":root", ""]
        }
        Identity::User {
            partition,
            account,
            path,
            ..
        } => ["arn:", partition, ":iam::", account, ":user", path],
        Identity::Session {
            partition,
            account,
            role_path,
            ..
        } => ["arn:", partition, ":iam::", account, ":role", role_path],
        _ => return None,
    };
    let name = match c {
        Identity::User { name, .. } => name.as_str(),
        Identity::Session { role, .. } => role.as_str(),
        _ => "",
    };
    arn.reserve(parts.iter().map(|p| p.len()).sum::<usize>() + name.len());
    for p in parts {
        arn.push_str(p);
    }
    arn.push_str(name);
    Some(())
}

/// [`holds`] of one value (`None`: the key is missing).
fn holds_one(c: &Constraint, value: Option<&str>) -> Option<bool> {
    let Some(v) = value else {
        return Some(c.when_missing);
    };
    match text_matcher(c) {
        Some(matches) => Some(matches(v)),
        // What `holds` answers for the one value, without a list to hold it.
        None => c.test.eval(v),
    }
}

/// The test of a text constraint on one value, read from its condition: `StringLike` and
/// the other string operators (but those that ignore case), `ArnLike` and the other ARN
/// operators, as [`crate::condition`] lowers them (`Nfa::strings`, `Nfa::arns`). `None` for
/// other tests.
fn text_matcher(c: &Constraint) -> Option<impl Fn(&str) -> bool + '_> {
    let Test::Text { negated, .. } = &c.test else {
        return None;
    };
    let condition = c.origin.0.condition();
    let op = condition.operator.operator;
    let arn = match op.family() {
        OperatorFamily::Arn => true,
        OperatorFamily::String | OperatorFamily::Binary
            if !matches!(
                op,
                Operator::StringEqualsIgnoreCase | Operator::StringNotEqualsIgnoreCase
            ) =>
        {
            false
        }
        _ => return None,
    };
    let like = op.is_like();
    let patterns = &condition.values;
    let negated = *negated;
    Some(move |v: &str| {
        let found = patterns.iter().any(|p| {
            if arn {
                arn_like(p, v)
            } else if like {
                glob(p, v)
            } else {
                p == v
            }
        });
        found != negated
    })
}

/// Whether `text` matches the `StringLike` pattern: `*` any characters, `?` one.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        glob_in(pattern.as_bytes(), text.as_bytes(), b'*', b'?')
    } else {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        glob_in(&p, &t, '*', '?')
    }
}

/// The glob match by the pieces between the `*`s: the first begins the text and the last
/// ends it, each other taken where it first fits after the one before (a `*` takes what
/// lies between; a piece found later leaves less to those after it, never more). A piece
/// fits where each of its characters is the text's or a `?`.
fn glob_in<T: Copy + PartialEq>(p: &[T], t: &[T], star: T, one: T) -> bool {
    let Some(first_star) = p.iter().position(|&c| c == star) else {
        return p.len() == t.len() && fits(p, t, one);
    };
    let last_star = p.iter().rposition(|&c| c == star).unwrap_or(first_star);
    let (head, tail) = (&p[..first_star], &p[last_star + 1..]);
    if t.len() < head.len() + tail.len()
        || !fits(head, &t[..head.len()], one)
        || !fits(tail, &t[t.len() - tail.len()..], one)
    {
        return false;
    }
    let mut rest = &t[head.len()..t.len() - tail.len()];
    if last_star > first_star {
        for piece in p[first_star + 1..last_star].split(|&c| c == star) {
            if piece.is_empty() {
                continue;
            }
            let Some(at) = find_piece(piece, rest, one) else {
                return false;
            };
            rest = &rest[at + piece.len()..];
        }
    }
    true
}

/// Whether each character of `piece` is that of `at` (as long) or a `?`.
fn fits<T: Copy + PartialEq>(piece: &[T], at: &[T], one: T) -> bool {
    piece.len() == at.len() && piece.iter().zip(at).all(|(&a, &b)| a == one || a == b)
}

/// Where `piece` (not empty, no `*`) first fits in `text`.
fn find_piece<T: Copy + PartialEq>(piece: &[T], text: &[T], one: T) -> Option<usize> {
    let n = piece.len();
    let last = text.len().checked_sub(n)?;
    let first = piece[0];
    let mut at = 0;
    while at <= last {
        if first != one {
            // Straight to the next place the piece's first character is.
            at += text[at..=last].iter().position(|&c| c == first)?;
        }
        if fits(&piece[1..], &text[at + 1..at + n], one) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// Whether `text` matches the `ArnLike` pattern: six colon-separated fields, each a glob
/// that cannot cross a colon but the last, which takes the rest; a pattern of fewer fields
/// matches nothing (as `Nfa::arns` reads it).
pub(crate) fn arn_like(pattern: &str, text: &str) -> bool {
    // Split at a colon's byte: it begins no other character.
    fn split(s: &str) -> Option<(&str, &str)> {
        let at = s.bytes().position(|b| b == b':')?;
        Some((&s[..at], &s[at + 1..]))
    }
    let (mut p, mut t) = (pattern, text);
    for _ in 0..5 {
        let (Some((pf, pr)), Some((tf, tr))) = (split(p), split(t)) else {
            return false;
        };
        if !glob(pf, tf) {
            return false;
        }
        (p, t) = (pr, tr);
    }
    glob(p, t)
}

/// Whether a value of `key` (not derived from the caller, one value a request) lies in its
/// domain and passes every constraint of `cs`, all text tests: a value a positive pattern
/// takes with its wildcards filled, or filled as the solver's walks filled patterns of the
/// same wildcards (`o-1*` as `o-0*` was, say). Then the key's own solve finds one too (it
/// refuses only when none is). `false` says nothing.
pub(crate) fn some_value(
    key: &str,
    cs: &[&Constraint],
    info: &KeyInfo,
    domain: impl FnOnce() -> std::rc::Rc<Nfa>,
) -> bool {
    // `aws:SourceArn` excludes ARNs beside its domain; several values take another search.
    if info.multi || info.presence == Presence::Never || key == "aws:sourcearn" || cs.is_empty() {
        return false;
    }
    if !cs
        .iter()
        .all(|c| matches!(c.test, Test::Text { .. }) && text_matcher(c).is_some())
    {
        return false;
    }
    let domain = domain();
    let passes =
        |v: &str| domain.matches(v) && cs.iter().all(|c| holds_one(c, Some(v)) == Some(true));
    positive_patterns(cs).take(4).any(|p| {
        passes(p) || crate::text::find_earlier_filling(p, |v| passes(v).then_some(())).is_some()
    })
}

/// A caller of class `who` that meets every constraint of `groups` on the keys derived from
/// the caller: `base` (a caller [`crate::solve`] found for the class), with the account, the
/// name (and so the ARN) or the session the constraints it fails ask for, each taken from a
/// pattern they hold with its wildcards filled. Only users and sessions are refilled, and
/// only within what the identity step may pick for the class: the class's own account or
/// name when it fixes them, a name in the domain it searches (twelve digits, an IAM path and
/// name, a session name), none it excludes. `None`: the identity step decides.
pub(crate) fn refill(who: &Who, groups: &Groups, base: &Identity) -> Option<Identity> {
    // The keys the caller fails, of those a refill may change.
    let (mut account, mut arn, mut username, mut userid) = (false, false, false, false);
    let refillable = matches!(who.kind, Kind::User | Kind::Session);
    for (key, cs) in groups {
        if !is_derived(key, who) || meets(key, cs, who, base) {
            continue;
        }
        // Only users and sessions are refilled: the first key failed answers (the rest need
        // not be asked).
        if !refillable {
            return None;
        }
        match *key {
            "aws:principalaccount" => account = true,
            "aws:principalarn" => arn = true,
            "aws:username" => username = true,
            "aws:userid" => userid = true,
            _ => return None,
        }
    }
    if !(account || arn || username || userid) {
        return Some(base.clone());
    }
    let get = |k: &str| groups.get(k).map_or(&[][..], Vec::as_slice);
    // Copied when a step changes it (a new name is a new caller, made at once).
    let mut caller = std::borrow::Cow::Borrowed(base);
    if account {
        let Choice::Free(excluded) = &who.account else {
            return None;
        };
        let to = positive_patterns(get("aws:principalaccount"))
            .map(|p| fill(p, '0'))
            .find(|a| is_account(a) && !excluded.contains(a))?;
        set_account(caller.to_mut(), to);
        // The ARN names the account.
        arn = !meets("aws:principalarn", get("aws:principalarn"), who, &caller);
    }
    if arn {
        let arn_cs = get("aws:principalarn");
        caller = std::borrow::Cow::Owned(
            positive_patterns(arn_cs).find_map(|p| arn_name(p, who, &caller))?,
        );
        // The name is the user name too.
        username = who.kind == Kind::User;
    }
    if username
        && who.kind == Kind::User
        && !meets("aws:username", get("aws:username"), who, &caller)
    {
        if who.name.is_some() || !ascii_names(who) {
            return None;
        }
        // As the identity step searches a user name alone: none that ends an excluded ARN.
        let name = positive_patterns(get("aws:username"))
            .map(|p| fill(p, 'x'))
            .find(|n| {
                is_iam_name(n)
                    && !who.excluded.iter().any(|e| {
                        e.rsplit('/')
                            .next()
                            .is_some_and(|last| last.eq_ignore_ascii_case(n))
                    })
            })?;
        let path = match &*caller {
            Identity::User { path, .. } => path.clone(),
            _ => return None,
        };
        set_name(caller.to_mut(), path, name);
        if excluded_arn(who, &caller) {
            return None;
        }
        arn = true;
    }
    if userid {
        if who.kind != Kind::Session || who.session.is_some() {
            return None;
        }
        let session = positive_patterns(get("aws:userid"))
            .filter_map(|p| p.split_once(':').map(|(_, s)| fill(s, 'x')))
            .find(|s| is_session_name(s))?;
        if let Identity::Session { session: s, .. } = caller.to_mut() {
            *s = session;
        }
    }
    // The keys that passed and that no step changed pass still.
    let changed = |key: &str| match key {
        "aws:principalaccount" => account,
        "aws:principalarn" => account || arn,
        "aws:username" => username || arn,
        "aws:userid" => userid,
        _ => false,
    };
    groups
        .iter()
        .filter(|(key, _)| is_derived(key, who) && changed(key))
        .all(|(key, cs)| meets(key, cs, who, &caller))
        .then(|| caller.into_owned())
}

/// The values of the positive text tests (`StringLike`, `ArnEquals`, ...) among `cs`, as
/// written: each names values that pass it.
fn positive_patterns<'a>(cs: &'a [&'a Constraint]) -> impl Iterator<Item = &'a str> + 'a {
    cs.iter()
        .filter(|c| {
            matches!(c.test, Test::Text { negated: false, .. }) && text_matcher(c).is_some()
        })
        .flat_map(|c| c.origin.0.condition().values.iter().map(String::as_str))
}

/// `pattern` with each wildcard filled with `with` (none with nothing: `*` alone names no
/// account or name).
fn fill(pattern: &str, with: char) -> String {
    pattern
        .chars()
        .map(|c| if c == '*' || c == '?' { with } else { c })
        .collect()
}

/// The caller as a user or role of the class whose ARN the ARN pattern `p` takes: the
/// pattern's fields filled as the caller's where they take them (a wildcard for the
/// account, say), else with the pattern's wildcards filled; then the pattern filled as the
/// solver's walks filled patterns of the same wildcards (`team-1-*`, `team-2-*`).
fn arn_name(p: &str, who: &Who, caller: &Identity) -> Option<Identity> {
    if who.name.is_some() || !ascii_names(who) {
        return None;
    }
    let word = if who.kind == Kind::User {
        "user"
    } else {
        "role"
    };
    let by_fields = || {
        let [arn, partition, service, region, account, resource] = six_fields(p)?;
        if !resource.starts_with(word) {
            return None;
        }
        let current = caller.account()?;
        let account = if glob(account, current) {
            current.to_owned()
        } else {
            fill(account, '0')
        };
        (glob(arn, "arn") && glob(partition, &who.partition) && glob(service, "iam"))
            .then_some(())
            .filter(|()| glob(region, ""))?;
        Some(format!(
            "arn:{}:iam::{account}:{}",
            who.partition,
            fill(resource, 'x')
        ))
    };
    by_fields()
        .and_then(|text| as_caller(&text, who, caller))
        .or_else(|| crate::text::find_earlier_filling(p, |text| as_caller(text, who, caller)))
}

/// The six fields of an ARN or ARN pattern, the last taking the rest: what
/// `splitn(6, ':')` gives when there are six, split at the colons' bytes (a colon begins
/// no other character). `None` for fewer.
fn six_fields(p: &str) -> Option<[&str; 6]> {
    let mut fields = [""; 6];
    let mut rest = p;
    for field in &mut fields[..5] {
        let at = rest.bytes().position(|b| b == b':')?;
        *field = &rest[..at];
        rest = &rest[at + 1..];
    }
    fields[5] = rest;
    Some(fields)
}

/// The caller with the account, path and name of `arn` when it is the ARN of a user or
/// role (by the class's kind) the identity step may pick for the class: in its partition,
/// of its account (or, when it leaves the account free, one it does not exclude), a path
/// and name in their domains, not an ARN it excludes.
fn as_caller(arn: &str, who: &Who, caller: &Identity) -> Option<Identity> {
    let word = if who.kind == Kind::User {
        "user"
    } else {
        "role"
    };
    let rest = arn
        .strip_prefix("arn:")?
        .strip_prefix(&*who.partition)?
        .strip_prefix(":iam::")?;
    let (account, rest) = (rest.get(..12)?, rest.get(12..)?);
    let rest = rest.strip_prefix(':')?.strip_prefix(word)?;
    let at = rest.rfind('/')?;
    let (path, name) = (&rest[..=at], &rest[at + 1..]);
    if !is_account(account) || !is_path(path) || !is_iam_name(name) {
        return None;
    }
    match &who.account {
        Choice::Fixed(a) if a != account => return None,
        Choice::Free(excluded) if excluded.iter().any(|e| e == account) => return None,
        _ => {}
    }
    let named = named(caller, account, path, name);
    (!excluded_arn(who, &named)).then_some(named)
}

/// `caller` with the account, path and name given (root users, services and anonymous
/// callers have no path or name): built at once rather than copied and overwritten.
fn named(caller: &Identity, account: &str, path: &str, name: &str) -> Identity {
    match caller {
        Identity::User { partition, .. } => Identity::User {
            partition: partition.clone(),
            account: account.to_owned(),
            path: path.to_owned(),
            name: name.to_owned(),
        },
        Identity::Session {
            partition, session, ..
        } => Identity::Session {
            partition: partition.clone(),
            account: account.to_owned(),
            role_path: path.to_owned(),
            role: name.to_owned(),
            session: session.clone(),
        },
        other => {
            let mut named = other.clone();
            set_account(&mut named, account.to_owned());
            named
        }
    }
}

/// Whether the class's excluded names are all ASCII: then ignoring case, as the identity
/// step compares them, is ignoring ASCII case.
fn ascii_names(who: &Who) -> bool {
    who.excluded.iter().all(|e| e.is_ascii())
}

/// Whether the class excludes the caller's ARN (its names are lowercased ARNs).
fn excluded_arn(who: &Who, caller: &Identity) -> bool {
    !who.excluded.is_empty()
        && arn_of(caller)
            .is_some_and(|arn| who.excluded.iter().any(|e| e.eq_ignore_ascii_case(&arn)))
}

fn set_account(caller: &mut Identity, to: String) {
    match caller {
        Identity::Root { account, .. }
        | Identity::User { account, .. }
        | Identity::Session { account, .. } => *account = to,
        Identity::Service(_) | Identity::Anonymous => {}
    }
}

fn set_name(caller: &mut Identity, to_path: String, to_name: String) {
    match caller {
        Identity::User { path, name, .. } => {
            *path = to_path;
            *name = to_name;
        }
        Identity::Session {
            role_path, role, ..
        } => {
            *role_path = to_path;
            *role = to_name;
        }
        _ => {}
    }
}

/// Twelve digits (`keys::account_re`).
pub(crate) fn is_account(a: &str) -> bool {
    a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit())
}

/// The characters of IAM names and session names (`keys::iam_name_re`).
fn name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b)
}

/// `keys::iam_name_re`: 1 to 64 name characters.
fn is_iam_name(n: &str) -> bool {
    (1..=64).contains(&n.len()) && n.bytes().all(name_byte)
}

/// `keys::session_name_re`: 2 to 64 name characters.
fn is_session_name(n: &str) -> bool {
    (2..=64).contains(&n.len()) && n.bytes().all(name_byte)
}

/// `keys::path_re`: `/`, or segments of 1 to 64 printable characters but `/`, each ending
/// in `/`.
fn is_path(p: &str) -> bool {
    let Some(inner) = p.strip_prefix('/') else {
        return false;
    };
    if inner.is_empty() {
        return true;
    }
    let Some(inner) = inner.strip_suffix('/') else {
        return false;
    };
    inner.split('/').all(|s| {
        (1..=64).contains(&s.len()) && s.bytes().all(|b| (b'!'..=b'~').contains(&b) && b != b'/')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Condition;

    /// [`glob_in`] as it was, one character more for the latest `*` at a time.
    fn glob_reference<T: Copy + PartialEq>(p: &[T], t: &[T], star: T, one: T) -> bool {
        let (mut pi, mut ti) = (0, 0);
        let mut back: Option<(usize, usize)> = None;
        while ti < t.len() {
            if pi < p.len() && p[pi] == star {
                back = Some((pi, ti));
                pi += 1;
            } else if pi < p.len() && (p[pi] == one || p[pi] == t[ti]) {
                pi += 1;
                ti += 1;
            } else if let Some((sp, st)) = back {
                pi = sp + 1;
                ti = st + 1;
                back = Some((sp, st + 1));
            } else {
                return false;
            }
        }
        p[pi..].iter().all(|&c| c == star)
    }

    /// The patterns as written match as their automata do: `StringLike` and `ArnLike`
    /// patterns of wildcards, colons and letters (some not ASCII), against texts of the same
    /// pieces, fixed cases and 4,000 random ones.
    #[test]
    fn patterns_match_as_their_automata() {
        let fixed = [
            (
                "arn:aws:iam::*:role/team-1-*",
                "arn:aws:iam::111122223333:role/team-1-x",
            ),
            (
                "arn:aws:iam::*:role/team-1-*",
                "arn:aws:iam::1:2:role/team-1-",
            ),
            ("*:ci-1-*", "AROAEXAMPLEROLEID0001:ci-1-x"),
            ("a*b*c", "aXbYbZc"),
            ("a?c", "aéc"),
            ("", ""),
            ("*", ""),
            ("?", ""),
            ("arn:*", "arn:a:b:c:d:e"),
        ];
        let mut cases: Vec<(String, String)> = fixed
            .iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
            .collect();
        let mut next = crate::test_random::xorshift(0x2545_f491_4f6c_dd1d);
        let pieces = ["a", "b", ":", "*", "?", "é", "arn", "::", "/"];
        let mut word = |wild: bool| -> String {
            (0..next(9))
                .map(|_| pieces[next(pieces.len() as u64) as usize])
                .map(|p| {
                    if !wild && (p == "*" || p == "?") {
                        "b"
                    } else {
                        p
                    }
                })
                .collect()
        };
        // Generated patterns with a piece between two `*`s: the only ones whose match looks
        // for a piece where it first fits, so there must be many.
        let mut middle = 0;
        for _ in 0..4_000 {
            let p = word(true);
            let t = word(false);
            if let (Some(first), Some(last)) = (p.find('*'), p.rfind('*')) {
                if first < last && p[first + 1..last].split('*').any(|piece| !piece.is_empty()) {
                    middle += 1;
                }
            }
            cases.push((p, t));
        }
        for (p, t) in &cases {
            let (pc, tc): (Vec<char>, Vec<char>) = (p.chars().collect(), t.chars().collect());
            assert_eq!(
                glob(p, t),
                glob_reference(&pc, &tc, '*', '?'),
                "{p:?} {t:?}"
            );
            assert_eq!(
                glob(p, t),
                Nfa::strings([p.as_str()], true, false).matches(t),
                "{p:?} {t:?}"
            );
            assert_eq!(
                arn_like(p, t),
                Nfa::arns([p.as_str()]).matches(t),
                "{p:?} {t:?}"
            );
        }
        assert!(middle > 50, "{middle} patterns with a middle piece");
    }

    /// Callers of every kind, with names that ARN patterns take and others.
    fn callers() -> Vec<Identity> {
        let mut out = vec![
            Identity::Anonymous,
            Identity::Service("ecs.amazonaws.com".to_owned()),
        ];
        for account in ["111122223333", "444455556666"] {
            out.push(Identity::Root {
                partition: "aws".into(),
                account: account.to_owned(),
            });
            for (path, name) in [("/", "team-1-x"), ("/:role/", "team-2-"), ("/ci/1/", "x")] {
                out.push(Identity::User {
                    partition: "aws".into(),
                    account: account.to_owned(),
                    path: path.to_owned(),
                    name: name.to_owned(),
                });
                out.push(Identity::Session {
                    partition: "aws-cn".to_owned(),
                    account: account.to_owned(),
                    role_path: path.to_owned(),
                    role: name.to_owned(),
                    session: "ci-1-x".to_owned(),
                });
            }
        }
        out
    }

    fn who(kind: Kind) -> Who {
        Who {
            kind,
            partition: "aws".into(),
            account: Choice::Free(std::rc::Rc::new([])),
            name: None,
            excluded: Vec::new(),
            session: None,
            owner: "111122223333".into(),
            region: None,
        }
    }

    /// [`meets`] (the ARN written into its buffer, the values [`value_of`] reads) answers as
    /// the caller's values from [`derived`] checked by `Constraint::holds`, for every key a
    /// caller gives, callers of every kind and 3,000 random conditions.
    #[test]
    fn meets_as_the_derived_values() {
        let keys = [
            "aws:PrincipalArn",
            "aws:PrincipalAccount",
            "aws:userid",
            "aws:username",
            "aws:PrincipalType",
            "aws:PrincipalServiceName",
        ];
        let operators = [
            "StringLike",
            "StringNotLike",
            "StringEquals",
            "ArnLike",
            "ArnNotLike",
            "StringLikeIfExists",
            "StringEqualsIgnoreCase",
            "Null",
        ];
        let values = [
            "arn:aws:iam::*:role/team-1-*",
            "arn:aws:iam::*:user/*",
            "arn:aws*:iam::111122223333:*",
            "*:ci-1-*",
            "AIDA*",
            "111122223333",
            "anonymous",
            "team-?-x",
            "*",
            "true",
            "false",
        ];
        let mut next = crate::test_random::xorshift(0x27d4_eb2f_1656_67c5);
        let callers = callers();
        let (mut passed, mut failed) = (0, 0);
        for _ in 0..3_000 {
            let key = keys[next(keys.len() as u64) as usize];
            let lowered: Vec<Constraint> = (0..1 + next(2))
                .map(|_| {
                    let op: policy_catalogue::ConditionOperator = operators
                        [next(operators.len() as u64) as usize]
                        .parse()
                        .expect("an operator");
                    let patterns: Vec<&str> = (0..1 + next(2))
                        .map(|_| values[next(values.len() as u64) as usize])
                        .collect();
                    Constraint::lower(&Condition::new(op, key, patterns), false)
                })
                .collect();
            let cs: Vec<&Constraint> = lowered.iter().collect();
            let key = cs[0].key.as_str();
            let caller = &callers[next(callers.len() as u64) as usize];
            let who = who(caller.kind());
            let expected = derived(key, caller, &who)
                .is_some_and(|v| crate::solve::check(&cs, v.as_deref()) == Some(true));
            assert_eq!(
                meets(key, &cs, &who, caller),
                expected,
                "{key} {cs:?} {caller:?}"
            );
            if expected {
                passed += 1;
            } else {
                failed += 1;
            }
        }
        assert!(passed > 300 && failed > 300, "{passed} {failed}");
    }

    /// [`six_fields`] splits as `splitn(6, ':')`, fixed texts and 2,000 random ones of
    /// colons, letters and a letter of two bytes.
    #[test]
    fn six_fields_as_splitn() {
        let mut texts: Vec<String> = [
            "",
            ":",
            "arn:aws:iam::*:role/a:b",
            "a:b:c:d:e",
            "a:b:c:d:e:",
        ]
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
        let mut next = crate::test_random::xorshift(0x1405_7b7e_f767_814f);
        let pieces = [":", "a", "é", "::", "*"];
        for _ in 0..2_000 {
            texts.push(
                (0..next(12))
                    .map(|_| pieces[next(pieces.len() as u64) as usize])
                    .collect(),
            );
        }
        let mut six = 0;
        for t in &texts {
            let split: Vec<&str> = t.splitn(6, ':').collect();
            let expected: Option<[&str; 6]> = split.clone().try_into().ok();
            assert_eq!(six_fields(t), expected, "{t:?}");
            six += usize::from(expected.is_some());
        }
        assert!(six > 300, "{six}");
    }

    /// [`Identity::principal_arn`] (written by [`write_arn`]) is the ARN as formatted, for
    /// callers of every kind.
    #[test]
    fn principal_arn_as_formatted() {
        for caller in callers() {
            let formatted = match &caller {
                Identity::Root { partition, account } => {
                    Some(format!("arn:{partition}:iam::{account}:root"))
                }
                Identity::User {
                    partition,
                    account,
                    path,
                    name,
                } => Some(format!("arn:{partition}:iam::{account}:user{path}{name}")),
                Identity::Session {
                    partition,
                    account,
                    role_path,
                    role,
                    ..
                } => Some(format!(
                    "arn:{partition}:iam::{account}:role{role_path}{role}"
                )),
                Identity::Service(s) => Some(s.clone()),
                Identity::Anonymous => None,
            };
            assert_eq!(caller.principal_arn(), formatted, "{caller:?}");
        }
    }

    /// [`named`] gives the caller as copied and overwritten.
    #[test]
    fn named_as_copied_and_overwritten() {
        for caller in callers() {
            for (account, path, name) in [("999999999999", "/a/", "b"), ("1", "/", "")] {
                let mut expected = caller.clone();
                set_account(&mut expected, account.to_owned());
                set_name(&mut expected, path.to_owned(), name.to_owned());
                assert_eq!(named(&caller, account, path, name), expected);
            }
        }
    }

    /// [`holds`] answers as [`Constraint::holds`] for text tests of every string and ARN
    /// operator (and the others, which it leaves to it), several values or none.
    #[test]
    fn holds_as_the_constraint() {
        let operators = [
            "StringLike",
            "StringNotLike",
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "ArnLike",
            "ArnNotLike",
            "ArnEquals",
            "ArnNotEquals",
            "ForAllValues:StringLike",
            "ForAnyValue:StringNotLike",
            "StringLikeIfExists",
            "BinaryEquals",
            "NumericLessThan",
            "Null",
        ];
        let values = [
            "arn:aws:iam::1:role/x",
            "arn:aws:iam::*:role/*",
            "x",
            "X",
            "*",
            "?",
            "1",
            "true",
            "a:b:c:d:e:f",
        ];
        let mut next = crate::test_random::xorshift(0x5851_f42d_4c95_7f2d);
        for _ in 0..2_000 {
            let op: policy_catalogue::ConditionOperator = operators
                [next(operators.len() as u64) as usize]
                .parse()
                .expect("an operator");
            let patterns: Vec<&str> = (0..next(3))
                .map(|_| values[next(values.len() as u64) as usize])
                .collect();
            let c = Constraint::lower(&Condition::new(op, "aws:PrincipalArn", patterns), false);
            let c = if next(2) == 0 { c.negate() } else { c };
            let asked: Vec<String> = (0..next(3))
                .map(|_| values[next(values.len() as u64) as usize].to_owned())
                .collect();
            let asked = (next(4) != 0).then_some(asked.as_slice());
            assert_eq!(holds(&c, asked), c.holds(asked), "{c:?} {asked:?}");
            if let Some([one]) = asked {
                assert_eq!(holds_one(&c, Some(one)), c.holds(asked), "{c:?} {one:?}");
            }
        }
    }
}

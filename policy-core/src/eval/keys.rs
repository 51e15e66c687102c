//! Keys of principals and callers, so that the evaluator passes over a statement naming
//! someone else without comparing names, and slots of context keys, so that a condition finds
//! its key in a request without comparing key names.
//!
//! An account's key is exact: the partition and the twelve digits of the account id as one
//! number, so equal keys are the same account and nothing is compared. The keys of users,
//! roles, sessions and services are a hash of the fields by which a principal names a caller;
//! equal keys are confirmed by comparing the principal with the caller, so a collision costs
//! a comparison, never an answer.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{OnceLock, PoisonError, RwLock};

use policy_catalogue::KNOWN_KEYS;

use crate::model::principal::{AwsPrincipal, Principal};

/// The key of a principal that no caller has: `Federated` and `CanonicalUser` principals.
pub(crate) const NOBODY: u64 = 0;
/// The key of `"*"`, which covers every caller.
pub(crate) const EVERYONE: u64 = 1;

const ACCOUNT: u64 = 2;
const USER: u64 = 3;
const ROLE: u64 = 4;
const SESSION: u64 = 5;
const SERVICE: u64 = 6;

/// The key of a listed principal: one of the keys of a caller (`Caller::keys`) whenever
/// `principal_matches` covers that caller. `None` for a principal only a comparison decides
/// (a federated user session's ARN, kept as written).
pub(crate) fn principal_key(p: &Principal) -> Option<u64> {
    Some(match p {
        Principal::Anyone | Principal::Aws(AwsPrincipal::Everyone) => EVERYONE,
        Principal::Federated(_) | Principal::CanonicalUser(_) => NOBODY,
        Principal::Service(s) => service_key(s.as_str()),
        Principal::Aws(AwsPrincipal::Account {
            partition, account, ..
        }) => account_key(*partition as u64, account.as_str()),
        Principal::Aws(_) => match named(p) {
            Some((USER, partition, account, path, name)) => {
                user_key(partition, account, path, name)
            }
            Some((ROLE, partition, account, path, name)) => {
                role_key(partition, account, path, name)
            }
            Some((_, partition, account, role, session)) => {
                session_key(partition, account, role, session)
            }
            None => return None,
        },
    })
}

/// A principal that names a user, role or role session, by the fields its key and its identity
/// are made of: the kind (`USER`, `ROLE` or `SESSION`), partition and account, then the path
/// and name of a user or role, or the role and session names of a session.
fn named(p: &Principal) -> Option<(u64, u64, &str, &str, &str)> {
    let Principal::Aws(aws) = p else {
        return None;
    };
    let (kind, partition, first, second) = match aws {
        AwsPrincipal::User {
            partition,
            path,
            name,
            ..
        } => (USER, partition, path.as_str(), name.as_str()),
        AwsPrincipal::Role {
            partition,
            path,
            name,
            ..
        } => (ROLE, partition, path.as_str(), name.as_str()),
        AwsPrincipal::AssumedRole {
            partition,
            role,
            session,
            ..
        } => (SESSION, partition, role.as_str(), session.as_str()),
        _ => return None,
    };
    let account = aws.account()?;
    Some((kind, *partition as u64, account.as_str(), first, second))
}

/// The key of an account: exact ([`is_exact_account`]) for an id of twelve digits, as every
/// [`AccountId`](crate::model::names::AccountId) is.
pub(crate) fn account_key(partition: u64, account: &str) -> u64 {
    let digits = account.as_bytes();
    if digits.len() == 12 && digits.iter().all(u8::is_ascii_digit) {
        let number = digits
            .iter()
            .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
        // Twelve digits fit 40 bits; the partition sits above them.
        EXACT_ACCOUNT | (partition & 0xff) << 40 | number
    } else {
        Key::new(ACCOUNT).word(partition).exact(account).done()
    }
}

/// Bit 62 alone of the top two: the keys of [`account_key`] that are the account itself.
/// Hashed keys have both top bits set ([`Key::done`]), [`NOBODY`] and [`EVERYONE`] neither.
const EXACT_ACCOUNT: u64 = 1 << 62;

/// Whether a key is an account's exact key: a caller holding it is of that partition and
/// account, with nothing left to compare.
#[inline]
pub(crate) fn is_exact_account(key: u64) -> bool {
    key >> 62 == 1
}

/// The key of a user, as [`principal_key`] makes it for a principal naming the user.
pub(crate) fn user_key(partition: u64, account: &str, path: &str, name: &str) -> u64 {
    Key::new(USER)
        .word(partition)
        .exact(account)
        .exact(path)
        .lower(name)
        .done()
}

/// The key of a role.
pub(crate) fn role_key(partition: u64, account: &str, path: &str, name: &str) -> u64 {
    Key::new(ROLE)
        .word(partition)
        .exact(account)
        .exact(path)
        .lower(name)
        .done()
}

/// The key of a role session.
pub(crate) fn session_key(partition: u64, account: &str, role: &str, session: &str) -> u64 {
    Key::new(SESSION)
        .word(partition)
        .exact(account)
        .lower(role)
        .exact(session)
        .done()
}

/// The key of a service principal.
pub(crate) fn service_key(name: &str) -> u64 {
    Key::new(SERVICE).lower(name).done()
}

/// The id of the exact text of a listed principal that names a user, role, session or
/// service ([`Identity`]), interned ([`intern`]); [`NOT_INTERNED`] for the others, and when
/// the table is full.
pub(crate) fn principal_id(p: &Principal, key: u64) -> u32 {
    let identity = match p {
        Principal::Service(s) => Identity::service(s.as_str()),
        _ => match named(p) {
            Some((USER, partition, account, path, name)) => {
                Identity::user(partition, account, path, name)
            }
            Some((ROLE, partition, account, path, name)) => {
                Identity::role(partition, account, path, name)
            }
            Some((_, partition, account, role, session)) => {
                Identity::session(partition, account, role, session)
            }
            None => return NOT_INTERNED,
        },
    };
    intern(key, &identity)
}

/// The exact text of the identity a principal names, which two principals share exactly when
/// they name the same user, role, session or service: a letter for the kind, a byte for the
/// partition, then the fields, names IAM compares ignoring case folded to lower case, paths
/// and session names kept. A path ends with `/` and a name holds none, so the fields cannot
/// run into each other. Kept as its parts, so that looking it up allocates nothing.
pub(crate) struct Identity<'a> {
    head: [u8; 3],
    /// Each part, and whether it is folded.
    parts: [(&'a str, bool); 5],
}

impl<'a> Identity<'a> {
    pub(crate) fn user(partition: u64, account: &'a str, path: &'a str, name: &'a str) -> Self {
        Self::named(b'u', partition, account, path, name)
    }

    pub(crate) fn role(partition: u64, account: &'a str, path: &'a str, name: &'a str) -> Self {
        Self::named(b'r', partition, account, path, name)
    }

    /// A user (`u`) or a role (`r`): the account, `:`, the path, then the name folded.
    fn named(tag: u8, partition: u64, account: &'a str, path: &'a str, name: &'a str) -> Self {
        Self::of(
            tag,
            partition,
            [
                (account, false),
                (":", false),
                (path, false),
                (name, true),
                ("", false),
            ],
        )
    }

    pub(crate) fn session(
        partition: u64,
        account: &'a str,
        role: &'a str,
        session: &'a str,
    ) -> Self {
        Self::of(
            b's',
            partition,
            [
                (account, false),
                (":", false),
                (role, true),
                ("/", false),
                (session, false),
            ],
        )
    }

    pub(crate) fn service(name: &'a str) -> Self {
        Self::of(
            b'v',
            0,
            [
                (name, true),
                ("", false),
                ("", false),
                ("", false),
                ("", false),
            ],
        )
    }

    fn of(kind: u8, partition: u64, parts: [(&'a str, bool); 5]) -> Self {
        // A byte of its own for each partition.
        Identity {
            head: [kind, b'0'.wrapping_add(partition as u8), b':'],
            parts,
        }
    }

    /// Whether a stored text is this identity's.
    fn is(&self, text: &[u8]) -> bool {
        let Some(mut rest) = text.strip_prefix(&self.head[..]) else {
            return false;
        };
        for (part, fold) in self.parts {
            let Some((here, after)) = rest.split_at_checked(part.len()) else {
                return false;
            };
            // The stored text is folded already.
            let same = if fold {
                same_bytes(here, part.as_bytes(), ascii_lower)
            } else {
                same_bytes(here, part.as_bytes(), |w| w)
            };
            if !same {
                return false;
            }
            rest = after;
        }
        rest.is_empty()
    }

    fn text(&self) -> Box<[u8]> {
        let mut out = self.head.to_vec();
        for (part, fold) in self.parts {
            if fold {
                out.extend(part.bytes().map(|b| b.to_ascii_lowercase()));
            } else {
                out.extend_from_slice(part.as_bytes());
            }
        }
        out.into_boxed_slice()
    }
}

/// The id of no interned text.
pub(crate) const NOT_INTERNED: u32 = u32::MAX;

/// The most texts interned: past it, principals are matched by comparing their names, so that
/// the table stays small however many policies a process prepares.
const MAX_INTERNED: usize = 1 << 16;

/// The identities the prepared policies name, by key ([`principal_key`]) and exact text, each
/// with its id. Shared by every evaluator of the process, so that a request finds the ids of
/// its caller once, when it is built, whichever evaluator then decides it; texts are only
/// added (by preparing policies), never removed, so an id once found stays right.
struct Interned {
    ids: HashMap<u64, Vec<Entry>, BuildHasherDefault<KeyHasher>>,
    len: usize,
}

/// An interned text and its id.
type Entry = (Box<[u8]>, u32);

fn table() -> &'static RwLock<Interned> {
    static TABLE: OnceLock<RwLock<Interned>> = OnceLock::new();
    TABLE.get_or_init(|| {
        RwLock::new(Interned {
            ids: HashMap::default(),
            len: 0,
        })
    })
}

/// The id of an identity (whose key is `key`), added to the table if it is not there yet.
fn intern(key: u64, identity: &Identity<'_>) -> u32 {
    let found = find_interned(key, identity);
    if found != NOT_INTERNED {
        return found;
    }
    let mut table = table().write().unwrap_or_else(PoisonError::into_inner);
    let Interned { ids, len } = &mut *table;
    let same = ids.entry(key).or_default();
    if let Some((_, id)) = same.iter().find(|(t, _)| identity.is(t)) {
        return *id;
    }
    if *len >= MAX_INTERNED {
        return NOT_INTERNED;
    }
    let id = *len as u32;
    same.push((identity.text(), id));
    *len += 1;
    id
}

/// The id of an identity (whose key is `key`) if a prepared policy named it, else
/// [`NOT_INTERNED`].
pub(crate) fn find_interned(key: u64, identity: &Identity<'_>) -> u32 {
    let table = table().read().unwrap_or_else(PoisonError::into_inner);
    table
        .ids
        .get(&key)
        .and_then(|same| same.iter().find(|(t, _)| identity.is(t)))
        .map_or(NOT_INTERNED, |(_, id)| *id)
}

/// Keys are hashes already: the table uses them as they are.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

/// The keys of the identities a caller has, each as [`principal_key`] makes it for a principal
/// naming that identity: its account, and its user, or its role and session, or its service;
/// and the ids of those a prepared policy named ([`find_interned`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct CallerKeys {
    len: usize,
    keys: [u64; 3],
    /// The interned id of each key's identity, or [`NOT_INTERNED`].
    ids: [u32; 3],
    /// One bit for each key ([`Self::mask_bit`]).
    mask: u64,
}

// Two callers with the same keys are the same, whenever their ids were found.
impl PartialEq for CallerKeys {
    fn eq(&self, other: &Self) -> bool {
        self.keys[..self.len] == other.keys[..other.len]
    }
}

impl Eq for CallerKeys {}

impl CallerKeys {
    /// The keys of a caller's identities, each made as [`principal_key`] makes it, with the
    /// exact text of the identity, if it has one to intern.
    pub(crate) fn new(identities: &[(u64, Option<Identity<'_>>)]) -> Self {
        let mut keys = [NOBODY; 3];
        let mut ids = [NOT_INTERNED; 3];
        let len = identities.len().min(3);
        for (i, (key, text)) in identities[..len].iter().enumerate() {
            keys[i] = *key;
            ids[i] = text
                .as_ref()
                .map_or(NOT_INTERNED, |t| find_interned(*key, t));
        }
        let mask = keys[..len]
            .iter()
            .fold(0, |mask, key| mask | Self::mask_bit(*key));
        CallerKeys {
            len,
            keys,
            ids,
            mask,
        }
    }

    /// One bit for each key: equal keys have the same bit.
    pub(crate) fn mask_bit(key: u64) -> u64 {
        1 << (key >> 32 & 63)
    }

    pub(crate) fn mask(&self) -> u64 {
        self.mask
    }

    /// The place of a key among the caller's.
    #[inline]
    pub(crate) fn position(&self, key: u64) -> Option<usize> {
        self.keys[..self.len].iter().position(|k| *k == key)
    }

    /// The same keys without ids, as a caller has them whose request was built before any
    /// policy naming it was prepared.
    #[cfg(test)]
    pub(crate) fn without_ids(self) -> Self {
        CallerKeys {
            ids: [NOT_INTERNED; 3],
            ..self
        }
    }

    /// The interned id of the identity at a place, [`NOT_INTERNED`] when it has none.
    #[inline]
    pub(crate) fn id(&self, at: usize) -> u32 {
        self.ids.get(at).copied().unwrap_or(NOT_INTERNED)
    }
}

/// A hash of a principal's fields, eight bytes at a time: names that IAM compares ignoring
/// case are folded to lower case first, as `eq_ignore_ascii_case` compares them. Keys only
/// pick the principals worth comparing; a collision costs a comparison, never an answer.
struct Key(u64);

impl Key {
    fn new(kind: u64) -> Self {
        Key(kind)
    }

    fn word(self, w: u64) -> Self {
        Key((self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95))
    }

    fn text(mut self, s: &str, lower: bool) -> Self {
        self = self.word(s.len() as u64);
        let mut chunks = s.as_bytes().chunks_exact(8);
        for chunk in &mut chunks {
            let w = word(chunk);
            self = self.word(if lower { ascii_lower(w) } else { w });
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let w = word(rest);
            self = self.word(if lower { ascii_lower(w) } else { w });
        }
        self
    }

    fn exact(self, s: &str) -> Self {
        self.text(s, false)
    }

    fn lower(self, s: &str) -> Self {
        self.text(s, true)
    }

    /// Never [`NOBODY`] or [`EVERYONE`].
    fn done(self) -> u64 {
        self.0 | 0b100 | 0b11 << 62
    }
}

/// `a == b`, eight bytes at a time, without a call: names are short, and compared often.
#[inline]
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes(), |w| w)
}

/// `a.eq_ignore_ascii_case(b)`, eight bytes at a time: names are short, and compared often.
#[inline]
pub(crate) fn eq_ignore_ascii_case(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes(), ascii_lower)
}

/// Whether `a` and `b` have the same length and the same bytes once each word is passed
/// through `fold`, which works byte by byte. Words may overlap: each byte is compared at least
/// once, at the same place on both sides, so that no word is put together from pieces.
#[inline]
fn same_bytes(a: &[u8], b: &[u8], fold: impl Fn(u64) -> u64) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let same = |x: u64, y: u64| x == y || fold(x) == fold(y);
    if n >= 8 {
        let mut at = 0;
        while at + 8 < n {
            if !same(load8(a, at), load8(b, at)) {
                return false;
            }
            at += 8;
        }
        return same(load8(a, n - 8), load8(b, n - 8));
    }
    if n >= 4 {
        let pair = |s: &[u8]| u64::from(load4(s, 0)) | u64::from(load4(s, n - 4)) << 32;
        return same(pair(a), pair(b));
    }
    if n == 0 {
        return true;
    }
    let three = |s: &[u8]| u64::from(s[0]) | u64::from(s[n / 2]) << 8 | u64::from(s[n - 1]) << 16;
    same(three(a), three(b))
}

#[inline]
fn load8(s: &[u8], at: usize) -> u64 {
    s.get(at..)
        .and_then(<[u8]>::first_chunk::<8>)
        .map_or(0, |w| u64::from_le_bytes(*w))
}

#[inline]
fn load4(s: &[u8], at: usize) -> u32 {
    s.get(at..)
        .and_then(<[u8]>::first_chunk::<4>)
        .map_or(0, |w| u32::from_le_bytes(*w))
}

/// Up to eight bytes as a word, zeros after them. Loads of fixed size only: copying a
/// slice of unknown length would call `memcpy`.
#[inline]
fn word(bytes: &[u8]) -> u64 {
    if let Some(eight) = bytes.first_chunk::<8>() {
        return u64::from_le_bytes(*eight);
    }
    let (mut w, mut at) = (0u64, 0);
    if let Some(four) = bytes.first_chunk::<4>() {
        w = u64::from(u32::from_le_bytes(*four));
        at = 4;
    }
    if let Some(two) = bytes[at..].first_chunk::<2>() {
        w |= u64::from(u16::from_le_bytes(*two)) << (8 * at);
        at += 2;
    }
    if let Some(one) = bytes.get(at) {
        w |= u64::from(*one) << (8 * at);
    }
    w
}

/// The eight bytes of `w` with `A`-`Z` made lower case, the others as they are.
#[inline]
fn ascii_lower(w: u64) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let seven = w & !HIGH;
    // High bit set in the bytes >= 'A', and in the bytes > 'Z' (of their low seven bits).
    let from_a = seven.wrapping_add(LOW * u64::from(0x80 - b'A'));
    let after_z = seven.wrapping_add(LOW * u64::from(0x7f - b'Z'));
    let upper = (from_a ^ after_z) & !w & HIGH;
    w | upper >> 2
}

/// The slot of a condition key that no slot stands for: a key the catalogue does not know,
/// or one made of a prefix and a tag key (`aws:PrincipalTag/team`). Such keys are found by
/// name.
pub(crate) const NO_SLOT: u8 = u8::MAX;

// A request records the slots it holds in one word.
const _: () = assert!(KNOWN_KEYS.len() < 64);

/// The slot of a condition key: its place in the catalogue's [`KNOWN_KEYS`], for a whole key
/// the catalogue knows, matched ignoring ASCII case as IAM matches key names; [`NO_SLOT`]
/// otherwise. Two keys have the same slot exactly when they are the same known key, so a
/// condition and a request whose keys were given slots compare slots instead of names.
pub(crate) const fn key_slot(name: &str) -> u8 {
    let name = name.as_bytes();
    let mut i = 0;
    while i < KNOWN_KEYS.len() {
        let known = KNOWN_KEYS[i].name.as_bytes();
        if !KNOWN_KEYS[i].is_prefix && known.len() == name.len() {
            let mut j = 0;
            while j < name.len() && name[j].eq_ignore_ascii_case(&known[j]) {
                j += 1;
            }
            if j == name.len() {
                return i as u8;
            }
        }
        i += 1;
    }
    NO_SLOT
}

/// [`key_slot`] of a key the catalogue is known to hold, checked when compiled.
pub(crate) const fn known_slot(name: &str) -> u8 {
    let slot = key_slot(name);
    assert!(slot != NO_SLOT, "not a key of the catalogue");
    slot
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignoring_ascii_case_agrees_with_std() {
        let names = [
            "",
            "a",
            "A",
            "ci",
            "CI",
            "ci-user-9",
            "CI-USER-9",
            "ci-user-8",
            "continuous-integration",
            "Continuous-Integration",
            "continuous-integratioN",
            "aws:SourceAccount",
            "AWS:SOURCEACCOUNT",
            "aws:PrincipalType",
            "\u{c4}rger",
            "\u{e4}rger",
            "@[`{",
            "`{@[",
        ];
        for a in names {
            for b in names {
                assert_eq!(
                    eq_ignore_ascii_case(a, b),
                    a.eq_ignore_ascii_case(b),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn words_are_the_bytes_then_zeros() {
        let bytes = *b"abcdefghij";
        for n in 0..=bytes.len() {
            let mut w = [0u8; 8];
            let k = n.min(8);
            w[..k].copy_from_slice(&bytes[..k]);
            assert_eq!(word(&bytes[..n]), u64::from_le_bytes(w), "{n}");
        }
    }

    /// Every length up to three words, with a byte changed (or its case) at every place.
    #[test]
    fn comparisons_see_every_byte() {
        let base = "abcdefghijklmnopqrstuvwx";
        for n in 0..=base.len() {
            let a = &base[..n];
            assert!(same_text(a, a) && eq_ignore_ascii_case(a, &a.to_uppercase()));
            assert!(!same_text(a, &base[..n.saturating_sub(1)]) || n == 0);
            for at in 0..n {
                for (c, exact, ignoring) in [("#", false, false), ("Z", false, false)] {
                    let mut b = a.to_owned();
                    b.replace_range(at..=at, c);
                    assert_eq!(same_text(a, &b), exact, "{a:?} {b:?}");
                    assert_eq!(eq_ignore_ascii_case(a, &b), ignoring, "{a:?} {b:?}");
                }
                let mut upper = a.to_owned();
                upper.replace_range(at..=at, &a[at..=at].to_uppercase());
                assert!(!same_text(a, &upper) && eq_ignore_ascii_case(a, &upper));
            }
        }
    }

    #[test]
    fn exact_text_agrees_with_std() {
        let names = [
            "",
            "a",
            "/",
            "/team/",
            "ci-user-9",
            "ci-user-8",
            "ci-user-9x",
            "123456789012",
        ];
        for a in names {
            for b in names {
                assert_eq!(same_text(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    /// Slots stand for the whole known keys, in any case, and for nothing else.
    #[test]
    fn slots_are_the_known_keys_ignoring_case() {
        for (i, known) in KNOWN_KEYS.iter().enumerate() {
            let name = known.name;
            if known.is_prefix {
                assert_eq!(key_slot(name), NO_SLOT, "{name}");
                assert_eq!(key_slot(&format!("{name}team")), NO_SLOT, "{name}");
                continue;
            }
            for spelling in [name.to_owned(), name.to_uppercase(), name.to_lowercase()] {
                assert_eq!(usize::from(key_slot(&spelling)), i, "{spelling}");
            }
            // `aws:SourceVpc` is `aws:SourceVpce` cut short: another key, not this one.
            assert_ne!(usize::from(key_slot(&name[..name.len() - 1])), i, "{name}");
            assert_ne!(usize::from(key_slot(&format!("{name}x"))), i, "{name}");
        }
        assert_eq!(
            key_slot("aws:SourceAccount"),
            known_slot("AWS:SOURCEACCOUNT")
        );
        assert_eq!(key_slot("s3:prefix"), NO_SLOT);
        assert_eq!(key_slot(""), NO_SLOT);
    }

    /// Ids are the same exactly for the same identity, folded where IAM ignores case.
    #[test]
    fn interned_ids_are_exact() {
        let id = |p: &str| {
            let p = Principal::Aws(p.parse().unwrap());
            principal_id(&p, principal_key(&p).unwrap())
        };
        let ci = id("arn:aws:iam::123456789012:user/ci");
        assert_ne!(ci, NOT_INTERNED);
        assert_eq!(ci, id("arn:aws:iam::123456789012:user/CI"));
        for other in [
            "arn:aws:iam::123456789012:user/team/ci",
            "arn:aws:iam::123456789012:user/ci2",
            "arn:aws:iam::210987654321:user/ci",
            "arn:aws-cn:iam::123456789012:user/ci",
            "arn:aws:iam::123456789012:role/ci",
            "arn:aws:sts::123456789012:assumed-role/ci/run-1",
        ] {
            assert_ne!(ci, id(other), "{other}");
        }
        let session = id("arn:aws:sts::123456789012:assumed-role/ci/run-1");
        assert_eq!(
            session,
            id("arn:aws:sts::123456789012:assumed-role/CI/run-1")
        );
        assert_ne!(
            session,
            id("arn:aws:sts::123456789012:assumed-role/ci/RUN-1")
        );
        let text = Identity::user(0, "123456789012", "/", "Ci");
        assert_eq!(
            find_interned(user_key(0, "123456789012", "/", "Ci"), &text),
            ci
        );
        let unnamed = Identity::user(0, "123456789012", "/", "nobody-named-this");
        assert_eq!(
            find_interned(
                user_key(0, "123456789012", "/", "nobody-named-this"),
                &unnamed
            ),
            NOT_INTERNED
        );
    }

    #[test]
    fn account_keys_are_exact_for_account_ids() {
        let key = account_key(0, "123456789012");
        assert!(is_exact_account(key));
        assert_ne!(key, account_key(1, "123456789012"));
        assert_ne!(key, account_key(0, "123456789013"));
        assert_eq!(key & ((1 << 40) - 1), 123_456_789_012);
        for hashed in [
            user_key(0, "123456789012", "/", "ci"),
            role_key(0, "123456789012", "/", "ci"),
            session_key(0, "123456789012", "ci", "s"),
            service_key("codebuild.amazonaws.com"),
            account_key(0, "12345678901x"),
        ] {
            assert!(!is_exact_account(hashed));
        }
        assert!(!is_exact_account(EVERYONE) && !is_exact_account(NOBODY));
    }

    #[test]
    fn ascii_lower_agrees_with_the_byte_at_a_time_form() {
        for first in 0..=255u8 {
            let bytes = [
                first,
                first ^ 0x20,
                b'A',
                b'z',
                b'Z',
                0xc4,
                first.wrapping_add(1),
                b'@',
            ];
            let lowered = bytes.map(|b| b.to_ascii_lowercase());
            assert_eq!(
                ascii_lower(u64::from_le_bytes(bytes)),
                u64::from_le_bytes(lowered),
                "{bytes:?}"
            );
        }
    }
}

//! Keys of principals and callers: a hash of the fields by which a principal names a caller,
//! so that the evaluator passes over a statement naming someone else without comparing names.
//! Keys only pick the principals worth comparing; equal keys are always confirmed by
//! comparing the principal with the caller, so a collision costs a comparison, never an
//! answer.

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
        Principal::Aws(AwsPrincipal::User {
            partition,
            account,
            path,
            name,
        }) => user_key(
            *partition as u64,
            account.as_str(),
            path.as_str(),
            name.as_str(),
        ),
        Principal::Aws(AwsPrincipal::Role {
            partition,
            account,
            path,
            name,
        }) => role_key(
            *partition as u64,
            account.as_str(),
            path.as_str(),
            name.as_str(),
        ),
        Principal::Aws(AwsPrincipal::AssumedRole {
            partition,
            account,
            role,
            session,
        }) => session_key(
            *partition as u64,
            account.as_str(),
            role.as_str(),
            session.as_str(),
        ),
        Principal::Aws(AwsPrincipal::Other(_)) => return None,
    })
}

pub(crate) fn account_key(partition: u64, account: &str) -> u64 {
    Key::new(ACCOUNT).word(partition).exact(account).done()
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

/// The keys of the identities a caller has, each as [`principal_key`] makes it for a principal
/// naming that identity: its account, and its user, or its role and session, or its service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CallerKeys {
    len: usize,
    keys: [u64; 3],
    /// One bit for each key ([`Self::mask_bit`]).
    mask: u64,
}

impl CallerKeys {
    /// The keys of a caller's identities, each made as [`principal_key`] makes it.
    pub(crate) fn new(identities: &[u64]) -> Self {
        let mut keys = [NOBODY; 3];
        let len = identities.len().min(3);
        keys[..len].copy_from_slice(&identities[..len]);
        let mask = keys[..len]
            .iter()
            .fold(0, |mask, key| mask | Self::mask_bit(*key));
        CallerKeys { len, keys, mask }
    }

    /// One bit for each key: equal keys have the same bit.
    pub(crate) fn mask_bit(key: u64) -> u64 {
        1 << (key >> 32 & 63)
    }

    pub(crate) fn mask(&self) -> u64 {
        self.mask
    }

    pub(crate) fn holds(&self, key: u64) -> bool {
        self.keys[..self.len].contains(&key)
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

/// `a.eq_ignore_ascii_case(b)`, eight bytes at a time: names are short, and compared often.
pub(crate) fn eq_ignore_ascii_case(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let same = |x: u64, y: u64| x == y || ascii_lower(x) == ascii_lower(y);
    let (mut ca, mut cb) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut ca).zip(&mut cb) {
        if !same(word(x), word(y)) {
            return false;
        }
    }
    same(word(ca.remainder()), word(cb.remainder()))
}

/// Up to eight bytes as a word, zeros after them.
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    let n = bytes.len().min(8);
    w[..n].copy_from_slice(&bytes[..n]);
    u64::from_le_bytes(w)
}

/// The eight bytes of `w` with `A`-`Z` made lower case, the others as they are.
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

//! Wildcard action patterns such as `ecr:Batch*`.

use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use crate::{Action, PublicAction};

/// Matches `text` against a glob `pattern` where `*` matches any run of characters
/// (including none) and `?` matches exactly one character. Every other character
/// matches itself, ignoring case when `case_insensitive` is set.
///
/// The algorithm is the iterative two-pointer one: it remembers only the last `*`
/// and retries from there, so it runs in `O(pattern × text)` time at worst and never
/// recurses, whatever the input.
///
/// ```
/// use policy_catalogue::wildcard_match;
///
/// assert!(wildcard_match("ecr:Batch*", "ecr:BatchGetImage", false));
/// assert!(wildcard_match("ECR:batch*", "ecr:BatchGetImage", true));
/// assert!(!wildcard_match("ecr:Get?", "ecr:Get", false));
/// ```
pub fn wildcard_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        return ascii_wildcard_match(pattern.as_bytes(), text.as_bytes(), case_insensitive);
    }
    unicode_wildcard_match(pattern, text, case_insensitive)
}

fn unicode_wildcard_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    // Byte offsets into both strings, always on character boundaries: no allocation, so the
    // evaluator can call this for every check.
    let same =
        |a: char, b: char| a == b || (case_insensitive && a.to_lowercase().eq(b.to_lowercase()));
    let next = |s: &str, i: usize| s[i..].chars().next();
    let (mut pi, mut ti) = (0, 0);
    // Position of the last `*` seen and the text position it is currently matched up to.
    let mut star: Option<(usize, usize)> = None;
    while let Some(tc) = next(text, ti) {
        match next(pattern, pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if c == '?' || same(c, tc) => {
                pi += c.len_utf8();
                ti += tc.len_utf8();
            }
            _ => match star {
                // Let the last `*` swallow one more character and retry.
                Some((sp, st)) => {
                    let swallowed = st + next(text, st).map_or(1, char::len_utf8);
                    star = Some((sp, swallowed));
                    pi = sp + 1;
                    ti = swallowed;
                }
                None => return false,
            },
        }
    }
    pattern[pi..].bytes().all(|c| c == b'*')
}

/// [`wildcard_match`] on ASCII text, byte by byte: action names and most condition values
/// are ASCII, and this is where the catalogue's patterns are matched thousands of times.
/// For ASCII characters the Unicode lowercase is the ASCII one, so the answers are the same.
fn ascii_wildcard_match(pattern: &[u8], text: &[u8], case_insensitive: bool) -> bool {
    let same = |a: u8, b: u8| a == b || (case_insensitive && a.eq_ignore_ascii_case(&b));
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < text.len() {
        match pattern.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == b'?' || same(c, text[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    star = Some((sp, st + 1));
                    pi = sp + 1;
                    ti = st + 1;
                }
                None => return false,
            },
        }
    }
    pattern[pi..].iter().all(|&c| c == b'*')
}

/// The catalogue's `ecr:` actions that `pattern` matches as an `Action` entry does (`*` and
/// `?` wildcards, ignoring case), as bits by [`Action::index`]. Remembered per thread: the
/// lint's rules, the analysis engine and the evaluator each ask it for every entry of a
/// policy, and a list of hundreds of patterns would otherwise be matched against the whole
/// catalogue once for each.
///
/// ```
/// use policy_catalogue::{action_bits, Action};
///
/// let bits = action_bits("ECR:batchget*");
/// assert_eq!(bits, 1 << Action::BatchGetImage.index()
///     | 1 << Action::BatchGetRepositoryScanningConfiguration.index());
/// assert_eq!(action_bits("s3:*"), 0);
/// ```
#[must_use]
pub fn action_bits(pattern: &str) -> u128 {
    type Memory = std::collections::HashMap<String, u128, BuildHasherDefault<PatternHasher>>;
    thread_local! {
        static BITS: std::cell::RefCell<Memory> = std::cell::RefCell::default();
    }
    /// Past this many patterns the memory starts again.
    const KEPT: usize = 4096;
    if let Some(bits) = BITS.with(|m| m.borrow().get(pattern).copied()) {
        return bits;
    }
    let bits = catalogue_bits(pattern);
    BITS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= KEPT {
            m.clear();
        }
        m.insert(pattern.to_owned(), bits);
    });
    bits
}

/// Why [`ActionPattern::new`] refuses `pattern`, in the order the reasons are given; `None`
/// when it is a pattern. Only a refusal needs the reason: [`is_action_pattern`] decides.
fn refusal(pattern: &str) -> Option<&'static str> {
    if pattern == "*" {
        return None;
    }
    let bytes = pattern.as_bytes();
    let Some(colon) = bytes.iter().position(|&b| b == b':') else {
        return Some("expected \"*\" or \"service:name\" with a wildcard in the name");
    };
    let (service, name) = (&bytes[..colon], &bytes[colon + 1..]);
    if service.is_empty() {
        return Some("the service prefix is empty");
    }
    if !service
        .iter()
        .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some("the service prefix may contain only a-z, 0-9 and -");
    }
    if name.is_empty() {
        return Some("the action name is empty");
    }
    let mut wildcard = false;
    for &b in name {
        if b == b'*' || b == b'?' {
            wildcard = true;
        } else if !b.is_ascii_alphanumeric() {
            return Some("the action name may contain only A-Z, a-z, 0-9, * and ?");
        }
    }
    if !wildcard {
        return Some("it has no wildcard: it is an action, not a pattern");
    }
    None
}

/// Whether [`ActionPattern::new`] accepts `text`, in one pass over its bytes: `*`, or a
/// service of `[a-z0-9-]+`, a `:` and a name of `[A-Za-z0-9*?]+` with a wildcard.
fn is_action_pattern(text: &[u8]) -> bool {
    /// What each byte may be: in a service, in a name, a wildcard.
    const SERVICE: u8 = 1;
    const NAME: u8 = 2;
    const WILDCARD: u8 = 4;
    const CLASSES: [u8; 256] = {
        let mut classes = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            classes[b] = if c.is_ascii_lowercase() || c.is_ascii_digit() {
                SERVICE | NAME
            } else if c == b'-' {
                SERVICE
            } else if c.is_ascii_uppercase() {
                NAME
            } else if c == b'*' || c == b'?' {
                NAME | WILDCARD
            } else {
                0
            };
            b += 1;
        }
        classes
    };
    if text == b"*" {
        return true;
    }
    let service = text
        .iter()
        .position(|&b| CLASSES[usize::from(b)] & SERVICE == 0)
        .unwrap_or(text.len());
    if service == 0 || text.get(service) != Some(&b':') || service + 1 == text.len() {
        return false;
    }
    let mut all = NAME;
    let mut any = 0;
    for &b in &text[service + 1..] {
        let class = CLASSES[usize::from(b)];
        all &= class;
        any |= class;
    }
    all != 0 && any & WILDCARD != 0
}

/// The hash of [`action_bits`]'s memory: eight bytes at a time, as the patterns of a policy
/// are short texts looked up once for each entry.
#[derive(Default)]
struct PatternHasher(u64);

impl PatternHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for PatternHasher {
    fn finish(&self) -> u64 {
        // The table takes its slot from the low bits, which a product spreads the least.
        self.0 ^ (self.0 >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.mix(u64::from(byte));
    }
}

/// [`action_bits`] without the memory. An action a pattern matches starts with the pattern's
/// text before its first wildcard (ignoring ASCII case: the catalogue's names are ASCII), so
/// only the actions with that start are matched in full.
fn catalogue_bits(pattern: &str) -> u128 {
    let start = pattern
        .as_bytes()
        .iter()
        .position(|&b| b == b'*' || b == b'?')
        .map_or(pattern.as_bytes(), |cut| &pattern.as_bytes()[..cut]);
    // The text after the last `*` matches the end of a name, `?` one byte of it (the names
    // are ASCII, and so must the pattern be for a byte to be a character).
    let end = pattern
        .as_bytes()
        .iter()
        .rposition(|&b| b == b'*')
        .filter(|_| pattern.is_ascii())
        .map_or(&[][..], |star| &pattern.as_bytes()[star + 1..]);
    let mut candidates = candidates(start);
    // `START*` (ASCII: the names are, so ASCII case is all the case there is) matches every
    // name that starts with its start: no match of each in full.
    let prefix = pattern.is_ascii() && pattern.len() == start.len() + 1 && pattern.ends_with('*');
    let mut bits = 0u128;
    while candidates != 0 {
        let a = Action::ALL[candidates.trailing_zeros() as usize];
        candidates &= candidates - 1;
        let name = a.as_str().as_bytes();
        if starts_with_ignore_case(name, start)
            && (prefix || ends_like(name, end) && wildcard_match(pattern, a.as_str(), true))
        {
            bits |= 1 << a.index();
        }
    }
    bits
}

/// The catalogue's actions that may start with `start` ignoring ASCII case, as bits: every
/// name is `ecr:` and a name, so past those four bytes only the names whose first letter is
/// the start's fifth byte (ignoring ASCII case) can, read off a table built once; a start of
/// four bytes or more that is not `ecr:` fits none.
fn candidates(start: &[u8]) -> u128 {
    static BY_LETTER: std::sync::OnceLock<[u128; 256]> = std::sync::OnceLock::new();
    const ALL: u128 = u128::MAX >> (128 - Action::ALL.len());
    if start.len() < 4 {
        return ALL;
    }
    if !start[..4].eq_ignore_ascii_case(b"ecr:") {
        return 0;
    }
    let Some(&letter) = start.get(4) else {
        return ALL;
    };
    let by_letter = BY_LETTER.get_or_init(|| {
        let mut table = [0u128; 256];
        for a in Action::ALL {
            let name = a.as_str().as_bytes();
            debug_assert!(
                name.starts_with(b"ecr:") && name.len() > 4,
                "{}",
                a.as_str()
            );
            table[usize::from(name[4].to_ascii_lowercase())] |= 1 << a.index();
        }
        table
    });
    by_letter[usize::from(letter.to_ascii_lowercase())]
}

/// Whether the end of `name` matches `end`, text without `*` in which `?` matches any byte,
/// ignoring ASCII case.
fn ends_like(name: &[u8], end: &[u8]) -> bool {
    name.len() >= end.len()
        && name[name.len() - end.len()..]
            .iter()
            .zip(end)
            .all(|(n, e)| *e == b'?' || n.eq_ignore_ascii_case(e))
}

/// Whether `name` starts with `start` ignoring ASCII case. Most names of the catalogue differ
/// from a pattern's start in its last byte already, which is compared first.
fn starts_with_ignore_case(name: &[u8], start: &[u8]) -> bool {
    let Some(&last) = start.last() else {
        return true;
    };
    name.get(start.len() - 1)
        .is_some_and(|&b| b | 0x20 == last | 0x20)
        && name[..start.len()].eq_ignore_ascii_case(start)
}

/// A wildcard action pattern: `"*"` or `"<service>:<name>"` with at least one
/// `*` or `?` in the name, such as `"ecr:*"`, `"ecr:Batch*"` or `"ecr:Get?*"`.
///
/// Matching ignores case, as AWS does for action names.
///
/// ```
/// use policy_catalogue::{Action, ActionPattern};
///
/// let pattern = ActionPattern::new("ecr:Get*Policy").unwrap();
/// assert_eq!(pattern.service(), "ecr");
/// assert!(pattern.matches("ecr:GetRepositoryPolicy"));
/// assert_eq!(
///     pattern.matching_actions(),
///     [Action::GetLifecyclePolicy, Action::GetRegistryPolicy, Action::GetRepositoryPolicy]
/// );
/// assert!(ActionPattern::new("ecr:PutImage").is_err()); // an action, not a pattern
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionPattern {
    text: String,
}

impl ActionPattern {
    /// Checks and wraps a pattern.
    ///
    /// The pattern must be `"*"` or `service:name`, where the service is non-empty
    /// `[a-z0-9-]+` and the name is non-empty `[A-Za-z0-9*?]+` containing at least
    /// one wildcard (without one it is an action, not a pattern).
    ///
    /// # Errors
    /// An [`InvalidActionPattern`] with the reason when the text is not such a pattern.
    pub fn new(pattern: &str) -> Result<ActionPattern, InvalidActionPattern> {
        match ActionPattern::of(pattern) {
            Some(p) => Ok(p),
            None => Err(InvalidActionPattern {
                input: pattern.to_string(),
                reason: refusal(pattern)
                    .unwrap_or("expected \"*\" or \"service:name\" with a wildcard in the name"),
            }),
        }
    }

    /// [`ActionPattern::new`] without the reason: `None` when `text` is no pattern, with
    /// nothing allocated for it (a reader asks this of every action entry with a wildcard,
    /// whatever else it may be).
    ///
    /// ```
    /// use policy_catalogue::ActionPattern;
    ///
    /// assert_eq!(ActionPattern::of("ecr:Batch*").map(|p| p.to_string()), Some("ecr:Batch*".to_owned()));
    /// assert!(ActionPattern::of("ECR:Batch*").is_none());
    /// ```
    #[must_use]
    pub fn of(text: &str) -> Option<ActionPattern> {
        is_action_pattern(text.as_bytes()).then(|| ActionPattern {
            text: text.to_owned(),
        })
    }

    /// Wraps a pattern the `policy!` macro has already checked with [`ActionPattern::new`].
    #[doc(hidden)]
    pub fn __checked(pattern: &str) -> ActionPattern {
        ActionPattern {
            text: pattern.to_string(),
        }
    }

    /// The pattern text, exactly as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The service prefix (`"ecr"` for `"ecr:Batch*"`); `"*"` for the bare `"*"`.
    pub fn service(&self) -> &str {
        self.text.split_once(':').map_or(&self.text, |(s, _)| s)
    }

    /// Whether the pattern matches the action text (`"ecr:PutImage"`), ignoring case.
    /// `"*"` alone matches every action of every service.
    pub fn matches(&self, action_text: &str) -> bool {
        wildcard_match(&self.text, action_text, true)
    }

    /// The catalogue's `ecr:` actions the pattern matches, in canonical statement
    /// order (see [`Action::rank`]).
    pub fn matching_actions(&self) -> Vec<Action> {
        let bits = action_bits(&self.text);
        let mut actions: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| bits & 1 << a.index() != 0)
            .collect();
        actions.sort_by_key(|a| a.rank());
        actions
    }

    /// The catalogue's `ecr-public:` actions the pattern matches, in catalogue order.
    pub fn matching_public_actions(&self) -> Vec<PublicAction> {
        PublicAction::ALL
            .into_iter()
            .filter(|a| self.matches(a.as_str()))
            .collect()
    }
}

impl fmt::Display for ActionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for ActionPattern {
    type Err = InvalidActionPattern;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ActionPattern::new(s)
    }
}

/// The text is not a valid action pattern.
///
/// ```
/// use policy_catalogue::ActionPattern;
///
/// let err = ActionPattern::new("ecr:").unwrap_err();
/// assert_eq!(err.to_string(), r#"invalid action pattern "ecr:": the action name is empty"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidActionPattern {
    /// The rejected text.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for InvalidActionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid action pattern \"{}\": {}",
            self.input.escape_debug(),
            self.reason
        )
    }
}

impl std::error::Error for InvalidActionPattern {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass check against the reasons' checks, over fixed texts and every text of
    /// up to four bytes from an alphabet of each class of byte.
    #[test]
    fn patterns_are_checked_as_the_reasons_check_them() {
        let mut texts: Vec<String> = [
            "*",
            "**",
            "",
            ":",
            "ecr:",
            ":*",
            "ecr:*",
            "ecr:Batch*",
            "ECR:Batch*",
            "ecr:Batch",
            "ecr-public:*",
            "s3:Get?",
            "ecr:Batch*0?",
            "ecr:Bätch*",
            "ecr:a:*",
            "ecr :*",
            "ecr:*Image",
            "a-1:?",
            "ecr::*",
            "ecr:Get*Policy",
        ]
        .map(String::from)
        .to_vec();
        let alphabet = ["e", "E", "0", "-", ":", "*", "?", " ", "\u{e9}"];
        let mut words = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = words
                .iter()
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            texts.extend(longer.iter().cloned());
            words = longer;
        }
        let mut accepted = 0;
        for t in &texts {
            let fast = is_action_pattern(t.as_bytes());
            assert_eq!(fast, refusal(t).is_none(), "{t:?}");
            assert_eq!(ActionPattern::of(t).is_some(), fast, "{t:?}");
            match ActionPattern::new(t) {
                Ok(p) => assert!(fast && p.as_str() == t, "{t:?}"),
                Err(e) => assert!(!fast && Some(e.reason) == refusal(t), "{t:?}"),
            }
            accepted += usize::from(fast);
        }
        assert!(accepted > 50, "{accepted}");
    }

    /// The start test of [`catalogue_bits`] (and its patterns of a start and one `*`, taken
    /// without a match) against matching every action: patterns cut from every catalogue
    /// name at every place, in both cases, with `*` or `?` there, a few foreign and non-ASCII
    /// ones.
    #[test]
    fn catalogue_bits_match_every_action_as_the_general_path() {
        let every = |pattern: &str| {
            Action::ALL
                .iter()
                .filter(|a| wildcard_match(pattern, a.as_str(), true))
                .fold(0u128, |bits, a| bits | 1 << a.index())
        };
        let mut patterns: Vec<String> = ["*", "?", "", "s3:*", "ecr:*", "ECR:*", "e?r:*Image"]
            .iter()
            .map(|p| (*p).to_owned())
            .collect();
        patterns.extend(["ecr:\u{212a}*", "ecr:Ä*", "*Image", "ecr:?etImage"].map(String::from));
        patterns.extend(
            [
                "*?MAGE",
                "ecr:*Imag?",
                "ecr:*Image?",
                "ecr:Batch*0?",
                "ecr:*?",
                "*\u{212a}",
                "ecr:*Polic?*",
            ]
            .map(String::from),
        );
        for a in Action::ALL {
            let name = a.as_str();
            for cut in 0..=name.len() {
                for (head, tail) in [
                    (name[..cut].to_owned(), &name[cut..]),
                    (name[..cut].to_ascii_uppercase(), &name[cut..]),
                    (name[..cut].to_ascii_lowercase(), &name[cut..]),
                ] {
                    patterns.push(format!("{head}*"));
                    patterns.push(format!("{head}?{}", tail.get(1..).unwrap_or("")));
                    patterns.push(format!("{head}*{}", tail.get(2..).unwrap_or("")));
                }
            }
        }
        patterns
            .extend(["ecr", "ecr:", "ECR:", "ecr:z*", "ecx:*", "ecr\u{212a}:*"].map(String::from));
        let mut matched = 0;
        for p in &patterns {
            let bits = catalogue_bits(p);
            assert_eq!(bits, every(p), "{p}");
            matched += u32::from(bits != 0);
        }
        assert!(matched > 1000, "{matched}");
    }

    #[test]
    fn glob_basics() {
        assert!(wildcard_match("", "", false));
        assert!(!wildcard_match("", "a", false));
        assert!(wildcard_match("*", "", false));
        assert!(wildcard_match("*", "anything", false));
        assert!(wildcard_match("a*b*c", "aXXbYYc", false));
        assert!(!wildcard_match("a*b*c", "aXXbYY", false));
        assert!(wildcard_match("a?c", "abc", false));
        assert!(!wildcard_match("a?c", "ac", false));
        assert!(wildcard_match("?", "é", false));
        assert!(!wildcard_match("A", "a", false));
        assert!(wildcard_match("A", "a", true));
        assert!(wildcard_match("Ä*", "äx", true));
        assert!(wildcard_match("**a**", "bab", false));
        assert!(wildcard_match("*ab", "aab", false));
        assert!(!wildcard_match("ab", "abc", false));
    }

    #[test]
    fn the_ascii_path_answers_as_the_unicode_one() {
        let parts = [
            "", "*", "?", "a", "A", "b", "ab", "*a", "?b", "a*", "*?*", "Ba", "ecr:",
        ];
        let mut words: Vec<String> = Vec::new();
        for x in parts {
            for y in parts {
                for z in parts {
                    words.push(format!("{x}{y}{z}"));
                }
            }
        }
        let texts: Vec<String> = words.iter().map(|w| w.replace(['*', '?'], "x")).collect();
        let mut agreed = 0;
        for p in &words {
            for t in texts.iter().step_by(7) {
                for fold in [false, true] {
                    let ascii = ascii_wildcard_match(p.as_bytes(), t.as_bytes(), fold);
                    assert_eq!(ascii, unicode_wildcard_match(p, t, fold), "{p} {t} {fold}");
                    agreed += usize::from(ascii);
                }
            }
        }
        assert!(agreed > 1000, "too few matches to compare: {agreed}");
    }

    /// Every text of up to five bytes from an alphabet of the characters each rule turns on:
    /// the reasons come in the order the checks are documented, and a pattern is always valid
    /// action text (the document reader leans on it to check a pattern once).
    #[test]
    fn patterns_are_checked_in_order_and_are_action_text() {
        let alphabet = [b'*', b'?', b':', b'a', b'B', b'0', b'-', b'_', b' '];
        let mut accepted = 0;
        for len in 0..=5u32 {
            for mut n in 0..alphabet.len().pow(len) {
                let mut text = String::new();
                for _ in 0..len {
                    text.push(char::from(alphabet[n % alphabet.len()]));
                    n /= alphabet.len();
                }
                let expected = if text == "*" {
                    None
                } else if let Some((service, name)) = text.split_once(':') {
                    if service.is_empty() {
                        Some("the service prefix is empty")
                    } else if !service
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    {
                        Some("the service prefix may contain only a-z, 0-9 and -")
                    } else if name.is_empty() {
                        Some("the action name is empty")
                    } else if !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
                    {
                        Some("the action name may contain only A-Z, a-z, 0-9, * and ?")
                    } else if !name.contains(['*', '?']) {
                        Some("it has no wildcard: it is an action, not a pattern")
                    } else {
                        None
                    }
                } else {
                    Some("expected \"*\" or \"service:name\" with a wildcard in the name")
                };
                match ActionPattern::new(&text) {
                    Ok(p) => {
                        assert_eq!(expected, None, "{text:?}");
                        assert_eq!(p.as_str(), text);
                        assert!(crate::checks::check_action_text(&text).is_ok(), "{text:?}");
                        accepted += 1;
                    }
                    Err(e) => assert_eq!(Some(e.reason), expected, "{text:?}"),
                }
            }
        }
        assert!(accepted > 500, "too few patterns: {accepted}");
    }

    #[test]
    fn glob_is_fast_on_hostile_input() {
        let text = "a".repeat(20_000);
        let pattern = format!("{}b", "*a".repeat(50));
        assert!(!wildcard_match(&pattern, &text, true));
    }

    #[test]
    fn batch_star_matches_exactly_the_batch_actions() {
        let p = ActionPattern::new("ecr:Batch*").unwrap();
        let mut got = p.matching_actions();
        got.sort();
        assert_eq!(
            got,
            [
                Action::BatchCheckLayerAvailability,
                Action::BatchDeleteImage,
                Action::BatchGetImage,
                Action::BatchGetRepositoryScanningConfiguration,
                Action::BatchImportUpstreamImage,
            ]
        );
        // Canonical order puts the pull workflow first.
        assert_eq!(p.matching_actions()[0], Action::BatchGetImage);
        assert!(p.matching_public_actions().is_empty());
    }

    #[test]
    fn service_wide_and_global_patterns() {
        let all = ActionPattern::new("ecr:*").unwrap();
        assert_eq!(all.matching_actions().len(), 60);
        assert!(all.matching_public_actions().is_empty());
        assert!(!all.matches("ecr-public:PutImage"));
        let star = ActionPattern::new("*").unwrap();
        assert_eq!(star.service(), "*");
        assert_eq!(star.matching_actions().len(), 60);
        assert_eq!(star.matching_public_actions().len(), 23);
        assert!(star.matches("s3:GetObject"));
        let public = ActionPattern::new("ecr-public:*").unwrap();
        assert_eq!(public.service(), "ecr-public");
        assert_eq!(public.matching_public_actions().len(), 23);
        assert!(public.matching_actions().is_empty());
    }

    #[test]
    fn question_mark_and_case() {
        let p = ActionPattern::new("ecr:Get?*").unwrap();
        assert!(p.matches("ECR:GETIMAGECOPYSTATUS"));
        assert!(!p.matches("ecr:Get"));
        let p = ActionPattern::new("ecr:putimag?").unwrap();
        assert_eq!(p.matching_actions(), [Action::PutImage]);
        assert_eq!(p.as_str(), "ecr:putimag?");
        assert_eq!(p.to_string(), "ecr:putimag?");
    }

    #[test]
    fn invalid_patterns() {
        for bad in [
            "",
            "ecr",
            "ecr*",
            ":*",
            "ecr:",
            "ECR:*",
            "ec r:*",
            "ecr:Put Image*",
            "ecr:Put-*",
            "ecr:PutImage",
            "ecr:*:*",
            "**",
            "é:*",
            "ecr:Pü*",
        ] {
            let err = ActionPattern::new(bad).unwrap_err();
            assert_eq!(err.input, bad);
            assert!(!err.to_string().is_empty());
        }
        assert_eq!(
            ActionPattern::new("ecr:PutImage").unwrap_err().to_string(),
            r#"invalid action pattern "ecr:PutImage": it has no wildcard: it is an action, not a pattern"#
        );
        assert!("ecr:Put*".parse::<ActionPattern>().is_ok());
    }
}

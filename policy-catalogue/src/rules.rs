//! The naming rules of ECR policies: one check per kind of name.
//!
//! Every check takes any text (empty, huge, non-ASCII) and never panics. Lengths
//! are counted in characters. The rules follow the IAM and ECR references; where
//! a check is deliberately looser or stricter than AWS, its documentation says so.

use std::fmt;
use std::net::IpAddr;

/// A name broke one of the rules of this module.
///
/// ```
/// use policy_catalogue::rules::check_account_id;
///
/// let err = check_account_id("12345").unwrap_err();
/// assert_eq!(err.what, "account id");
/// assert_eq!(
///     err.to_string(),
///     r#"invalid account id "12345": must be exactly 12 digits (has 5 characters)"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RuleViolation {
    /// What kind of name was checked, e.g. `"account id"`.
    pub what: &'static str,
    /// The rule, phrased to follow "must be", e.g. `"exactly 12 digits"`.
    pub rule: &'static str,
    /// What is wrong with this value, e.g. `"has 11 characters"`.
    pub detail: String,
    /// The offending value.
    pub value: String,
}

impl RuleViolation {
    /// A violation of `rule` by `value`; `detail` says what is wrong with it.
    #[must_use]
    pub fn new(
        what: &'static str,
        rule: &'static str,
        value: &str,
        detail: impl Into<String>,
    ) -> Self {
        RuleViolation {
            what,
            rule,
            detail: detail.into(),
            value: value.to_owned(),
        }
    }
}

/// Values longer than this are shortened in messages; the full value stays in
/// [`RuleViolation::value`].
const SHOWN_CHARS: usize = 80;

impl fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} \"", self.what)?;
        match self.value.char_indices().nth(SHOWN_CHARS) {
            Some((cut, _)) => write!(f, "{}...", self.value[..cut].escape_debug())?,
            None => write!(f, "{}", self.value.escape_debug())?,
        }
        write!(f, "\": must be {} ({})", self.rule, self.detail)
    }
}

impl std::error::Error for RuleViolation {}

/// Builds the checks' errors with less noise.
struct Rule {
    what: &'static str,
    rule: &'static str,
}

impl Rule {
    fn fail(&self, value: &str, detail: impl Into<String>) -> Result<(), RuleViolation> {
        Err(RuleViolation {
            what: self.what,
            rule: self.rule,
            detail: detail.into(),
            value: value.to_string(),
        })
    }

    /// Checks the length in characters, then every character against `allowed`.
    fn chars(
        &self,
        value: &str,
        min: usize,
        max: usize,
        allowed: impl Fn(char) -> bool,
    ) -> Result<(), RuleViolation> {
        // Names are almost always ASCII of allowed characters: one pass over the bytes, whose
        // count is then the count of characters. Anything else takes the describing path.
        let n = value.len();
        if n >= min.max(1)
            && n <= max
            && value
                .bytes()
                .all(|b| b.is_ascii() && allowed(char::from(b)))
        {
            return Ok(());
        }
        self.length(value, min, max)?;
        match bad_char(value, allowed) {
            Some(detail) => self.fail(value, detail),
            None => Ok(()),
        }
    }

    fn length(&self, value: &str, min: usize, max: usize) -> Result<(), RuleViolation> {
        // Stop counting past `max`: a huge value need not be walked to the end.
        let n = value.chars().take(max.saturating_add(1)).count();
        if value.is_empty() {
            self.fail(value, "is empty")
        } else if n > max && value.len() > 4096 {
            self.fail(value, format!("has more than {max} characters"))
        } else if n < min || n > max {
            self.fail(value, characters(value.chars().count()))
        } else {
            Ok(())
        }
    }
}

fn characters(n: usize) -> String {
    if n == 1 {
        "has 1 character".to_string()
    } else {
        format!("has {n} characters")
    }
}

/// Describes the first character not `allowed`, with its 1-based position.
fn bad_char(value: &str, allowed: impl Fn(char) -> bool) -> Option<String> {
    value
        .chars()
        .enumerate()
        .find(|&(_, c)| !allowed(c))
        .map(|(i, c)| format!("contains {c:?} at character {}", i + 1))
}

fn is_name_char(c: char) -> bool {
    // A table look-up: names are checked on every principal read, a byte at a time.
    NAME_CHARS.get(c as usize).copied().unwrap_or(false)
}

/// The ASCII characters of IAM user, role and session names: `A-Z a-z 0-9 + = , . @ _ -`.
const NAME_CHARS: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric()
            || matches!(b as u8, b'+' | b'=' | b',' | b'.' | b'@' | b'_' | b'-');
        b += 1;
    }
    table
};

/// An AWS account id: exactly 12 ASCII digits.
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_account_id(s: &str) -> Result<(), RuleViolation> {
    Rule {
        what: "account id",
        rule: "exactly 12 digits",
    }
    .chars(s, 12, 12, |c| c.is_ascii_digit())
}

/// An IAM user name: 1 to 64 characters of `A-Z a-z 0-9 + = , . @ _ -`.
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_user_name(s: &str) -> Result<(), RuleViolation> {
    Rule {
        what: "IAM user name",
        rule: "1 to 64 characters of A-Z a-z 0-9 + = , . @ _ -",
    }
    .chars(s, 1, 64, is_name_char)
}

/// An IAM role name: 1 to 64 characters of `A-Z a-z 0-9 + = , . @ _ -`.
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_role_name(s: &str) -> Result<(), RuleViolation> {
    Rule {
        what: "IAM role name",
        rule: "1 to 64 characters of A-Z a-z 0-9 + = , . @ _ -",
    }
    .chars(s, 1, 64, is_name_char)
}

/// An IAM path: `/` alone, or `/` + printable ASCII (`!` to `~`) + `/`, 1 to 512
/// characters in all. This is IAM's `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`.
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_iam_path(s: &str) -> Result<(), RuleViolation> {
    let rule = Rule {
        what: "IAM path",
        rule: "\"/\" or \"/\" + printable ASCII without spaces + \"/\", at most 512 characters",
    };
    rule.chars(s, 1, 512, |c| ('!'..='~').contains(&c))?;
    if !s.starts_with('/') {
        rule.fail(s, "does not start with \"/\"")
    } else if !s.ends_with('/') {
        rule.fail(s, "does not end with \"/\"")
    } else if s == "//" {
        rule.fail(s, "has nothing between the slashes")
    } else {
        Ok(())
    }
}

/// An assumed-role session name: 2 to 64 characters of `A-Z a-z 0-9 _ + = , . @ -`.
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_session_name(s: &str) -> Result<(), RuleViolation> {
    Rule {
        what: "role session name",
        rule: "2 to 64 characters of A-Z a-z 0-9 _ + = , . @ -",
    }
    .chars(s, 2, 64, is_name_char)
}

/// The domain suffixes a service principal may end in: `.amazonaws.com` (most
/// services), `.amazonaws.com.cn` (the China partition) and `.amazon.com` (a few
/// older services, such as `alexa-appkit.amazon.com`).
pub const SERVICE_PRINCIPAL_SUFFIXES: [&str; 3] =
    [".amazonaws.com", ".amazonaws.com.cn", ".amazon.com"];

/// A service principal such as `lambda.amazonaws.com`: at most 128 characters of
/// dot-separated non-empty labels of `a-z 0-9 -`, ending in one of
/// [`SERVICE_PRINCIPAL_SUFFIXES`].
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_service_principal(s: &str) -> Result<(), RuleViolation> {
    let rule = Rule {
        what: "service principal",
        rule: "lowercase DNS labels ending in .amazonaws.com, .amazonaws.com.cn or .amazon.com, \
               at most 128 characters",
    };
    rule.chars(s, 1, 128, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'
    })?;
    if s.split('.').any(str::is_empty) {
        return rule.fail(s, "has an empty label");
    }
    if !SERVICE_PRINCIPAL_SUFFIXES
        .iter()
        .any(|suffix| s.ends_with(suffix))
    {
        return rule.fail(s, "has another domain");
    }
    Ok(())
}

/// A statement id as ECR accepts it: 1 to 128 characters of printable ASCII
/// (space included) except `"`.
///
/// ECR accepts more than IAM identity policies do (AWS's own ECR examples use
/// Sids such as `"new statement"`); see [`is_iam_strict_sid`] for IAM's rule.
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_sid(s: &str) -> Result<(), RuleViolation> {
    Rule {
        what: "Sid",
        rule: "1 to 128 printable ASCII characters other than '\"'",
    }
    .chars(s, 1, 128, |c| (' '..='~').contains(&c) && c != '"')
}

/// Whether a Sid meets IAM's strict rule for identity policies: one or more of
/// `A-Z a-z 0-9`. A lint can warn about Sids that ECR accepts but this rejects.
pub fn is_iam_strict_sid(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A policy `Id`: 1 to 128 printable ASCII characters (space included).
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_policy_id(s: &str) -> Result<(), RuleViolation> {
    Rule {
        what: "policy Id",
        rule: "1 to 128 printable ASCII characters",
    }
    .chars(s, 1, 128, |c| (' '..='~').contains(&c))
}

/// An ECR repository name: 2 to 256 characters matching
/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`.
///
/// That is, `/`-separated components, each made of lowercase letters and digits
/// joined by `.`, `_`, `__` or any run of `-`.
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_repository_name(s: &str) -> Result<(), RuleViolation> {
    let rule = Rule {
        what: "repository name",
        rule: "2 to 256 characters: lowercase letters and digits joined by ., _, __ or dashes, \
               in components separated by /",
    };
    rule.chars(s, 2, 256, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(c)
    })?;
    for component in s.split('/') {
        if component.is_empty() {
            return rule.fail(s, "has an empty component between slashes");
        }
        let alnum = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
        let bytes = component.as_bytes();
        if !alnum(bytes.first()) || !alnum(bytes.last()) {
            return rule.fail(
                s,
                format!("component {component:?} does not start and end with a letter or digit"),
            );
        }
        // With letters or digits at both ends, every run of other characters is a
        // separator between two parts.
        for separator in component
            .split(|c: char| c.is_ascii_alphanumeric())
            .filter(|run| !run.is_empty())
        {
            let ok = matches!(separator, "." | "_" | "__") || separator.bytes().all(|b| b == b'-');
            if !ok {
                return rule.fail(s, format!("joins parts with {separator:?}"));
            }
        }
    }
    Ok(())
}

/// An AWS Organizations id: `o-` followed by 10 to 32 of `a-z 0-9`.
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_organization_id(s: &str) -> Result<(), RuleViolation> {
    let rule = Rule {
        what: "organization id",
        rule: "\"o-\" followed by 10 to 32 lowercase letters or digits",
    };
    let Some(rest) = s.strip_prefix("o-") else {
        return rule.fail(s, "does not start with \"o-\"");
    };
    let n = rest.chars().take(33).count();
    if !(10..=32).contains(&n) {
        let detail = if n > 32 {
            "has more than 32 characters after \"o-\"".to_string()
        } else {
            format!("has {n} characters after \"o-\"")
        };
        return rule.fail(s, detail);
    }
    match bad_char(rest, |c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        Some(detail) => rule.fail(s, detail),
        None => Ok(()),
    }
}

/// The AWS partitions: `aws` (commercial), `aws-cn` (China), `aws-us-gov`
/// (GovCloud) and the isolated partitions `aws-iso`, `aws-iso-b`, `aws-iso-e`,
/// `aws-iso-f`.
pub const PARTITIONS: [&str; 7] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
];

/// An AWS partition: one of [`PARTITIONS`].
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_partition(s: &str) -> Result<(), RuleViolation> {
    if PARTITIONS.contains(&s) {
        return Ok(());
    }
    Rule {
        what: "partition",
        rule: "one of aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f",
    }
    .fail(s, "is not a known partition")
}

/// A pattern of ECR repository names, as the end of a repository ARN in a `Resource`
/// (`prod-*`, `ecr-public/*`, `*`): 1 to 256 characters, the characters of repository names
/// (lowercase letters, digits, `.`, `_`, `-`, `/`) and at least one wildcard, `*` or `?`.
///
/// ```
/// use policy_catalogue::rules::check_repository_pattern;
/// assert!(check_repository_pattern("prod-*").is_ok());
/// assert!(check_repository_pattern("*").is_ok());
/// assert!(check_repository_pattern("prod").is_err());
/// assert!(check_repository_pattern("Prod-*").is_err());
/// ```
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_repository_pattern(s: &str) -> Result<(), RuleViolation> {
    let rule = Rule {
        what: "repository pattern",
        rule: "1 to 256 characters: lowercase letters, digits, ., _, -, / and at least one wildcard * or ?",
    };
    rule.chars(s, 1, 256, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/*?".contains(c)
    })?;
    if !s.contains(['*', '?']) {
        return rule.fail(s, "has no wildcard");
    }
    Ok(())
}

/// A region code as used in repository ARNs: two lowercase letters, one or more
/// dash-separated lowercase words, and a dash and number, i.e.
/// `[a-z]{2}(-[a-z]+)+-\d+` (`us-east-1`, `us-gov-west-1`, `cn-north-1`).
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_region(s: &str) -> Result<(), RuleViolation> {
    let rule = Rule {
        what: "region",
        rule:
            "a region code such as us-east-1 (two letters, words, and a number, joined by dashes)",
    };
    let parts: Vec<&str> = s.split('-').collect();
    let letters = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let ok = match parts.as_slice() {
        [area, words @ .., number] if !words.is_empty() => {
            area.len() == 2
                && letters(area)
                && words.iter().all(|w| letters(w))
                && !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        rule.fail(s, "does not have that form")
    }
}

/// An IPv4 or IPv6 address, or a CIDR block (`address/prefix-length`, the prefix
/// length at most 32 for IPv4 and 128 for IPv6), as `aws:SourceIp` takes.
///
/// Host bits set below the prefix (`10.0.0.1/8`) are accepted, as AWS does.
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_ip_or_cidr(s: &str) -> Result<(), RuleViolation> {
    // The plain forms pass in one pass; the others take the reading that says why.
    if plain_block(s).is_some() {
        return Ok(());
    }
    check_ip_or_cidr_read(s)
}

/// [`check_ip_or_cidr`] by `split_once`, [`parse_ip`] and `u16::from_str`: its answer for the
/// texts that are no plain block, and what the tests compare its fast path with.
fn check_ip_or_cidr_read(s: &str) -> Result<(), RuleViolation> {
    let rule = Rule {
        what: "IP address or CIDR block",
        rule: "an IPv4 or IPv6 address, optionally with /prefix-length",
    };
    let (address, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let Some(ip) = parse_ip(address) else {
        return rule.fail(s, "is not an IP address");
    };
    let Some(prefix) = prefix else {
        return Ok(());
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    // Digits only: `u8::from_str` would also take a leading `+`.
    let length =
        (!prefix.is_empty() && prefix.len() <= 3 && prefix.bytes().all(|b| b.is_ascii_digit()))
            .then(|| prefix.parse::<u16>().ok())
            .flatten();
    match length {
        Some(n) if n <= max => Ok(()),
        _ => rule.fail(s, format!("prefix length must be 0 to {max}")),
    }
}

/// An IPv4 or IPv6 address, read exactly as `IpAddr::from_str` reads it: the plain forms
/// (four decimal octets without leading zeros; eight groups of one to four hex digits, or
/// fewer around one `::`) in one pass over the bytes, anything else (an IPv4 address inside
/// an IPv6 one, a text that is no address) by `from_str` itself.
#[must_use]
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    plain_ip(text.as_bytes()).or_else(|| text.parse().ok())
}

/// A block of the plain forms, read in one pass over the bytes: an address of [`parse_ip`]'s
/// plain forms, then nothing or `/` and one to three digits at most the family's length (32
/// or 128). The address as bits (an IPv4 address in the low 32), whether it is IPv6, and the
/// prefix length (the family's length when none is written). `None` for every other text,
/// block or not: [`check_ip_or_cidr`] and `policy_analysis::parse_cidr` read those the
/// longer way, which this agrees with wherever it answers (`tests::plain_blocks_*`).
#[doc(hidden)]
#[must_use]
pub fn plain_block(text: &str) -> Option<(u128, bool, u8)> {
    let b = text.as_bytes();
    // Each reading stops at the first `/` as at the end of the text: the address before it
    // read without looking for it first.
    let (bits, v6, end) = match plain_ipv4_bits(b) {
        Some((a, end)) => (u128::from(a), false, end),
        None => {
            let (a, end) = plain_ipv6_bits(b)?;
            (a, true, end)
        }
    };
    let max: u16 = if v6 { 128 } else { 32 };
    let prefix = if end == b.len() {
        max
    } else {
        // `b[end]` is the `/`.
        let p = &b[end + 1..];
        if p.is_empty() || p.len() > 3 {
            return None;
        }
        let mut n = 0u16;
        for &c in p {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u16::from(c - b'0');
        }
        if n > max {
            return None;
        }
        n
    };
    Some((bits, v6, prefix as u8))
}

/// The IPv4 form of [`plain_ip`] in the text before the first `/` (all of it without one), as the address's
/// bits, the octets gathered as they are read; and where the address ends.
fn plain_ipv4_bits(b: &[u8]) -> Option<(u32, usize)> {
    let mut bits = 0u32;
    let mut dots = 0;
    let mut value = 0u32;
    let mut digits = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'.' {
            if digits == 0 || dots == 3 || value > 255 {
                return None;
            }
            bits = bits << 8 | value;
            dots += 1;
            value = 0;
            digits = 0;
        } else if c.is_ascii_digit() {
            // A fourth digit, or a digit after a leading zero.
            if digits == 3 || (digits == 1 && value == 0) {
                return None;
            }
            value = value * 10 + u32::from(c - b'0');
            digits += 1;
        } else if c == b'/' {
            break;
        } else {
            return None;
        }
        i += 1;
    }
    if digits == 0 || dots != 3 || value > 255 {
        return None;
    }
    Some((bits << 8 | value, i))
}

/// The IPv6 form of [`plain_ip`] in the text before the first `/` (all of it without one),
/// as the address's bits: the groups gathered in one number as they are read, those after
/// the `::` then moved to the low end; and where the address ends.
fn plain_ipv6_bits(b: &[u8]) -> Option<(u128, usize)> {
    let hex = |c: u8| match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'a'..=b'f' => Some(u32::from(c - b'a' + 10)),
        b'A'..=b'F' => Some(u32::from(c - b'A' + 10)),
        _ => None,
    };
    let end = |i: usize| i == b.len() || b[i] == b'/';
    let mut groups = 0u128;
    let mut n = 0;
    // The number of groups before the `::`.
    let mut gap = None;
    let mut i = 0;
    if b.starts_with(b"::") {
        gap = Some(0);
        i = 2;
    }
    while !end(i) {
        let start = i;
        let mut value = 0u32;
        // A `/` is no digit: a group stops at it.
        while i < b.len() && i - start < 4 {
            let Some(d) = hex(b[i]) else { break };
            value = (value << 4) | d;
            i += 1;
        }
        if i == start || n == 8 {
            return None;
        }
        groups = groups << 16 | u128::from(value);
        n += 1;
        if end(i) {
            break;
        }
        if b[i] != b':' {
            return None;
        }
        i += 1;
        if b.get(i) == Some(&b':') {
            if gap.is_some() {
                return None;
            }
            gap = Some(n);
            i += 1;
        } else if end(i) {
            return None;
        }
    }
    match gap {
        None if n == 8 => Some((groups, i)),
        Some(g) if n <= 7 => {
            // The `n - g` groups after the `::` stay at the low end; the `g` before it move
            // to the high end (a shift of all 128 bits leaves none).
            let low = 16 * (n - g) as u32;
            let after = groups & u128::MAX.checked_shl(low).map_or(u128::MAX, |m| !m);
            let before = groups.checked_shr(low).unwrap_or(0);
            Some((
                before.checked_shl(16 * (8 - g) as u32).unwrap_or(0) | after,
                i,
            ))
        }
        _ => None,
    }
}

/// The plain forms of [`parse_ip`]: four decimal octets of one to three digits, no leading
/// zero, each at most 255; or eight groups of one to four hex digits between `:`s, or fewer
/// with one `::` among them (standing for one group of zeros at least). The readers of
/// [`plain_block`], taking the whole text (a `/` ends their address early, so no text with
/// one is taken). `None` for every other text, address or not.
fn plain_ip(b: &[u8]) -> Option<IpAddr> {
    match plain_ipv4_bits(b) {
        Some((bits, end)) if end == b.len() => Some(IpAddr::V4(bits.into())),
        _ => match plain_ipv6_bits(b)? {
            (bits, end) if end == b.len() => Some(IpAddr::V6(bits.into())),
            _ => None,
        },
    }
}

/// The policy language versions: `"2012-10-17"` (current) and `"2008-10-17"`
/// (legacy, where policy variables are plain text).
pub const POLICY_VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];

/// A policy `Version`: one of [`POLICY_VERSIONS`].
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_version(s: &str) -> Result<(), RuleViolation> {
    if POLICY_VERSIONS.contains(&s) {
        return Ok(());
    }
    Rule {
        what: "policy version",
        rule: "\"2012-10-17\" or \"2008-10-17\"",
    }
    .fail(s, "is another value")
}

/// The shape of a condition key: `service:name`, the service non-empty
/// `[a-z0-9-]+` in any letter case (keys are case-insensitive), the name
/// non-empty, no whitespace anywhere, at most 256 characters in all.
///
/// This checks the shape only; [`known_key`](crate::known_key) says whether the key
/// is one the catalogue knows.
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong, when the text breaks this rule.
pub fn check_condition_key(s: &str) -> Result<(), RuleViolation> {
    let rule = Rule {
        what: "condition key",
        rule: "\"service:name\" without whitespace, at most 256 characters",
    };
    rule.chars(s, 1, 256, |c| !c.is_whitespace())?;
    let Some((service, name)) = s.split_once(':') else {
        return rule.fail(s, "has no \":\"");
    };
    if service.is_empty() {
        return rule.fail(s, "has an empty service prefix");
    }
    if let Some(detail) = bad_char(service, |c| c.is_ascii_alphanumeric() || c == '-') {
        return rule.fail(s, format!("service prefix {detail}"));
    }
    if name.is_empty() {
        return rule.fail(s, "has an empty name after \":\"");
    }
    Ok(())
}

#[cfg(test)]
mod tests;

//! Sets of integers as sorted disjoint ranges: IP addresses (IPv4 and IPv6), dates (in
//! milliseconds) and numbers (as ordered keys of their `f64` value).
//!
//! `IpAddress` takes CIDR blocks, and AWS compares IPv4 and IPv6 addresses separately: a caller
//! may reach an endpoint over either family, so a set of addresses is a pair of sets
//! ([`IpSet`]). See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress>.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Integers with a successor and predecessor.
pub trait Point: Copy + Ord + std::fmt::Debug {
    /// The smallest value.
    const MIN: Self;
    /// The largest value.
    const MAX: Self;
    /// The next value, `None` at [`Point::MAX`].
    fn succ(self) -> Option<Self>;
    /// The previous value, `None` at [`Point::MIN`].
    fn pred(self) -> Option<Self>;
}

macro_rules! point {
    ($t:ty) => {
        impl Point for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn succ(self) -> Option<Self> {
                self.checked_add(1)
            }
            fn pred(self) -> Option<Self> {
                self.checked_sub(1)
            }
        }
    };
}
point!(u32);
point!(u128);
point!(i64);

/// A set of integers: sorted, disjoint, non-adjacent inclusive ranges.
///
/// ```
/// use policy_analysis::ranges::Ranges;
/// let a = Ranges::span(0u32, 10);
/// let b = Ranges::span(5u32, 20).complement();
/// assert_eq!(a.intersect(&b).ranges(), &[(0, 4)]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ranges<T: Point> {
    ranges: Vec<(T, T)>,
}

impl<T: Point> Ranges<T> {
    /// No value.
    #[must_use]
    pub fn empty() -> Self {
        Ranges { ranges: Vec::new() }
    }

    /// Every value.
    #[must_use]
    pub fn all() -> Self {
        Ranges {
            ranges: vec![(T::MIN, T::MAX)],
        }
    }

    /// `lo..=hi` (empty when `lo > hi`).
    #[must_use]
    pub fn span(lo: T, hi: T) -> Self {
        if lo > hi {
            Self::empty()
        } else {
            Ranges {
                ranges: vec![(lo, hi)],
            }
        }
    }

    /// The union of any ranges, in any order, merged in the list itself.
    #[must_use]
    pub fn from_ranges(mut ranges: Vec<(T, T)>) -> Self {
        ranges.retain(|(a, b)| a <= b);
        ranges.sort_unstable();
        // `ranges[..kept]` is the union of the ranges read so far.
        let mut kept: usize = 0;
        for i in 0..ranges.len() {
            let (lo, hi) = ranges[i];
            match kept.checked_sub(1).map(|k| &mut ranges[k]) {
                Some((_, last)) if last.succ().is_none_or(|n| lo <= n) => {
                    if hi > *last {
                        *last = hi;
                    }
                }
                _ => {
                    ranges[kept] = (lo, hi);
                    kept += 1;
                }
            }
        }
        ranges.truncate(kept);
        Ranges { ranges }
    }

    /// The ranges, sorted.
    #[must_use]
    pub fn ranges(&self) -> &[(T, T)] {
        &self.ranges
    }

    /// Whether the set has no value.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether `x` is in the set.
    #[must_use]
    pub fn contains(&self, x: T) -> bool {
        let i = self.ranges.partition_point(|(_, hi)| *hi < x);
        self.ranges.get(i).is_some_and(|(lo, _)| *lo <= x)
    }

    /// The values not in the set.
    #[must_use]
    pub fn complement(&self) -> Self {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut next = Some(T::MIN);
        for &(lo, hi) in &self.ranges {
            if let Some(n) = next {
                if n < lo {
                    out.push((n, lo.pred().expect("lo > MIN")));
                }
            }
            next = hi.succ();
        }
        if let Some(n) = next {
            out.push((n, T::MAX));
        }
        Ranges { ranges: out }
    }

    /// The values in both sets, in one merge pass.
    #[must_use]
    pub fn intersect(&self, other: &Self) -> Self {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a0, a1) = self.ranges[i];
            let (b0, b1) = other.ranges[j];
            let lo = a0.max(b0);
            let hi = a1.min(b1);
            if lo <= hi {
                if out.capacity() == 0 {
                    // Each step passes a range of one side: at most this many ranges, in one
                    // allocation.
                    out.reserve_exact(self.ranges.len() - i + other.ranges.len() - j - 1);
                }
                out.push((lo, hi));
            }
            if a1 < b1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        Ranges { ranges: out }
    }

    /// The values in either set.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        let mut all = self.ranges.clone();
        all.extend_from_slice(&other.ranges);
        Self::from_ranges(all)
    }

    /// The smallest value in every one of `sets` (all values when there is none): the first
    /// value of their intersection, found without building it. Each step moves to the start
    /// of the next range of a set that does not hold the value, so it ends.
    #[must_use]
    pub fn first_common<'a>(sets: impl Iterator<Item = &'a Ranges<T>> + Clone) -> Option<T>
    where
        T: 'a,
    {
        let mut x = T::MIN;
        loop {
            let mut moved = false;
            for s in sets.clone() {
                let i = s.ranges.partition_point(|(_, hi)| *hi < x);
                match s.ranges.get(i) {
                    None => return None,
                    Some(&(lo, _)) if lo > x => {
                        x = lo;
                        moved = true;
                    }
                    Some(_) => {}
                }
            }
            if !moved {
                return Some(x);
            }
        }
    }

    /// `near` when the set holds it, else the next value above it, else the largest value.
    #[must_use]
    pub fn closest(&self, near: T) -> Option<T> {
        let i = self.ranges.partition_point(|(_, hi)| *hi < near);
        match self.ranges.get(i) {
            Some(&(lo, _)) => Some(lo.max(near)),
            None => self.ranges.last().map(|r| r.1),
        }
    }
}

/// A set of IP addresses: IPv4 and IPv6 separately.
///
/// ```
/// use policy_analysis::ranges::IpSet;
/// let private = IpSet::from_cidrs(["10.0.0.0/8"]).unwrap();
/// let everyone = IpSet::from_cidrs(["0.0.0.0/0"]).unwrap();
/// // `IpAddress 0.0.0.0/0` and `NotIpAddress 10.0.0.0/8`: IPv4 outside 10.0.0.0/8.
/// let both = everyone.intersect(&private.complement());
/// assert_eq!(both.witness().unwrap().to_string(), "0.0.0.0");
/// // `NotIpAddress 0.0.0.0/0` still admits every IPv6 address.
/// assert_eq!(everyone.complement().witness().unwrap().to_string(), "::");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IpSet {
    /// IPv4 addresses.
    pub v4: Ranges<u32>,
    /// IPv6 addresses.
    pub v6: Ranges<u128>,
}

impl IpSet {
    /// No address.
    #[must_use]
    pub fn empty() -> Self {
        IpSet {
            v4: Ranges::empty(),
            v6: Ranges::empty(),
        }
    }

    /// Every address of both families.
    #[must_use]
    pub fn all() -> Self {
        IpSet {
            v4: Ranges::all(),
            v6: Ranges::all(),
        }
    }

    /// The addresses `aws:SourceIp` can hold: public ones. AWS: "Only public IP addresses or
    /// public IP ranges are supported"
    /// (<https://repost.aws/knowledge-center/iam-restrict-access-policy>); a request through a
    /// VPC endpoint carries no `aws:SourceIp` at all, its private address is `aws:VpcSourceIp`
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).
    /// Left out: the blocks of the IANA special-purpose registries that are not globally
    /// reachable (private use, shared address space, loopback, link-local, unique local,
    /// multicast, reserved), except the documentation blocks (`192.0.2.0/24`,
    /// `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`), which stand for public addresses
    /// in examples and witnesses.
    #[must_use]
    pub fn public() -> Self {
        Self::public_ref().clone()
    }

    /// [`IpSet::public`], built once and borrowed.
    #[must_use]
    pub fn public_ref() -> &'static IpSet {
        const NOT_PUBLIC: &[&str] = &[
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.0.0.0/24",
            "192.168.0.0/16",
            "198.18.0.0/15",
            "224.0.0.0/3",
            "::/127",
            "::ffff:0:0/96",
            "fc00::/7",
            "fe80::/10",
            "ff00::/8",
        ];
        static PUBLIC: std::sync::OnceLock<IpSet> = std::sync::OnceLock::new();
        PUBLIC.get_or_init(|| {
            IpSet::from_cidrs(NOT_PUBLIC.iter().copied())
                .unwrap_or_else(|_| IpSet::empty())
                .complement()
        })
    }

    /// The union of CIDR blocks (`10.0.0.0/8`, `2001:db8::/32`, or an address alone), read as
    /// the evaluator reads them; `None` names the first block that cannot be read.
    pub fn from_cidrs<'a>(blocks: impl IntoIterator<Item = &'a str>) -> Result<Self, &'a str> {
        let mut set = Families::default();
        for b in blocks {
            if !set.add(b) {
                return Err(b);
            }
        }
        Ok(set.union())
    }

    /// The union of the blocks that can be read (each read once), leaving out the others: what
    /// a condition's values mean, a value that is no block matching nothing. And whether every
    /// one was read: the set is then [`IpSet::from_cidrs`]'s.
    pub(crate) fn from_readable_cidrs<'a>(
        blocks: impl IntoIterator<Item = &'a str>,
    ) -> (Self, bool) {
        let mut set = Families::default();
        let mut every = true;
        for b in blocks {
            every &= set.add(b);
        }
        (set.union(), every)
    }

    /// Whether the set has no address.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    /// Whether `ip` is in the set.
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(a) => self.v4.contains(u32::from(a)),
            IpAddr::V6(a) => self.v6.contains(u128::from(a)),
        }
    }

    /// The addresses not in the set.
    #[must_use]
    pub fn complement(&self) -> Self {
        IpSet {
            v4: self.v4.complement(),
            v6: self.v6.complement(),
        }
    }

    /// The addresses in both sets.
    #[must_use]
    pub fn intersect(&self, other: &Self) -> Self {
        IpSet {
            v4: self.v4.intersect(&other.v4),
            v6: self.v6.intersect(&other.v6),
        }
    }

    /// The addresses in either set.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        IpSet {
            v4: self.v4.union(&other.v4),
            v6: self.v6.union(&other.v6),
        }
    }

    /// The [`witness`](IpSet::witness) of the intersection of `sets` (every address when
    /// there is none), without building it: the smallest IPv4 address in all of them, else
    /// the smallest IPv6 one.
    #[must_use]
    pub fn first_common<'a>(sets: impl Iterator<Item = &'a IpSet> + Clone) -> Option<IpAddr> {
        if let Some(a) = Ranges::first_common(sets.clone().map(|s| &s.v4)) {
            return Some(IpAddr::V4(Ipv4Addr::from(a)));
        }
        Ranges::first_common(sets.map(|s| &s.v6)).map(|a| IpAddr::V6(Ipv6Addr::from(a)))
    }

    /// An address of the set: the first IPv4 one, else the first IPv6 one.
    #[must_use]
    pub fn witness(&self) -> Option<IpAddr> {
        if let Some(&(lo, _)) = self.v4.ranges().first() {
            return Some(IpAddr::V4(Ipv4Addr::from(lo)));
        }
        self.v6
            .ranges()
            .first()
            .map(|&(lo, _)| IpAddr::V6(Ipv6Addr::from(lo)))
    }
}

/// An address as its `Display` writes it: an IPv4 address's four numbers written directly
/// (the formatter's padding machinery is most of the cost of so short a text), an IPv6
/// address by `Display` itself.
#[must_use]
pub(crate) fn format_ip(ip: IpAddr) -> String {
    let IpAddr::V4(a) = ip else {
        return ip.to_string();
    };
    let mut out = String::with_capacity(15);
    for (i, o) in a.octets().into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        if o >= 100 {
            out.push(char::from(b'0' + o / 100));
        }
        if o >= 10 {
            out.push(char::from(b'0' + o / 10 % 10));
        }
        out.push(char::from(b'0' + o % 10));
    }
    out
}

/// The ranges of CIDR blocks of each family, as read.
#[derive(Default)]
struct Families {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
}

impl Families {
    /// Adds a block's range; `false` when it cannot be read.
    fn add(&mut self, block: &str) -> bool {
        // The plain forms as bits, in one pass; the others as `parse_cidr` reads them.
        if let Some((bits, v6, prefix)) = policy_catalogue::rules::plain_block(block) {
            if v6 {
                let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
                let lo = bits & mask;
                self.v6.push((lo, lo | !mask));
            } else {
                let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
                // The bits of an IPv4 address fit in 32.
                let lo = bits as u32 & mask;
                self.v4.push((lo, lo | !mask));
            }
            return true;
        }
        match parse_cidr(block) {
            Some((IpAddr::V4(a), bits)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
                let lo = u32::from(a) & mask;
                self.v4.push((lo, lo | !mask));
            }
            Some((IpAddr::V6(a), bits)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
                let lo = u128::from(a) & mask;
                self.v6.push((lo, lo | !mask));
            }
            None => return false,
        }
        true
    }

    fn union(self) -> IpSet {
        IpSet {
            v4: Ranges::from_ranges(self.v4),
            v6: Ranges::from_ranges(self.v6),
        }
    }
}

/// Reads `address` or `address/prefix` as `IpAddress` does: the address and its prefix length
/// (32 or 128 when none is written). Shared with `policy_core::eval`.
///
/// ```
/// use std::net::IpAddr;
/// assert_eq!(policy_analysis::parse_cidr("10.0.0.0/8"), Some(("10.0.0.0".parse::<IpAddr>().unwrap(), 8)));
/// assert_eq!(policy_analysis::parse_cidr("10.0.0.0/33"), None);
/// ```
#[must_use]
pub fn parse_cidr(text: &str) -> Option<(IpAddr, u8)> {
    // The plain forms in one pass
    // (`tests::blocks_read_in_one_pass_give_the_ranges_read_before`).
    if let Some((bits, v6, prefix)) = policy_catalogue::rules::plain_block(text) {
        let ip = if v6 {
            IpAddr::V6(Ipv6Addr::from(bits))
        } else {
            IpAddr::V4(Ipv4Addr::from(bits as u32))
        };
        return Some((ip, prefix));
    }
    // The first `/`, by bytes (an address is a few ASCII characters).
    let (address, prefix) = match text.bytes().position(|b| b == b'/') {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    // `trim` only when an end may be white space (an ASCII character that is not is none).
    let plain = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii() && !char::from(b).is_whitespace());
    let bytes = address.as_bytes();
    let address = if plain(bytes.first()) && plain(bytes.last()) {
        address
    } else {
        address.trim()
    };
    let ip = policy_catalogue::rules::parse_ip(address)?;
    let max: u16 = if ip.is_ipv4() { 32 } else { 128 };
    let bits = match prefix {
        None => max,
        // One to three digits, at most `max` (leading zeros read as `u8::from_str` reads them).
        Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
            let n = p.bytes().fold(0u16, |n, b| n * 10 + u16::from(b - b'0'));
            if n > max {
                return None;
            }
            n
        }
        Some(_) => return None,
    };
    Some((ip, bits as u8))
}

/// [`parse_cidr`] as it was first written (`split_once`, `trim`, `u8::from_str`), which the
/// tests compare it with.
#[cfg(test)]
fn parse_cidr_by_the_standard_library(text: &str) -> Option<(IpAddr, u8)> {
    let (address, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let ip = policy_catalogue::rules::parse_ip(address.trim())?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits = match prefix {
        None => max,
        Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u8>().ok().filter(|b| *b <= max)?
        }
        Some(_) => return None,
    };
    Some((ip, bits))
}

/// The position of a number in the order of `f64` values, as a signed integer: `-0.0` and
/// `0.0` (equal numbers) share a key, and consecutive keys are consecutive `f64` values.
/// NaN (which no IAM number reads as) is not a key.
#[must_use]
pub fn number_key(x: f64) -> i64 {
    let x = if x == 0.0 { 0.0 } else { x };
    let bits = x.to_bits() as i64;
    if bits < 0 {
        // Negative numbers: larger magnitude, smaller key; -0.0 would be -1, but it is 0.
        -(bits & i64::MAX)
    } else {
        bits
    }
}

/// The number at a key of [`number_key`].
#[must_use]
pub fn key_number(k: i64) -> f64 {
    if k < 0 {
        f64::from_bits((k.unsigned_abs()) | (1 << 63))
    } else {
        f64::from_bits(k as u64)
    }
}

/// The keys of all numbers, from -inf to inf.
#[must_use]
pub fn all_numbers() -> Ranges<i64> {
    Ranges::span(number_key(f64::NEG_INFINITY), number_key(f64::INFINITY))
}

/// Text for a number that the evaluator reads back as the same `f64`.
#[must_use]
pub fn format_number(x: f64) -> String {
    if x == f64::INFINITY {
        "1e999".to_owned()
    } else if x == f64::NEG_INFINITY {
        "-1e999".to_owned()
    } else {
        format!("{x}")
    }
}

/// A pleasant number of a set of keys: 0, else the integer nearest 0, else any.
#[must_use]
pub fn pick_number(set: &Ranges<i64>) -> Option<f64> {
    let first = set.ranges().first()?;
    if set.contains(0) {
        return Some(0.0);
    }
    for &(lo, hi) in set.ranges() {
        let (a, b) = (key_number(lo), key_number(hi));
        for candidate in [a.ceil(), b.floor()] {
            if candidate.is_finite() && set.contains(number_key(candidate)) && a <= candidate {
                return Some(candidate);
            }
        }
    }
    Some(key_number(first.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_algebra() {
        let a = Ranges::from_ranges(vec![(5u32, 9), (0, 2), (3, 4), (20, 30)]);
        assert_eq!(a.ranges(), &[(0, 9), (20, 30)]);
        assert_eq!(a.complement().ranges(), &[(10, 19), (31, u32::MAX)]);
        assert_eq!(a.complement().complement(), a);
        let b = Ranges::span(8u32, 25);
        assert_eq!(a.intersect(&b).ranges(), &[(8, 9), (20, 25)]);
        assert_eq!(a.union(&b).ranges(), &[(0, 30)]);
        assert!(Ranges::<u32>::all().complement().is_empty());
        assert_eq!(Ranges::<u32>::empty().complement(), Ranges::all());
        assert!(a.contains(20) && !a.contains(15) && !a.contains(31));
    }

    #[test]
    fn public_addresses_leave_out_private_and_reserved_blocks() {
        let public = IpSet::public();
        for ip in [
            "10.1.2.3",
            "172.31.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "100.64.0.1",
            "169.254.169.254",
            "224.0.0.1",
            "255.255.255.255",
            "0.0.0.0",
            "fd00::1",
            "fe80::1",
            "::1",
            "::ffff:8.8.8.8",
            "ff02::1",
        ] {
            assert!(!public.contains(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "198.51.100.7",
            "203.0.113.9",
            "8.8.8.8",
            "172.32.0.1",
            "223.255.255.255",
            "2001:db8::7",
            "2600::1",
        ] {
            assert!(public.contains(ip.parse().unwrap()), "{ip}");
        }
        assert_eq!(public.witness().unwrap().to_string(), "1.0.0.0");
    }

    #[test]
    fn ip_sets_cover_both_families() {
        let any4 = IpSet::from_cidrs(["0.0.0.0/0"]).unwrap();
        // `NotIpAddress 0.0.0.0/0` still lets IPv6 callers through.
        let outside = any4.complement();
        assert!(outside.v4.is_empty());
        assert_eq!(outside.witness().unwrap().to_string(), "::");
        let both = IpSet::from_cidrs(["0.0.0.0/0", "::/0"]).unwrap();
        assert!(both.complement().is_empty());
        let host = IpSet::from_cidrs(["192.0.2.7"]).unwrap();
        assert!(host.contains("192.0.2.7".parse().unwrap()));
        assert!(!host.contains("192.0.2.8".parse().unwrap()));
        // Host bits are ignored, as the evaluator masks them.
        let net = IpSet::from_cidrs(["10.1.2.3/8"]).unwrap();
        assert_eq!(net.v4.ranges(), &[(0x0a00_0000, 0x0aff_ffff)]);
        assert_eq!(IpSet::from_cidrs(["10.0.0.0/33"]), Err("10.0.0.0/33"));
        let a = IpSet::from_cidrs(["10.0.0.0/8", "2001:db8::/32"]).unwrap();
        let b = IpSet::from_cidrs(["10.128.0.0/9"]).unwrap();
        let d = a.intersect(&b.complement());
        assert!(d.contains("10.0.0.1".parse().unwrap()));
        assert!(!d.contains("10.200.0.1".parse().unwrap()));
        assert!(d.contains("2001:db8::1".parse().unwrap()));
    }

    /// A tiny deterministic generator for the tests below.
    fn random(seed: u64) -> impl FnMut(u64) -> u64 {
        let mut rng = seed;
        move |m: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % m
        }
    }

    /// Reading a block by bytes is reading it with `split_once`, `trim` and `u8::from_str`:
    /// fixed texts and 20,000 random near-blocks (white space, leading zeros, prefixes past the
    /// family's length, several `/`s, IPv4 in IPv6).
    #[test]
    fn blocks_read_by_bytes_as_by_the_standard_library() {
        let fixed = [
            "10.0.0.0/8",
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0.0/008",
            "10.0.0.0/0008",
            "/8",
            "",
            " 10.0.0.1 ",
            "\u{b}10.0.0.1/8",
            "10.0.0.1\u{85}",
            "\u{3000}10.0.0.1",
            "2001:db8::/32",
            "2001:db8::/129",
            "2001:db8::/128",
            "::ffff:1.2.3.4/96",
            "10.0.0.0/8/8",
            "192.0.2.7",
        ];
        for t in fixed {
            assert_eq!(
                parse_cidr(t),
                parse_cidr_by_the_standard_library(t),
                "{t:?}"
            );
        }
        let pieces = [
            "1", "0", "25", "255", "256", ".", ":", "::", "/", "/8", "/32", "/33", "/128", "/129",
            " ", "\t", "\u{b}", "\u{a0}", "a", "db8", "ffff", "+", "1.2.3.4", "08",
        ];
        let mut next = random(0x51f1_5eed_1234_5678);
        for _ in 0..20_000 {
            let t: String = (0..1 + next(9))
                .map(|_| pieces[next(pieces.len() as u64) as usize])
                .collect();
            assert_eq!(
                parse_cidr(&t),
                parse_cidr_by_the_standard_library(&t),
                "{t:?}"
            );
        }
    }

    /// An address written directly is the text `Display` writes: every octet value in every
    /// place, the ends of the ranges, 20,000 random IPv4 and some IPv6 addresses.
    #[test]
    fn addresses_written_as_display_writes_them() {
        let mut next = random(0xabad_1dea_5eed_0001);
        let mut ips: Vec<IpAddr> = (0..=255u8)
            .flat_map(|o| {
                [
                    [o, 0, 0, 0],
                    [0, o, 0, 0],
                    [0, 0, o, 0],
                    [0, 0, 0, o],
                    [o, o, o, o],
                ]
            })
            .map(|a| IpAddr::V4(Ipv4Addr::from(a)))
            .collect();
        ips.extend((0..20_000).map(|_| IpAddr::V4(Ipv4Addr::from(next(1 << 32) as u32))));
        for t in [
            "::",
            "::1",
            "2001:db8::7",
            "::ffff:8.8.8.8",
            "fe80::1:2",
            "1:2:3:4:5:6:7:8",
        ] {
            ips.push(t.parse().unwrap());
        }
        for ip in ips {
            assert_eq!(format_ip(ip), ip.to_string());
        }
    }

    /// Merging ranges in their own list gives the union the merge into a new list gave, and
    /// the set operations keep their meaning on every point near the ranges' ends: 2,000
    /// random lists.
    #[test]
    fn ranges_merged_in_place_are_the_union() {
        fn merged_afresh(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
            ranges.retain(|(a, b)| a <= b);
            ranges.sort_unstable();
            let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
            for (lo, hi) in ranges {
                match out.last_mut() {
                    Some((_, last)) if last.succ().is_none_or(|n| lo <= n) => {
                        if hi > *last {
                            *last = hi;
                        }
                    }
                    _ => out.push((lo, hi)),
                }
            }
            out
        }
        let mut next = random(0x0dd_ba11_cafe_f00d);
        let list = |next: &mut dyn FnMut(u64) -> u64| -> Vec<(u32, u32)> {
            (0..next(7))
                .map(|_| {
                    let lo = if next(8) == 0 {
                        u32::MAX - next(3) as u32
                    } else {
                        next(40) as u32
                    };
                    let hi = if next(8) == 0 {
                        u32::MAX
                    } else {
                        next(40) as u32
                    };
                    (lo, hi)
                })
                .collect()
        };
        for _ in 0..2_000 {
            let (a, b) = (list(&mut next), list(&mut next));
            let (ra, rb) = (
                Ranges::from_ranges(a.clone()),
                Ranges::from_ranges(b.clone()),
            );
            assert_eq!(ra.ranges(), merged_afresh(a.clone()).as_slice(), "{a:?}");
            let (both, either) = (ra.intersect(&rb), ra.union(&rb));
            assert_eq!(
                both.ranges(),
                merged_afresh(both.ranges().to_vec()).as_slice()
            );
            let points = (0..45).chain(u32::MAX - 4..=u32::MAX);
            for x in points {
                assert_eq!(
                    both.contains(x),
                    ra.contains(x) && rb.contains(x),
                    "{a:?} {b:?} {x}"
                );
                assert_eq!(
                    either.contains(x),
                    ra.contains(x) || rb.contains(x),
                    "{a:?} {b:?} {x}"
                );
                assert_eq!(ra.complement().contains(x), !ra.contains(x), "{a:?} {x}");
            }
        }
    }

    /// A condition's blocks read once, the unreadable ones left out, are the blocks the
    /// condition kept read again: fixed and random lists of good and bad blocks.
    #[test]
    fn readable_blocks_are_the_kept_blocks() {
        let blocks = [
            "10.0.0.0/8",
            "10.1.0.0/16",
            "2001:db8::/32",
            "2001:db8:1::/48",
            "192.0.2.7",
            "bad",
            "10.0.0.0/33",
            "::/0",
            "0.0.0.0/0",
            "",
        ];
        let mut next = random(0xfeed_beef_0bad_cafe);
        for _ in 0..2_000 {
            let list: Vec<&str> = (0..next(5))
                .map(|_| blocks[next(blocks.len() as u64) as usize])
                .collect();
            let kept: Vec<&str> = list
                .iter()
                .copied()
                .filter(|b| parse_cidr(b).is_some())
                .collect();
            let kept_len = kept.len();
            assert_eq!(
                IpSet::from_readable_cidrs(list.iter().copied()),
                (IpSet::from_cidrs(kept).unwrap(), list.len() == kept_len),
                "{list:?}"
            );
        }
    }

    /// Random sets of blocks of both families: host addresses, short and long prefixes, the
    /// whole family, near one another so that they overlap, nest and touch.
    fn random_blocks(next: &mut dyn FnMut(u64) -> u64) -> Vec<String> {
        (0..next(4))
            .map(|_| {
                if next(2) == 0 {
                    let a = [10, next(4) as u8, next(3) as u8 * 64, next(256) as u8];
                    let a = if next(10) == 0 { [0, 0, 0, 0] } else { a };
                    let bits = [0, 8, 15, 16, 17, 24, 26, 32][next(8) as usize];
                    format!("{}/{bits}", Ipv4Addr::from(a))
                } else {
                    let g = [0x2001, 0xdb8, next(4) as u16, next(3) as u16 * 0x4000];
                    let a = Ipv6Addr::new(g[0], g[1], g[2], g[3], 0, 0, 0, next(3) as u16);
                    let a = if next(10) == 0 {
                        Ipv6Addr::UNSPECIFIED
                    } else {
                        a
                    };
                    let bits = [0, 32, 47, 48, 49, 64, 128][next(7) as usize];
                    format!("{a}/{bits}")
                }
            })
            .collect()
    }

    /// The first address common to several sets, found without building their intersection,
    /// is the witness of the intersection built set by set (from `IpSet::public` or from
    /// every address): fixed sets and 4,000 random lists of sets and their complements.
    #[test]
    fn first_common_addresses_are_the_witnesses_of_the_intersection() {
        let fixed = [
            vec![],
            vec![IpSet::empty()],
            vec![IpSet::all()],
            vec![IpSet::from_cidrs(["0.0.0.0/0"]).unwrap().complement()],
            vec![
                IpSet::from_cidrs(["10.1.0.0/16", "2001:db8:1::/48"]).unwrap(),
                IpSet::from_cidrs(["10.2.0.0/16", "2001:db8:2::/48"]).unwrap(),
            ],
            vec![IpSet::from_cidrs(["255.255.255.255", "::/0"]).unwrap()],
        ];
        let mut next = random(0x1b5e_7c0f_f1e5_0002);
        let random: Vec<Vec<IpSet>> = (0..4_000)
            .map(|_| {
                (0..next(5))
                    .map(|_| {
                        let set =
                            IpSet::from_cidrs(random_blocks(&mut next).iter().map(String::as_str))
                                .unwrap();
                        if next(2) == 0 {
                            set.complement()
                        } else {
                            set
                        }
                    })
                    .collect()
            })
            .collect();
        for sets in fixed.iter().chain(&random) {
            for base in [IpSet::all(), IpSet::public()] {
                let built = sets.iter().fold(base.clone(), |a, s| a.intersect(s));
                let found = IpSet::first_common(std::iter::once(&base).chain(sets));
                assert_eq!(found, built.witness(), "{sets:?}");
            }
            let built = sets.iter().fold(IpSet::all(), |a, s| a.intersect(s));
            assert_eq!(
                IpSet::first_common(sets.iter()),
                built.witness(),
                "{sets:?}"
            );
        }
    }

    /// Blocks read in one pass give the ranges the reading by the standard library gave:
    /// 20,000 random lists of good blocks, and of good and bad ones.
    #[test]
    fn blocks_read_in_one_pass_give_the_ranges_read_before() {
        fn ranges_afresh(blocks: &[String]) -> Option<IpSet> {
            let (mut v4, mut v6) = (Vec::new(), Vec::new());
            for b in blocks {
                match parse_cidr_by_the_standard_library(b)? {
                    (IpAddr::V4(a), bits) => {
                        let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
                        let lo = u32::from(a) & mask;
                        v4.push((lo, lo | !mask));
                    }
                    (IpAddr::V6(a), bits) => {
                        let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
                        let lo = u128::from(a) & mask;
                        v6.push((lo, lo | !mask));
                    }
                }
            }
            Some(IpSet {
                v4: Ranges::from_ranges(v4),
                v6: Ranges::from_ranges(v6),
            })
        }
        let odd = [
            "bad",
            "10.0.0.0/33",
            " 10.0.0.1",
            "::ffff:1.2.3.4/100",
            "1.2.3.4/",
            "",
        ];
        let mut next = random(0xb10c_5eed_0000_0003);
        for _ in 0..20_000 {
            let mut blocks = random_blocks(&mut next);
            if next(3) == 0 {
                blocks.push(odd[next(odd.len() as u64) as usize].to_owned());
            }
            let list = || blocks.iter().map(String::as_str);
            assert_eq!(
                IpSet::from_cidrs(list()).ok(),
                ranges_afresh(&blocks),
                "{blocks:?}"
            );
            for b in &blocks {
                assert_eq!(
                    parse_cidr(b),
                    parse_cidr_by_the_standard_library(b),
                    "{b:?}"
                );
            }
        }
    }

    #[test]
    fn number_keys_follow_the_order_of_numbers() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -1.5,
            -f64::MIN_POSITIVE,
            0.0,
            5e-324,
            1.0,
            1.0000000000000002,
            1e300,
            f64::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(number_key(w[0]) < number_key(w[1]), "{w:?}");
        }
        assert_eq!(number_key(-0.0), number_key(0.0));
        assert_eq!(number_key(-5e-324) + 1, number_key(0.0));
        assert_eq!(number_key(1.0) + 1, number_key(1.0000000000000002));
        for x in xs {
            assert_eq!(key_number(number_key(x)), x);
            let text = format_number(x);
            let back: f64 = text.parse().unwrap();
            assert_eq!(back, x, "{text}");
        }
        // x > 1 and x < 1.0000000000000002: no f64 lies between.
        let s = Ranges::span(number_key(1.0) + 1, number_key(1.0000000000000002) - 1);
        assert!(s.is_empty());
        assert_eq!(
            pick_number(&Ranges::span(number_key(2.5), number_key(7.0))),
            Some(3.0)
        );
        assert_eq!(
            pick_number(&Ranges::span(number_key(0.25), number_key(0.5))),
            Some(0.25)
        );
    }
}

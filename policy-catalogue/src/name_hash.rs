//! The perfect hash of the catalogue's action names, ignoring ASCII letter case.
//!
//! `tests/generate.rs` includes this file too: it searches for a seed under which every name
//! of a service lands in a slot of its own and writes the seed and the slots into
//! `generated.rs`. A look-up is then one hash and one comparison with the name in its slot,
//! eight bytes at a time: catalogue names are ASCII letters only, which the generator checks.

/// Sets bit 5 of every byte: two spellings of a name that differ only in ASCII letter case
/// give the same bytes, so they hash alike. Not a case fold by itself; the comparison after
/// the look-up decides.
const FOLD: u64 = 0x2020_2020_2020_2020;

/// The length and the first and last eight bytes of `name`, folded. Catalogue names are
/// 8 bytes or longer; shorter text is hashed byte by byte and matches no name.
fn key(name: &[u8]) -> u64 {
    let n = name.len() as u64;
    match (name.first_chunk::<8>(), name.last_chunk::<8>()) {
        (Some(first), Some(last)) => {
            (u64::from_le_bytes(*first) | FOLD)
                ^ (u64::from_le_bytes(*last) | FOLD).rotate_left(32)
                ^ n
        }
        _ => name.iter().fold(n, |k, &b| (k << 8) | u64::from(b | 0x20)),
    }
}

/// The slot of `name` in a table of `1 << bits` slots, under `seed` (odd).
#[inline]
pub(crate) fn slot(name: &[u8], seed: u64, bits: u32) -> usize {
    (key(name).wrapping_mul(seed) >> (64 - bits)) as usize
}

/// Whether `name` is `candidate` ignoring ASCII letter case, where `candidate` is ASCII letters
/// only: bit 5 set on both sides makes two bytes equal exactly when they are the same letter in
/// either case (the byte of a letter with bit 5 set is a lowercase letter, which only that
/// letter's two cases give).
#[inline]
pub(crate) fn same_name(candidate: &str, name: &str) -> bool {
    let (c, n) = (candidate.as_bytes(), name.as_bytes());
    if c.len() != n.len() {
        return false;
    }
    let word = |b: &[u8], at: usize| match b.get(at..at + 8) {
        Some(w) => u64::from_le_bytes(w.try_into().unwrap_or_default()) | FOLD,
        None => 0,
    };
    if c.len() < 8 {
        return c.iter().zip(n).all(|(a, b)| a | 0x20 == b | 0x20);
    }
    // Whole words, then the last eight bytes (overlapping the words before when the length is
    // not a multiple of eight).
    (0..c.len() / 8).all(|i| word(c, i * 8) == word(n, i * 8))
        && word(c, c.len() - 8) == word(n, n.len() - 8)
}

//! The tests' random source: xorshift64 from a fixed seed, so each test draws the same cases
//! on every run and machine, and a failure names a case that comes back.

/// `next(m)`: the next number of the xorshift64 sequence from `seed`, modulo `m`.
pub(crate) fn xorshift(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |m| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    }
}

/// [`xorshift`] for lengths and indices.
pub(crate) fn xorshift_usize(seed: u64) -> impl FnMut(usize) -> usize {
    let mut next = xorshift(seed);
    move |m| next(m as u64) as usize
}

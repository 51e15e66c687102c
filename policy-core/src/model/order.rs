//! Stable sorting compiled once for the whole crate.
//!
//! `slice::sort` and its kin are generic over the item and the comparison, so each call site
//! with its own closure compiles its own copy of the standard library's sort (thousands of
//! lines of machine code each). The lists sorted off the hot paths are short; these helpers
//! sort their positions with one comparison through `dyn` and move the items into place.

use std::cmp::Ordering;

/// The positions `0..len` in the order `compare` gives them, equal ones kept in order.
fn positions(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Moves the item at `order[k]` to `k`, for every `k`, one cycle of the permutation after
/// another.
fn permute(mut order: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        let mut k = start;
        while order[k] != usize::MAX {
            let from = order[k];
            order[k] = usize::MAX;
            if from == start {
                break;
            }
            swap(k, from);
            k = from;
        }
    }
}

/// `items.sort_by(compare)`, stable.
pub(crate) fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = positions(items.len(), &|a, b| compare(&items[a], &items[b]));
    permute(order, &mut |a, b| items.swap(a, b));
}

/// `items.sort_by_key(key)`, stable.
pub(crate) fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `items.sort()`, stable.
pub(crate) fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_library() {
        let cases: &[&[(u8, char)]] = &[
            &[],
            &[(1, 'a')],
            &[(2, 'a'), (1, 'b')],
            &[
                (3, 'a'),
                (1, 'b'),
                (2, 'c'),
                (1, 'd'),
                (3, 'e'),
                (0, 'f'),
                (2, 'g'),
            ],
            &[(5, 'a'), (4, 'b'), (3, 'c'), (2, 'd'), (1, 'e')],
            &[(1, 'a'), (1, 'b'), (1, 'c')],
        ];
        for case in cases {
            let mut ours = case.to_vec();
            let mut std = case.to_vec();
            sort_by_key(&mut ours, |p| p.0);
            std.sort_by_key(|p| p.0);
            assert_eq!(ours, std);
            let mut ours = case.to_vec();
            let mut std = case.to_vec();
            sort(&mut ours);
            std.sort();
            assert_eq!(ours, std);
        }
        // Every order of five items, by a key with ties, in reverse.
        for n in 0..5u32.pow(5) {
            let picks: Vec<u8> = (0..5).map(|i| (n / 5u32.pow(i) % 5) as u8).collect();
            if (0..5).any(|i| !picks.contains(&i)) {
                continue;
            }
            let items: Vec<(u8, u8)> = picks.iter().map(|&i| (i % 3, i)).collect();
            let mut ours = items.clone();
            let mut std = items.clone();
            sort_by(&mut ours, |a, b| b.0.cmp(&a.0));
            std.sort_by_key(|p| std::cmp::Reverse(p.0));
            assert_eq!(ours, std);
        }
    }
}

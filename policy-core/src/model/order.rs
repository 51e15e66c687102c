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

/// The values of `pairs` grouped by key, keys in order and each key's values in the order
/// given: what a `BTreeMap<K, Vec<V>>` filled by `entry(k).or_default().push(v)` iterates, for
/// a fraction of the code.
#[cfg(feature = "analysis")]
pub(crate) fn group<K: Ord, V>(mut pairs: Vec<(K, V)>) -> Vec<(K, Vec<V>)> {
    sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
    let mut out: Vec<(K, Vec<V>)> = Vec::new();
    for (k, v) in pairs {
        match out.last_mut() {
            Some((last, values)) if (*last).cmp(&k) == Ordering::Equal => values.push(v),
            _ => out.push((k, vec![v])),
        }
    }
    out
}

/// The values of `key` in groups made by [`group`].
#[cfg(feature = "analysis")]
pub(crate) fn values_of<'a, K: Ord, V>(groups: &'a [(K, Vec<V>)], key: &K) -> Option<&'a [V]> {
    groups
        .binary_search_by(|(k, _)| k.cmp(key))
        .ok()
        .map(|i| groups[i].1.as_slice())
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

    #[test]
    #[cfg(feature = "analysis")]
    fn groups_like_a_btree_map() {
        let pairs = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (3, 'f')];
        let mut map: std::collections::BTreeMap<u8, Vec<char>> = Default::default();
        for &(k, v) in &pairs {
            map.entry(k).or_default().push(v);
        }
        let grouped = group(pairs);
        assert_eq!(grouped, map.clone().into_iter().collect::<Vec<_>>());
        for k in 0..5 {
            assert_eq!(values_of(&grouped, &k), map.get(&k).map(Vec::as_slice));
        }
        assert!(group(Vec::<(u8, u8)>::new()).is_empty());
    }
}

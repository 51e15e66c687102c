//! "Did you mean" suggestions for misspelt names.

/// Returns the candidate closest to `input`, if it is close enough to be a
/// plausible typo.
///
/// Distance is the optimal-string-alignment (restricted Damerau-Levenshtein)
/// distance over characters, ignoring ASCII letter case: insertions, deletions,
/// substitutions and swaps of two adjacent characters each cost one. A candidate
/// qualifies when its distance is at most `max(1, n / 3)`, `n` being the number of
/// characters of `input`. Among qualifying candidates the nearest wins; ties go to
/// the one that comes first.
///
/// ```
/// use policy_catalogue::closest;
///
/// assert_eq!(closest("psh", ["pull", "push"]), Some("push"));
/// assert_eq!(closest("PutImge", ["PutImage", "GetImage"]), Some("PutImage"));
/// assert_eq!(closest("xyz", ["push", "pull"]), None);
/// ```
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = |s: &str| -> Vec<char> { s.chars().map(|c| c.to_ascii_lowercase()).collect() };
    let input_chars = lower(input);
    let limit = (input_chars.len() / 3).max(1);
    // Names are ASCII almost always: compare bytes then, without a vector per candidate.
    let input_bytes = input
        .is_ascii()
        .then(|| input.to_ascii_lowercase().into_bytes());
    let mut rows = Rows::default();
    let mut candidate_bytes = Vec::new();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        // Only a strictly better distance replaces the current best, so ties keep
        // the earlier candidate.
        let bound = best.map_or(limit, |(d, _)| d.saturating_sub(1).min(limit));
        if best.is_some_and(|(d, _)| d == 0) {
            break;
        }
        let d = match &input_bytes {
            Some(a) if candidate.is_ascii() => {
                candidate_bytes.clear();
                candidate_bytes.extend(candidate.bytes().map(|b| b.to_ascii_lowercase()));
                if bag_distance(a, &candidate_bytes) > bound {
                    None
                } else {
                    bounded_distance(a, &candidate_bytes, bound, &mut rows)
                }
            }
            _ => bounded_distance(&input_chars, &lower(candidate), bound, &mut rows),
        };
        if let Some(d) = d {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// A lower bound of the OSA distance between `a` and `b`, read off their letters alone: the
/// letters one has more of than the other, the larger count of the two sides. An insertion,
/// deletion or substitution changes each side by at most one and a swap by none, so the
/// distance is at least this. Most candidates are rejected by it, at a few instructions a
/// letter instead of a table.
fn bag_distance(a: &[u8], b: &[u8]) -> usize {
    let mut count = [0i32; 256];
    for &x in a {
        count[usize::from(x)] += 1;
    }
    for &x in b {
        count[usize::from(x)] -= 1;
    }
    // The surplus of `a`, each letter taken once; the surplus of `b` follows from the lengths.
    let mut surplus = 0usize;
    for &x in a {
        let c = &mut count[usize::from(x)];
        surplus += usize::try_from(*c).unwrap_or(0);
        *c = 0;
    }
    surplus.max((surplus + b.len()).saturating_sub(a.len()))
}

/// The three rows of the distance table, kept from one candidate to the next.
#[derive(Default)]
struct Rows {
    before: Vec<usize>,
    last: Vec<usize>,
    current: Vec<usize>,
}

/// The OSA distance between `a` and `b` (both already lowercased), or `None` when it
/// exceeds `bound`. Bounding keeps long inputs cheap: a length difference above the
/// bound is rejected at once, and a row whose minimum exceeds it stops the scan.
fn bounded_distance<T: PartialEq>(
    a: &[T],
    b: &[T],
    bound: usize,
    rows: &mut Rows,
) -> Option<usize> {
    if a.len().abs_diff(b.len()) > bound {
        return None;
    }
    // Three rows: the one before last (for swaps), the last, and the current.
    let Rows {
        before,
        last,
        current,
    } = rows;
    before.clear();
    before.resize(b.len() + 1, 0);
    last.clear();
    last.extend(0..=b.len());
    current.clear();
    current.resize(b.len() + 1, 0);
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (last[j] + 1)
                .min(current[j - 1] + 1)
                .min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > bound {
            return None;
        }
        std::mem::swap(before, last);
        std::mem::swap(last, current);
    }
    let d = last[b.len()];
    (d <= bound).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: &str, b: &str) -> Option<usize> {
        let lower = |s: &str| -> Vec<char> { s.chars().map(|c| c.to_ascii_lowercase()).collect() };
        bounded_distance(&lower(a), &lower(b), usize::MAX / 2, &mut Rows::default())
    }

    #[test]
    fn bytes_and_characters_give_one_distance() {
        // Rows are reused across pairs of different lengths, as `closest` does.
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "push",
            "pull",
            "PutImage",
            "PutImge",
            "pIutmage",
            "GetImage",
            "BatchGetImage",
            "BatchGetImages",
            "DescribeImages",
            "DescribeImageScanFindings",
        ];
        let mut rows = Rows::default();
        for a in words {
            for b in words {
                let lower = |s: &str| s.to_ascii_lowercase().into_bytes();
                let chars = distance(a, b);
                for bound in [0, 1, 2, 3, usize::MAX / 2] {
                    let bytes = bounded_distance(&lower(a), &lower(b), bound, &mut rows);
                    assert_eq!(bytes, chars.filter(|&d| d <= bound), "{a:?} {b:?} {bound}");
                }
            }
        }
    }

    #[test]
    fn distances() {
        assert_eq!(distance("", ""), Some(0));
        assert_eq!(distance("", "abc"), Some(3));
        assert_eq!(distance("abc", ""), Some(3));
        assert_eq!(distance("kitten", "sitting"), Some(3));
        assert_eq!(distance("ab", "ba"), Some(1));
        assert_eq!(distance("ca", "abc"), Some(3)); // OSA, not full Damerau
        assert_eq!(distance("PUSH", "push"), Some(0));
        assert_eq!(distance("pü", "pu"), Some(1));
    }

    #[test]
    fn the_tuning_examples() {
        assert_eq!(closest("psh", ["pull", "push"]), Some("push"));
        assert_eq!(closest("PutImge", ["PutImage"]), Some("PutImage"));
        assert_eq!(
            closest("GetDownloadUrlForLayers", ["GetDownloadUrlForLayer"]),
            Some("GetDownloadUrlForLayer")
        );
        assert_eq!(
            closest("sourc_account", ["source_arn", "source_account"]),
            Some("source_account")
        );
        assert_eq!(closest("xyz", ["push"]), None);
        assert_eq!(
            closest("StringEqual", ["StringEquals", "StringLike"]),
            Some("StringEquals")
        );
    }

    #[test]
    fn nearest_wins_and_ties_keep_order() {
        assert_eq!(closest("pul", ["push", "pull"]), Some("pull"));
        assert_eq!(closest("pxsh", ["push", "pash"]), Some("push"));
        assert_eq!(closest("pxsh", ["pash", "push"]), Some("pash"));
        assert_eq!(closest("push", ["pusha", "push"]), Some("push"));
    }

    /// `closest` by the whole table of every candidate, over characters.
    fn closest_by_table<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let limit = (input.chars().count() / 3).max(1);
        let mut best: Option<(usize, &'a str)> = None;
        for &c in candidates {
            let d = distance(input, c).expect("unbounded");
            if d <= limit && best.is_none_or(|(b, _)| d < b) {
                best = Some((d, c));
            }
        }
        best.map(|(_, c)| c)
    }

    #[test]
    fn the_letter_count_bound_rejects_no_nearest_name() {
        let names: Vec<&str> = crate::Action::ALL
            .iter()
            .map(|a| a.name())
            .chain(crate::PublicAction::ALL.iter().map(|a| a.name()))
            .collect();
        // Every other name, and each with one letter dropped, doubled, swapped with the next
        // or changed (first, middle and last), and two such changes; also in capitals.
        let mut inputs: Vec<String> = Vec::new();
        for name in names.iter().step_by(2) {
            let b = name.as_bytes();
            inputs.push((*name).to_owned());
            inputs.push(name.to_ascii_uppercase());
            for i in [0, b.len() / 2, b.len() - 1] {
                let mut dropped = b.to_vec();
                dropped.remove(i);
                let mut doubled = b.to_vec();
                doubled.insert(i, b[i]);
                let mut changed = b.to_vec();
                changed[i] = b'q';
                let mut both = changed.clone();
                both.remove(b.len() / 2);
                inputs.extend(
                    [dropped, doubled, changed, both].map(|v| String::from_utf8(v).unwrap()),
                );
                if i + 1 < b.len() {
                    let mut swapped = b.to_vec();
                    swapped.swap(i, i + 1);
                    inputs.push(String::from_utf8(swapped).unwrap());
                }
            }
        }
        inputs.extend(["", "x", "Image", "ListImage", "DescribeRepo"].map(str::to_owned));
        let mut found = 0;
        for input in &inputs {
            let expected = closest_by_table(input, &names);
            assert_eq!(closest(input, names.iter().copied()), expected, "{input:?}");
            found += usize::from(expected.is_some());
        }
        // Most of them have a nearest name: the comparison is not of `None`s.
        assert!(found * 2 > inputs.len(), "{found} of {}", inputs.len());
    }

    #[test]
    fn edge_inputs() {
        assert_eq!(closest("", ["a", "ab"]), Some("a"));
        assert_eq!(closest("", Vec::<&str>::new()), None);
        assert_eq!(closest("a", [""]), Some(""));
        let huge = "p".repeat(1_000_000);
        assert_eq!(closest(&huge, ["push", "pull"]), None);
        assert_eq!(closest("日本語", ["日本", "push"]), Some("日本"));
    }
}

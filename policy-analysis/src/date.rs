//! Dates as IAM compares them: ISO 8601 text or seconds since 1970, to milliseconds since 1970.
//!
//! Hand-written rather than a date crate: the parser is small enough to test exhaustively, and
//! the analysis needs the other direction only to write witnesses ([`format_date`]).

/// Parses a date the way `Date*` condition operators read one, returning milliseconds since
/// 1970-01-01T00:00:00Z.
///
/// Accepted forms:
/// - seconds since 1970, optionally negative or with a fraction: `1767225600`, `1767225600.5`;
/// - a date: `2026-01-01` (midnight UTC);
/// - a date and time: `2026-01-01T10:20:30Z`, with optional fractional seconds
///   (`10:20:30.250Z`), without seconds (`10:20Z`), and a `Z`, `+hh:mm`, `+hhmm` or `+hh`
///   offset (no offset means UTC). A lowercase `t`/`z` and a space instead of `T` are accepted.
///
/// Returns `None` for anything else, including impossible dates (`2026-02-30`).
///
/// ```
/// use policy_analysis::parse_date;
/// assert_eq!(parse_date("1970-01-02"), Some(86_400_000));
/// assert_eq!(parse_date("1970-01-01T01:00:00+01:00"), Some(0));
/// assert_eq!(parse_date("86400"), Some(86_400_000));
/// assert_eq!(parse_date("2026-02-30"), None);
/// ```
#[must_use]
pub fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if is_epoch(text) {
        return parse_epoch(text);
    }
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut millis = days_from_civil(year, month, day) * 86_400_000;
    let rest = &b[10..];
    if rest.is_empty() {
        return Some(millis);
    }
    if !matches!(rest[0], b'T' | b't' | b' ') {
        return None;
    }
    let rest = &rest[1..];
    // hh:mm[:ss[.fff]]
    if rest.len() < 5 || rest[2] != b':' {
        return None;
    }
    let hour = digits(&rest[0..2])?;
    let minute = digits(&rest[3..5])?;
    let mut i = 5;
    let mut second = 0;
    let mut fraction_ms = 0;
    if rest.get(i) == Some(&b':') {
        second = digits(rest.get(i + 1..i + 3)?)?;
        i += 3;
        if matches!(rest.get(i), Some(b'.' | b',')) {
            i += 1;
            let start = i;
            while rest.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return None;
            }
            // Milliseconds: the first three digits, padded.
            let mut ms = 0;
            for k in 0..3 {
                ms = ms * 10
                    + rest
                        .get(start + k)
                        .filter(|_| start + k < i)
                        .map_or(0, |d| i64::from(d - b'0'));
            }
            fraction_ms = ms;
        }
    }
    // A leap second (`:60`) is accepted as the next second.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    millis += ((hour * 60 + minute) * 60 + second) * 1000 + fraction_ms;
    let offset = &rest[i..];
    let offset_minutes = match offset {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (h, m) = match tail {
                [h1, h2] => (digits(&[*h1, *h2])?, 0),
                [h1, h2, m1, m2] => (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?),
                [h1, h2, b':', m1, m2] => (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'+' {
                minutes
            } else {
                -minutes
            }
        }
        _ => return None,
    };
    // Local time minus the offset is UTC.
    Some(millis - offset_minutes * 60_000)
}

/// Writes an instant (milliseconds since 1970) as ISO 8601 text in UTC that [`parse_date`]
/// reads back to the same instant: `2026-01-01T00:00:00.000Z`. Instants outside years
/// 0..=9999 are written as seconds since 1970 instead.
///
/// ```
/// use policy_analysis::{format_date, parse_date};
/// assert_eq!(format_date(1_767_225_600_250), "2026-01-01T00:00:00.250Z");
/// assert_eq!(parse_date(&format_date(-1)), Some(-1));
/// ```
#[must_use]
pub fn format_date(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let ms = millis.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        let sign = if millis < 0 { "-" } else { "" };
        let abs = millis.unsigned_abs();
        return format!("{sign}{}.{:03}", abs / 1000, abs % 1000);
    }
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// The inverse of `days_from_civil` (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_epoch(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
        && digits.as_bytes()[0].is_ascii_digit()
}

fn parse_epoch(text: &str) -> Option<i64> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    // 12 digits of seconds reach year 33658: plenty, and no overflow in milliseconds.
    if whole.len() > 12 {
        return None;
    }
    let mut seconds: i64 = 0;
    for d in whole.bytes() {
        seconds = seconds * 10 + i64::from(d - b'0');
    }
    let mut ms = 0;
    for k in 0..3 {
        ms = ms * 10
            + fraction
                .as_bytes()
                .get(k)
                .map_or(0, |d| i64::from(d - b'0'));
    }
    let total = seconds * 1000 + ms;
    Some(if negative { -total } else { total })
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        let cases: &[(&str, Option<i64>)] = &[
            ("1970-01-01", Some(0)),
            ("1970-01-01T00:00:00Z", Some(0)),
            ("2026-01-01T00:00:00Z", Some(1_767_225_600_000)),
            ("2026-01-01", Some(1_767_225_600_000)),
            ("2026-01-01T02:00:00+02:00", Some(1_767_225_600_000)),
            ("2025-12-31T19:00:00-05:00", Some(1_767_225_600_000)),
            ("2025-12-31T19:00:00-0500", Some(1_767_225_600_000)),
            ("2025-12-31T19:00:00-05", Some(1_767_225_600_000)),
            ("2026-01-01T00:00Z", Some(1_767_225_600_000)),
            ("2026-01-01t00:00:00z", Some(1_767_225_600_000)),
            ("2026-01-01 00:00:00", Some(1_767_225_600_000)),
            ("2026-01-01T00:00:00.250Z", Some(1_767_225_600_250)),
            ("2026-01-01T00:00:00.5Z", Some(1_767_225_600_500)),
            ("2026-01-01T00:00:00.123456Z", Some(1_767_225_600_123)),
            ("1767225600", Some(1_767_225_600_000)),
            ("1767225600.25", Some(1_767_225_600_250)),
            ("-86400", Some(-86_400_000)),
            // Bare digits are always seconds since 1970, never a year.
            ("2026", Some(2_026_000)),
            ("2000-02-29", Some(951_782_400_000)),
            ("1969-12-31T23:59:59Z", Some(-1000)),
            ("2024-02-29T12:00:00Z", Some(1_709_208_000_000)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_date(text), *want, "{text}");
        }
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "-",
            ".",
            "1.2.3",
            "2026-1-1",
            "2026-13-01",
            "2026-00-10",
            "2026-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-01-01T",
            "2026-01-01T24:00:00Z",
            "2026-01-01T10:60Z",
            "2026-01-01T10:00:00.Z",
            "2026-01-01T10:00:00+25:00",
            "2026-01-01T10:00:00+1",
            "2026-01-01T10:00:00Q",
            "2026-01-01X10:00:00Z",
            "yesterday",
            "9999999999999999999",
            "２０２６-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn formatted_dates_read_back() {
        for millis in [
            0,
            -1,
            1,
            951_782_400_000,
            1_767_225_600_250,
            -62_167_219_200_000,
            253_402_300_799_999,
            253_402_300_800_000,
            -62_167_219_200_001,
        ] {
            assert_eq!(parse_date(&format_date(millis)), Some(millis), "{millis}");
        }
        let mut days = -800_000;
        while days < 3_000_000 {
            let m = days * 86_400_000 + 12_345;
            assert_eq!(parse_date(&format_date(m)), Some(m), "{m}");
            days += 997;
        }
    }

    #[test]
    fn day_arithmetic_matches_a_day_by_day_walk() {
        let mut days = 0;
        for year in 1970..2100 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(days_from_civil(year, month, day), days);
                    days += 1;
                }
            }
        }
    }
}

//! Dates as IAM compares them: the one reading shared with the analysis engine, so that the
//! evaluator and the engine's witnesses agree on every instant.

pub use policy_analysis::parse_date;

/// Writes an instant (milliseconds since 1970) the way AWS writes `aws:CurrentTime`:
/// `2026-01-01T00:00:00Z`, with milliseconds only when there are some.
pub(crate) fn format_date(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let in_day = millis.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s, ms) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    );
    if ms == 0 {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
    } else {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
    }
}

/// The proleptic Gregorian date of a day since 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_reads_back() {
        assert_eq!(format_date(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_date(1_767_225_600_250), "2026-01-01T00:00:00.250Z");
        assert_eq!(format_date(-1000), "1969-12-31T23:59:59Z");
        assert_eq!(format_date(951_782_400_000), "2000-02-29T00:00:00Z");
        for millis in (-5_000_000_000_000_i64..5_000_000_000_000).step_by(7_777_777_777) {
            assert_eq!(parse_date(&format_date(millis)), Some(millis), "{millis}");
        }
    }

    #[test]
    fn reads_what_requests_carry() {
        assert_eq!(parse_date("2026-01-01T00:00:00Z"), Some(1_767_225_600_000));
        assert_eq!(parse_date("1767225600"), Some(1_767_225_600_000));
        assert_eq!(parse_date("2026-02-30"), None);
    }
}

//! Dates as IAM compares them: the one reading shared with the analysis engine, so that the
//! evaluator and the engine's witnesses agree on every instant.

pub use policy_analysis::parse_date;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_requests_carry() {
        assert_eq!(parse_date("2026-01-01T00:00:00Z"), Some(1_767_225_600_000));
        assert_eq!(parse_date("1767225600"), Some(1_767_225_600_000));
        assert_eq!(parse_date("2026-02-30"), None);
    }
}

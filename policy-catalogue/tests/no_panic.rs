//! Every parser and check accepts arbitrary text without panicking.

use policy_catalogue::*;

/// Deterministic pseudo-random strings over an alphabet rich in the characters
/// the parsers treat specially.
fn inputs() -> impl Iterator<Item = String> {
    const ALPHABET: &[char] = &[
        'a',
        'Z',
        '0',
        '9',
        ':',
        '/',
        '*',
        '?',
        '-',
        '_',
        '.',
        '"',
        ' ',
        '\n',
        '\0',
        'é',
        '日',
        '\u{1F600}',
        'e',
        'c',
        'r',
        'I',
        'f',
        'E',
        'x',
        's',
        'o',
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // xorshift64: enough variety for a smoke test, no dependency needed.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..4_000).map(move |_| {
        let len = (next() % 24) as usize;
        (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
            .collect()
    })
}

#[test]
fn parsers_and_checks_never_panic() {
    let prefixes = [
        "",
        "ecr:",
        "ecr-public:",
        "ForAnyValue:",
        "aws:PrincipalTag/",
        "o-",
    ];
    for (i, body) in inputs().enumerate() {
        let text = format!("{}{body}", prefixes[i % prefixes.len()]);
        let _ = text.parse::<Action>().map_err(|e| e.to_string());
        let _ = text.parse::<PublicAction>().map_err(|e| e.to_string());
        let _ = text.parse::<Bundle>().map_err(|e| e.to_string());
        let _ = text.parse::<ConditionOperator>().map_err(|e| e.to_string());
        if let Ok(p) = ActionPattern::new(&text) {
            let _ = (
                p.matching_actions(),
                p.matching_public_actions(),
                p.service(),
            );
        }
        let _ = wildcard_match(&text, &body, true);
        let _ = wildcard_match(&body, &text, false);
        let _ = closest(&text, ["push", "pull", "", &body]);
        let _ = known_key(&text);
        for check in [
            check_account_id,
            check_user_name,
            check_role_name,
            check_iam_path,
            check_session_name,
            check_service_principal,
            check_sid,
            check_policy_id,
            check_repository_name,
            check_organization_id,
            check_partition,
            check_region,
            check_ip_or_cidr,
            check_version,
            check_condition_key,
        ] {
            let _ = check(&text).map_err(|e| e.to_string());
        }
        let _ = is_iam_strict_sid(&text);
    }
}

#[test]
fn parsed_condition_operators_round_trip() {
    for body in inputs() {
        if let Ok(op) = body.parse::<ConditionOperator>() {
            assert_eq!(op.to_string(), body);
        }
    }
}

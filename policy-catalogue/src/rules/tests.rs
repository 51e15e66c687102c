//! Boundary tests for every naming rule.

use super::*;

type Check = fn(&str) -> Result<(), RuleViolation>;

#[track_caller]
fn ok(check: Check, values: &[&str]) {
    for v in values {
        if let Err(e) = check(v) {
            panic!("{v:?} should pass: {e}");
        }
    }
}

#[track_caller]
fn bad(check: Check, values: &[&str]) {
    for v in values {
        match check(v) {
            Ok(()) => panic!("{v:?} should fail"),
            Err(e) => {
                assert_eq!(e.value, *v);
                assert!(!e.to_string().is_empty());
            }
        }
    }
}

fn s(c: char, n: usize) -> String {
    std::iter::repeat_n(c, n).collect()
}

/// Inputs every check must survive without panicking.
fn hostile() -> Vec<String> {
    vec![
        String::new(),
        " ".into(),
        "\0".into(),
        "é".into(),
        "日本語".into(),
        "a\u{301}".into(),
        "\u{1F600}".into(),
        "/".into(),
        ":".into(),
        "-".into(),
        "o-".into(),
        "\"".into(),
        s('a', 100_000),
        s('é', 50_000),
        s('/', 1000),
        s('1', 12) + "\u{0}",
    ]
}

const ALL_CHECKS: [Check; 15] = [
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
];

#[test]
fn no_check_panics_on_hostile_input() {
    for v in hostile() {
        for check in ALL_CHECKS {
            let _ = check(&v).map_err(|e| e.to_string());
        }
        let _ = is_iam_strict_sid(&v);
    }
}

#[test]
fn message_form() {
    let e = check_account_id("12345").unwrap_err();
    assert_eq!(e.what, "account id");
    assert_eq!(e.rule, "exactly 12 digits");
    assert_eq!(e.detail, "has 5 characters");
    assert_eq!(e.value, "12345");
    assert_eq!(
        e.to_string(),
        r#"invalid account id "12345": must be exactly 12 digits (has 5 characters)"#
    );
    let e = check_account_id("12345678901x").unwrap_err();
    assert_eq!(e.detail, "contains 'x' at character 12");
    let e = check_account_id("").unwrap_err();
    assert_eq!(e.detail, "is empty");
    let e = check_account_id("1").unwrap_err();
    assert_eq!(e.detail, "has 1 character");
    // Quotes and control characters are escaped; long values are shortened.
    let e = check_sid("a\"b\n").unwrap_err();
    assert!(
        e.to_string().starts_with(r#"invalid Sid "a\"b\n": "#),
        "{e}"
    );
    let e = check_account_id(&s('9', 10_000)).unwrap_err();
    assert_eq!(e.detail, "has more than 12 characters");
    assert!(e.to_string().len() < 200);
    assert_eq!(e.value.len(), 10_000);
}

#[test]
fn account_id() {
    ok(check_account_id, &["123456789012", "000000000000"]);
    bad(
        check_account_id,
        &[
            "",
            "12345678901",
            "1234567890123",
            "12345678901a",
            " 23456789012",
            "12345678901 ",
            "-12345678901",
            "١٢٣٤٥٦٧٨٩٠١٢", // non-ASCII digits
            "１２３４５６７８９０１２",
        ],
    );
}

#[test]
fn user_and_role_names() {
    for check in [check_user_name, check_role_name] {
        ok(
            check,
            &[
                "a",
                "A",
                "0",
                "+=,.@_-",
                "ecr_access_teama_role",
                &s('a', 64),
            ],
        );
        bad(
            check,
            &[
                "",
                &s('a', 65),
                "a b",
                "a/b",
                "a:b",
                "a*",
                "é",
                "a\u{0}",
                "a\tb",
                "a!b",
                "a#b",
            ],
        );
    }
    assert_eq!(check_role_name("").unwrap_err().what, "IAM role name");
    assert_eq!(check_user_name("").unwrap_err().what, "IAM user name");
    assert_eq!(
        check_user_name(&s('a', 65)).unwrap_err().detail,
        "has 65 characters"
    );
}

#[test]
fn iam_path() {
    let max = format!("/{}/", s('a', 510));
    ok(
        check_iam_path,
        &[
            "/",
            "/a/",
            "/division_abc/subdivision_xyz/",
            "/!~/",
            "///",
            &max,
        ],
    );
    let over = format!("/{}/", s('a', 511));
    bad(
        check_iam_path,
        &[
            "",
            "//",
            "a",
            "a/",
            "/a",
            "/a b/",
            "/é/",
            "/a\u{7f}/",
            "/a\tb/",
            &over,
        ],
    );
    assert_eq!(
        check_iam_path("/a").unwrap_err().detail,
        "does not end with \"/\""
    );
}

#[test]
fn session_name() {
    ok(
        check_session_name,
        &["ab", "a_", "me@example.com", "x+=,.@-_", &s('z', 64)],
    );
    bad(
        check_session_name,
        &["", "a", &s('z', 65), "a b", "a/b", "a:b", "é1", "ab\u{0}"],
    );
    assert_eq!(
        check_session_name("a").unwrap_err().detail,
        "has 1 character"
    );
}

#[test]
fn service_principal() {
    let long = format!("{}.amazonaws.com", s('a', 114));
    assert_eq!(long.len(), 128);
    ok(
        check_service_principal,
        &[
            "lambda.amazonaws.com",
            "codebuild.amazonaws.com",
            "ecs-tasks.amazonaws.com",
            "pullthroughcache.ecr.amazonaws.com",
            "ec2.amazonaws.com.cn",
            "alexa-appkit.amazon.com",
            &long,
        ],
    );
    let over = format!("{}.amazonaws.com", s('a', 115));
    bad(
        check_service_principal,
        &[
            "",
            "amazonaws.com",
            ".amazonaws.com",
            "lambda..amazonaws.com",
            "Lambda.amazonaws.com",
            "lambda.amazonaws.com.",
            "lambda.amazonaws.org",
            "lambda.example.com",
            "lambda_x.amazonaws.com",
            "lambda amazonaws.com",
            "lämbda.amazonaws.com",
            "arn:aws:iam::123456789012:root",
            &over,
        ],
    );
}

#[test]
fn sid() {
    ok(
        check_sid,
        &[
            "a",
            "AllowPull",
            "new statement",
            "ECR Repository Policy",
            "!~' \\",
            &s('x', 128),
        ],
    );
    bad(
        check_sid,
        &[
            "",
            "a\"b",
            "a\nb",
            "a\tb",
            "\u{7f}",
            "é",
            "日本",
            &s('x', 129),
        ],
    );
    assert!(is_iam_strict_sid("AllowPull1"));
    for v in ["", "new statement", "a-b", "a_b", "é"] {
        assert!(!is_iam_strict_sid(v), "{v:?}");
    }
}

#[test]
fn policy_id() {
    ok(
        check_policy_id,
        &["a", "my policy", "\"quoted\"", &s('x', 128)],
    );
    bad(check_policy_id, &["", "a\nb", "\u{0}", "é", &s('x', 129)]);
}

#[test]
fn repository_name() {
    let max = s('a', 256);
    let parts = format!("{}/{}", s('a', 127), s('b', 128));
    ok(
        check_repository_name,
        &[
            "ab",
            "a1",
            "my-app",
            "my--app",
            "my---app",
            "my.app",
            "my_app",
            "my__app",
            "team/my-app",
            "a/b/c/d",
            "project-a/nginx-web-app",
            &max,
            &parts,
        ],
    );
    bad(
        check_repository_name,
        &[
            "",
            "a",
            &s('a', 257),
            "MyApp",
            "my app",
            "my..app",
            "my___app",
            "my._app",
            "my-.app",
            "my_-app",
            "-app",
            "app-",
            ".app",
            "_app",
            "/app",
            "app/",
            "a//b",
            "a/-b",
            "my:app",
            "my@app",
            "äpp",
            "ap\u{0}p",
        ],
    );
    assert_eq!(
        check_repository_name("a").unwrap_err().detail,
        "has 1 character"
    );
    assert!(check_repository_name("my._app")
        .unwrap_err()
        .detail
        .contains("\"._\""));
}

#[test]
fn organization_id() {
    ok(
        check_organization_id,
        &["o-a1b2c3d4e5", &format!("o-{}", s('z', 32))],
    );
    bad(
        check_organization_id,
        &[
            "",
            "o-",
            "o-123456789",
            &format!("o-{}", s('z', 33)),
            "O-a1b2c3d4e5",
            "o_a1b2c3d4e5",
            "o-A1B2C3D4E5",
            "o-a1b2c3d4e-",
            "o-a1b2c3d4é5",
            "r-a1b2c3d4e5",
        ],
    );
}

#[test]
fn partition() {
    ok(check_partition, &PARTITIONS);
    bad(
        check_partition,
        &["", "AWS", "aws-us", "aws ", "azure", "aws-iso-c"],
    );
}

#[test]
fn region() {
    ok(
        check_region,
        &[
            "us-east-1",
            "us-gov-west-1",
            "cn-north-1",
            "eu-central-2",
            "ap-southeast-12",
            "us-isob-east-1",
        ],
    );
    bad(
        check_region,
        &[
            "",
            "us-east",
            "us-1",
            "useast-1",
            "u-east-1",
            "US-EAST-1",
            "us-east-",
            "us--east-1",
            "us-east-1a",
            "us-east-1-",
            "us-east-é",
            "us-éast-1",
            "us-east-١",
        ],
    );
}

#[test]
fn ip_or_cidr() {
    ok(
        check_ip_or_cidr,
        &[
            "10.0.0.1",
            "10.0.0.0/8",
            "0.0.0.0/0",
            "203.0.113.0/32",
            "10.0.0.1/8",
            "::1",
            "2001:db8::/32",
            "2001:db8::/128",
            "::/0",
        ],
    );
    bad(
        check_ip_or_cidr,
        &[
            "",
            "10.0.0",
            "10.0.0.256",
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0.0/-1",
            "10.0.0.0/8/8",
            "2001:db8::/129",
            "2001:db8::/0128",
            " 10.0.0.1",
            "10.0.0.1 ",
            "example.com",
            "１０.0.0.1",
        ],
    );
}

#[test]
fn version() {
    ok(check_version, &["2012-10-17", "2008-10-17"]);
    bad(
        check_version,
        &["", "2012-10-18", "2012-10-17 ", "2012/10/17", "latest"],
    );
}

#[test]
fn condition_key() {
    let max = format!("aws:{}", s('k', 252));
    ok(
        check_condition_key,
        &[
            "aws:SourceAccount",
            "AWS:sourceaccount",
            "ecr-public:ResourceTag/team",
            "aws:PrincipalTag/a:b",
            "a:b",
            "aws:RequestTag/é",
            &max,
        ],
    );
    let over = format!("aws:{}", s('k', 253));
    bad(
        check_condition_key,
        &[
            "",
            "SourceAccount",
            ":SourceAccount",
            "aws:",
            "aws :x",
            "aws: x",
            "aws:Source Account",
            "aws:x\n",
            "aws:x\u{a0}",
            "a_b:x",
            "é:x",
            &over,
        ],
    );
}

#[test]
fn name_characters_are_the_documented_set() {
    for c in (0..0x300u32).filter_map(char::from_u32) {
        let documented = c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
        assert_eq!(super::is_name_char(c), documented, "{c:?}");
    }
}

/// The plain forms of addresses are read as `IpAddr::from_str` reads them, and every other
/// text is left to it: fixed texts and random ones over the characters of addresses.
#[test]
fn addresses_are_read_as_the_standard_library_reads_them() {
    let fixed = [
        "10.0.0.0",
        "0.0.0.0",
        "255.255.255.255",
        "256.0.0.1",
        "01.2.3.4",
        "1.2.3",
        "1.2.3.4.5",
        "1..2.3",
        "1.2.3.4 ",
        " 1.2.3.4",
        "+1.2.3.4",
        "1.2.3.04",
        "::",
        "::1",
        "1::",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        ":::",
        "1:::2",
        "2001:db8::",
        "2001:DB8:0:0:0:0:0:1",
        "12345::",
        "::ffff:1.2.3.4",
        "::1.2.3.4",
        "1:2:3:4:5:6:1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4",
        "g::",
        "",
        ":",
        "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7",
        "::1:2:3:4:5:6:7:8",
        "0000:0000::ffff",
        "fe80::1%eth0",
    ];
    let mut next = crate::test_random::xorshift(0x9e37_79b9_7f4a_7c15);
    let octets = ["0", "1", "9", "25", "255", "256", "01", "00", "1234", ""];
    let hex = ["0", "1", "a", "F", "ff", "ffff", "0ab1", "12345", "g", ""];
    let random: Vec<String> = (0..20_000)
        .map(|_| {
            let mut text = if next(2) == 0 {
                let n = 3 + next(3);
                (0..n)
                    .map(|_| octets[next(octets.len() as u64) as usize])
                    .collect::<Vec<_>>()
                    .join(".")
            } else {
                let n = next(10);
                let mut groups: Vec<&str> = (0..n)
                    .map(|_| hex[next(hex.len() as u64) as usize])
                    .collect();
                if next(3) != 0 {
                    let at = next(n + 1) as usize;
                    groups.insert(at.min(groups.len()), "");
                    if at == 0 || at >= groups.len() - 1 {
                        groups.insert(at.min(groups.len()), "");
                    }
                }
                let mut t = groups.join(":");
                if next(6) == 0 {
                    t.push_str(":1.2.3.4");
                }
                t
            };
            if next(20) == 0 {
                let at = next(text.len() as u64 + 1) as usize;
                text.insert(at, [' ', '%', ':', '.'][next(4) as usize]);
            }
            text
        })
        .collect();
    let (mut plain, mut read) = (0, 0);
    for text in fixed
        .iter()
        .copied()
        .chain(random.iter().map(String::as_str))
    {
        let standard = text.parse::<IpAddr>().ok();
        assert_eq!(parse_ip(text), standard, "{text:?}");
        plain += usize::from(plain_ip(text.as_bytes()).is_some());
        read += usize::from(standard.is_some());
    }
    assert!(plain > 1000 && read > plain, "{plain} {read}");
}

/// Random texts near blocks: addresses of both families (plain, with an IPv4 tail, with
/// white space or stray characters), prefixes of every length and some that are no prefix.
fn near_blocks(seed: u64, n: usize) -> Vec<String> {
    let mut next = crate::test_random::xorshift(seed);
    let octets = [
        "0", "1", "9", "10", "25", "99", "100", "255", "256", "01", "1234", "",
    ];
    let hex = [
        "0", "1", "a", "F", "db8", "ffff", "0ab1", "2001", "12345", "g", "",
    ];
    let prefixes = [
        "", "/", "/0", "/8", "/16", "/24", "/32", "/33", "/48", "/64", "/128", "/129", "/008",
        "/0008", "/+8", "/a", "/8/8", "/ 8",
    ];
    (0..n)
        .map(|_| {
            let mut text = if next(2) == 0 {
                let n = 3 + next(3);
                (0..n)
                    .map(|_| octets[next(octets.len() as u64) as usize])
                    .collect::<Vec<_>>()
                    .join(".")
            } else {
                let n = next(10);
                let mut groups: Vec<&str> = (0..n)
                    .map(|_| hex[next(hex.len() as u64) as usize])
                    .collect();
                if next(3) != 0 {
                    let at = next(n + 1) as usize;
                    groups.insert(at.min(groups.len()), "");
                    if at == 0 || at >= groups.len() - 1 {
                        groups.insert(at.min(groups.len()), "");
                    }
                }
                let mut t = groups.join(":");
                if next(6) == 0 {
                    t.push_str(":1.2.3.4");
                }
                t
            };
            text.push_str(prefixes[next(prefixes.len() as u64) as usize]);
            if next(20) == 0 {
                let at = next(text.len() as u64 + 1) as usize;
                text.insert(at, [' ', '%', ':', '.', '/'][next(5) as usize]);
            }
            text
        })
        .collect()
}

/// The one-pass reading of a plain block is the reading of its address by [`parse_ip`] and
/// of its prefix by `u8::from_str`, wherever it answers; it answers for every plain form; and
/// [`check_ip_or_cidr`] with it answers as the reading without it, message and all: fixed
/// texts and 40,000 random near-blocks of both families.
#[test]
fn plain_blocks_read_as_addresses_and_prefixes() {
    let fixed = [
        "10.0.0.0/8",
        "0.0.0.0/0",
        "255.255.255.255/32",
        "10.0.0.0/33",
        "10.0.0.0/",
        "10.0.0.0/008",
        "10.0.0.0/0008",
        "::/0",
        "::/128",
        "::/129",
        "::1",
        "1::",
        "1:2:3:4:5:6:7:8/64",
        "1:2:3:4:5:6:7::/64",
        "::2:3:4:5:6:7:8",
        "2001:db8::/32",
        "2001:DB8:0:0:0:0:0:1",
        "::ffff:1.2.3.4/96",
        "fe80::1%eth0",
        "",
        "/",
        "/8",
        " 10.0.0.1",
    ];
    let random = near_blocks(0x5eed_b10c_0000_0001, 40_000);
    let mut plain = 0;
    for text in fixed
        .iter()
        .copied()
        .chain(random.iter().map(String::as_str))
    {
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let read = parse_ip(address).and_then(|ip| {
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = match prefix {
                None => max,
                Some(p)
                    if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    p.parse::<u8>().ok().filter(|b| *b <= max)?
                }
                Some(_) => return None,
            };
            let value = match ip {
                IpAddr::V4(a) => u128::from(u32::from(a)),
                IpAddr::V6(a) => u128::from(a),
            };
            Some((value, ip.is_ipv6(), bits))
        });
        let fast = plain_block(text);
        if fast.is_some() {
            plain += 1;
            assert_eq!(fast, read, "{text:?}");
        } else if plain_ip(address.as_bytes()).is_some() {
            // A plain address: only its prefix keeps it from the one pass.
            assert_eq!(read, None, "{text:?}");
        }
        assert_eq!(
            check_ip_or_cidr(text).map_err(|e| e.to_string()),
            check_ip_or_cidr_read(text).map_err(|e| e.to_string()),
            "{text:?}"
        );
    }
    assert!(plain > 2_000, "{plain}");
}

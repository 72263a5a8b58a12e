//! Matcher oracles: the engine's wildcard matcher against an equivalent
//! regex-lite pattern, and its CIDR, date and number parsing against
//! straightforward implementations, on random inputs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use std::cmp::Ordering;

use portcullis_core::glob::{escape_into, Glob};
use portcullis_core::value::{Cidr, Decimal, Instant, IpAddr};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------- wildcards

/// The regex for a wildcard pattern: `*` is `.*`, `?` is `.`, the rest literal;
/// pieces flagged literal stay literal even when they are `*` or `?`.
fn regex_for(pieces: &[(char, bool)], fold: bool) -> regex_lite::Regex {
    let mut re = String::from(if fold { "(?is)^" } else { "(?s)^" });
    for &(c, literal) in pieces {
        match (c, literal) {
            ('*', false) => re.push_str(".*"),
            ('?', false) => re.push('.'),
            _ => re.push_str(&regex_lite::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex_lite::Regex::new(&re).unwrap()
}

fn text(alphabet: &'static [char], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(alphabet), 0..=max).prop_map(|v| v.into_iter().collect())
}

const PATTERN_CHARS: &[char] = &['a', 'b', 'A', '*', '*', '?', '/', ':', '-', 'é', '\\', '.'];
const INPUT_CHARS: &[char] = &['a', 'b', 'B', 'A', '/', ':', '-', 'é', 'É', '*', '?', '\\', '.'];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn glob_agrees_with_regex(pattern in text(PATTERN_CHARS, 12), input in text(INPUT_CHARS, 16), fold: bool) {
        let pieces: Vec<(char, bool)> = pattern.chars().map(|c| (c, false)).collect();
        // regex-lite folds ASCII letters only, as the engine documents for
        // actions and IgnoreCase-free globs.
        let want = regex_for(&pieces, fold).is_match(&input);
        let got = Glob::new(&pattern, fold).matches(&input);
        prop_assert_eq!(got, want, "pattern {:?} input {:?} fold {}", pattern, input, fold);
    }

    #[test]
    fn glob_matches_its_own_instances(pattern in text(PATTERN_CHARS, 10), fill in text(INPUT_CHARS, 4), fold: bool) {
        // Replacing each `*` with `fill` and each `?` with one character
        // gives an input the pattern must match.
        let input: String = pattern
            .chars()
            .map(|c| match c {
                '*' => fill.clone(),
                '?' => String::from("é"),
                c => c.to_string(),
            })
            .collect();
        prop_assert!(Glob::new(&pattern, fold).matches(&input), "pattern {:?} input {:?}", pattern, input);
    }

    #[test]
    fn escaped_glob_agrees_with_regex(
        parts in prop::collection::vec((text(PATTERN_CHARS, 4), any::<bool>()), 0..5),
        input in text(INPUT_CHARS, 16),
        fold: bool,
    ) {
        // Literal parts (substituted variables, `${*}`) are escaped; the rest keep their wildcards.
        let mut escaped = String::new();
        let mut pieces = Vec::new();
        for (part, literal) in &parts {
            if *literal {
                escape_into(&mut escaped, part);
                pieces.extend(part.chars().map(|c| (c, true)));
            } else {
                let clean: String = part.chars().filter(|&c| c != '\\').collect();
                escaped.push_str(&clean);
                pieces.extend(clean.chars().map(|c| (c, false)));
            }
        }
        let want = regex_for(&pieces, fold).is_match(&input);
        let got = Glob::from_escaped(&escaped, fold).matches(&input);
        prop_assert_eq!(got, want, "escaped {:?} input {:?} fold {}", escaped, input, fold);
    }
}

// ---------------------------------------------------------------- IP ranges

fn v4_text(bits: u32) -> String {
    std::net::Ipv4Addr::from(bits).to_string()
}

fn in_range(net: u128, prefix: u32, width: u32, ip: u128) -> bool {
    let shift = width - prefix;
    shift >= width || (net >> shift) == (ip >> shift)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn cidr_v4_agrees(net: u32, prefix in 0u32..=32, ip: u32, near: bool, bare: bool) {
        // `near`: an address inside the network more often than chance.
        let ip = if near { (net & !(u32::MAX.checked_shr(prefix).unwrap_or(0))) | (ip & u32::MAX.checked_shr(prefix).unwrap_or(0)) } else { ip };
        let text = if bare { v4_text(net) } else { format!("{}/{prefix}", v4_text(net)) };
        let prefix = if bare { 32 } else { prefix };
        let cidr = Cidr::parse(&text).unwrap();
        let addr = IpAddr::parse(&v4_text(ip)).unwrap();
        prop_assert_eq!(addr, IpAddr { v6: false, bits: u128::from(ip) });
        prop_assert_eq!(cidr.contains(addr), in_range(u128::from(net), prefix, 32, u128::from(ip)), "{} {}", text, v4_text(ip));
        // An IPv6 request never falls in an IPv4 range.
        let v6 = IpAddr { v6: true, bits: u128::from(ip) };
        prop_assert!(!cidr.contains(v6), "{} holds an IPv6 address", text);
    }

    #[test]
    fn cidr_v6_agrees(net: u128, prefix in 0u32..=128, ip: u128, near: bool) {
        let low = u128::MAX.checked_shr(prefix).unwrap_or(0);
        let ip = if near { (net & !low) | (ip & low) } else { ip };
        let text = format!("{}/{prefix}", std::net::Ipv6Addr::from(net));
        let cidr = Cidr::parse(&text).unwrap();
        let addr = IpAddr::parse(&std::net::Ipv6Addr::from(ip).to_string()).unwrap();
        prop_assert_eq!(addr, IpAddr { v6: true, bits: ip });
        prop_assert_eq!(cidr.contains(addr), in_range(net, prefix, 128, ip), "{} {}", text, std::net::Ipv6Addr::from(ip));
    }

    #[test]
    fn ip_parsing_agrees_with_std(text in text(&['0', '1', '2', '5', '9', 'a', 'f', '.', ':', ':'], 18)) {
        // std's parser is the oracle for which texts are addresses; the
        // engine may refuse more (it never accepts what std refuses).
        let ours = IpAddr::parse(&text);
        let std = text.parse::<std::net::IpAddr>().ok();
        match (ours, std) {
            (Some(ours), Some(std::net::IpAddr::V4(a))) => prop_assert_eq!(ours, IpAddr { v6: false, bits: u128::from(u32::from(a)) }),
            (Some(ours), Some(std::net::IpAddr::V6(a))) => prop_assert_eq!(ours, IpAddr { v6: true, bits: u128::from(a) }),
            (Some(ours), None) => prop_assert!(false, "{:?} parsed as {:?}, std refuses it", text, ours),
            (None, Some(std)) => prop_assert!(false, "{:?} refused, std reads {}", text, std),
            (None, None) => {}
        }
    }
}

#[test]
fn ip_edge_cases() {
    for bad in [
        "",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "1.2.3.4/33",
        "1.2.3.4/",
        "/8",
        "::1/129",
        "1.2.3.4/-1",
        "1.2.3.4/08a",
        "a.b.c.d",
        "1:2:3:4:5:6:7:8:9",
        ":::",
    ] {
        assert!(Cidr::parse(bad).is_none(), "{bad:?} parsed as a range");
    }
    // Host bits are masked; a bare address is a /32 or /128 range.
    assert!(Cidr::parse("203.0.113.9/24").unwrap().contains(IpAddr::parse("203.0.113.77").unwrap()));
    assert!(!Cidr::parse("203.0.113.7").unwrap().contains(IpAddr::parse("203.0.113.8").unwrap()));
    assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(IpAddr::parse("255.255.255.255").unwrap()));
    assert!(Cidr::parse("::/0").unwrap().contains(IpAddr::parse("ffff::1").unwrap()));
    // An IPv4-mapped IPv6 address is not an IPv4 address (iam-semantics X15).
    assert!(!Cidr::parse("203.0.113.0/24").unwrap().contains(IpAddr::parse("::ffff:203.0.113.5").unwrap()));
}

// ---------------------------------------------------------------- dates

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_days(y: i64, m: i64) -> i64 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Seconds since 1970 by counting whole years and months: slow and obvious.
fn epoch_seconds(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> i64 {
    let mut days = 0;
    if y >= 1970 {
        days += (1970..y).map(|yy| if leap(yy) { 366 } else { 365 }).sum::<i64>();
    } else {
        days -= (y..1970).map(|yy| if leap(yy) { 366 } else { 365 }).sum::<i64>();
    }
    days += (1..mo).map(|mm| month_days(y, mm)).sum::<i64>();
    days += d - 1;
    days * 86_400 + h * 3600 + mi * 60 + s
}

fn date_parts() -> impl Strategy<Value = (i64, i64, i64, i64, i64, i64)> {
    (1900i64..2200, 1i64..=12)
        .prop_flat_map(|(y, m)| (Just(y), Just(m), 1..=month_days(y, m), 0i64..24, 0i64..60, 0i64..60))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn iso_dates_agree((y, mo, d, h, mi, s) in date_parts(), offset in -14i64 * 60..=14 * 60, zulu: bool, frac in prop::option::of("[0-9]{1,9}")) {
        let offset = if zulu { 0 } else { offset - offset % 15 };
        let zone = if zulu {
            String::from("Z")
        } else {
            format!("{}{:02}:{:02}", if offset < 0 { '-' } else { '+' }, offset.abs() / 60, offset.abs() % 60)
        };
        let frac_text = frac.as_ref().map(|f| format!(".{f}")).unwrap_or_default();
        let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac_text}{zone}");
        let want = epoch_seconds(y, mo, d, h, mi, s) - offset * 60;
        let got = Instant::parse(&text);
        prop_assert!(got.is_some(), "{} did not parse", text);
        prop_assert_eq!(got.unwrap().unix_seconds(), want, "{}", text);
        // Date only: midnight UTC.
        let day = format!("{y:04}-{mo:02}-{d:02}");
        prop_assert_eq!(Instant::parse(&day).map(Instant::unix_seconds), Some(epoch_seconds(y, mo, d, 0, 0, 0)), "{}", day);
    }

    #[test]
    fn epoch_seconds_agree(secs in -10_000_000_000i64..100_000_000_000) {
        let got = Instant::parse(&secs.to_string());
        prop_assert_eq!(got.map(Instant::unix_seconds), Some(secs));
        prop_assert_eq!(got, Some(Instant::from_unix_seconds(secs)));
        // The ISO form of the same instant is the same instant.
        let iso = got.unwrap().to_rfc3339();
        prop_assert_eq!(Instant::parse(&iso), got, "{}", iso);
    }

    #[test]
    fn impossible_days_are_refused((y, m) in (1900i64..2200, 1i64..=12), extra in 1i64..3) {
        let d = month_days(y, m) + extra;
        let text = format!("{y:04}-{m:02}-{d:02}T00:00:00Z");
        prop_assert_eq!(Instant::parse(&text), None, "{}", text);
    }
}

#[test]
fn date_edge_cases() {
    for bad in [
        "",
        "2026-13-01",
        "2026-00-10",
        "2026-01-00",
        "2026-02-29",
        "2026-01-01T24:00:01Z",
        "2026-01-01T10:60:00Z",
        "2026-01-01T10:00:00",
        "2026-01-01T10:00:00+2500",
        "2026-01-01 10:00:00Z",
        "2026-01-01T10:00:00.Z",
        "10abc",
        "1.2.3",
        "99999999999999999999999999999999999999",
        "2026-01-01T10:00:00Z and more text after the date",
    ] {
        assert_eq!(Instant::parse(bad), None, "{bad:?} parsed");
    }
    assert_eq!(Instant::parse("2024-02-29T00:00:00Z").map(Instant::unix_seconds), Some(1_709_164_800));
    assert_eq!(Instant::parse("1717243200"), Instant::parse("2024-06-01T12:00:00Z"));
    // All digits is epoch seconds, not a year.
    assert_eq!(Instant::parse("2026"), Some(Instant::from_unix_seconds(2026)));
}

// ---------------------------------------------------------------- numbers

/// `mantissa x 10^-scale` as text, in one of several spellings.
fn number_text(mantissa: i64, scale: u32, style: u8) -> String {
    let negative = mantissa < 0;
    let digits = mantissa.unsigned_abs().to_string();
    let digits = format!("{digits:0>width$}", width = scale as usize + 1);
    let (int, frac) = digits.split_at(digits.len() - scale as usize);
    let sign = if negative {
        "-"
    } else if style == 1 {
        "+"
    } else {
        ""
    };
    match (style, frac.is_empty()) {
        (2, true) => format!("{sign}{int}.0"),
        (3, _) => {
            let mantissa = format!("{}{frac}", int.trim_start_matches('0'));
            let mantissa = if mantissa.is_empty() { String::from("0") } else { mantissa };
            format!("{sign}{mantissa}e-{scale}")
        }
        (_, true) => format!("{sign}{int}"),
        (_, false) => format!("{sign}{int}.{frac}"),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn numbers_compare_as_numbers(a: i32, sa in 0u32..6, b: i32, sb in 0u32..6, style_a in 0u8..4, style_b in 0u8..4) {
        let (ta, tb) = (number_text(i64::from(a), sa, style_a), number_text(i64::from(b), sb, style_b));
        let (da, db) = (Decimal::parse(&ta), Decimal::parse(&tb));
        prop_assert!(da.is_some() && db.is_some(), "{} or {} did not parse", ta, tb);
        // Both scaled to 10^-6: exact in i128.
        let wa = i128::from(a) * 10i128.pow(6 - sa);
        let wb = i128::from(b) * 10i128.pow(6 - sb);
        prop_assert_eq!(da.unwrap().cmp(&db.unwrap()), wa.cmp(&wb), "{} vs {}", ta, tb);
    }
}

#[test]
fn number_edge_cases() {
    let n = |t: &str| Decimal::parse(t).unwrap_or_else(|| panic!("{t:?} did not parse"));
    assert_eq!(n("10").cmp(&n("10.0")), Ordering::Equal);
    assert_eq!(n("-0").cmp(&n("0")), Ordering::Equal);
    assert_eq!(n("1e3").cmp(&n("1000")), Ordering::Equal);
    assert_eq!(n("9").cmp(&n("10")), Ordering::Less);
    assert_eq!(n("-10").cmp(&n("-9")), Ordering::Less);
    assert_eq!(n("0.001").cmp(&n("1e-3")), Ordering::Equal);
    for bad in
        ["", "10abc", "0x10", "1.2.3", "--1", "+", "-", ".", "1e", "e5", "1e99999", "NaN", "inf", " 1", "1 ", "1,000"]
    {
        assert!(Decimal::parse(bad).is_none(), "{bad:?} parsed as a number");
    }
}

//! Typed condition values: numbers, dates, booleans, IP ranges and base64.
//!
//! Parsing is strict (`"10abc"` is not 10, a date needs a time zone) because a
//! lenient parse silently changes what a policy means. Both sides of a
//! comparison go through the same parser, so `"10"` equals `"10.0"` and an
//! epoch-seconds date equals the same instant written in ISO 8601.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cmp::Ordering;

/// Longest number text accepted.
const MAX_NUMBER_LEN: usize = 64;
/// Largest decimal exponent accepted (`1e400` is an error, not infinity).
const MAX_EXPONENT: i64 = 4_000;

/// An exact decimal: `(-1)^negative x 0.digits x 10^exponent`, normalised so
/// that `digits` has no leading or trailing zeros (zero has no digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    digits: Box<[u8]>,
    exponent: i64,
}

impl Decimal {
    pub fn parse(text: &str) -> Option<Decimal> {
        if text.is_empty() || text.len() > MAX_NUMBER_LEN {
            return None;
        }
        let bytes = text.as_bytes();
        let (negative, rest) = match bytes.first() {
            Some(b'-') => (true, bytes.get(1..)?),
            Some(b'+') => (false, bytes.get(1..)?),
            _ => (false, bytes),
        };
        let (mantissa, exp_part) = match rest.iter().position(|&b| b == b'e' || b == b'E') {
            Some(i) => (rest.get(..i)?, Some(rest.get(i + 1..)?)),
            None => (rest, None),
        };
        let (int_part, frac_part) = match mantissa.iter().position(|&b| b == b'.') {
            Some(i) => (mantissa.get(..i)?, mantissa.get(i + 1..)?),
            None => (mantissa, &[][..]),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        if !int_part.iter().chain(frac_part).all(u8::is_ascii_digit) {
            return None;
        }
        let mut exponent: i64 = match exp_part {
            None => 0,
            Some(e) => {
                let (sign, digits) = match e.first() {
                    Some(b'-') => (-1, e.get(1..)?),
                    Some(b'+') => (1, e.get(1..)?),
                    _ => (1, e),
                };
                if digits.is_empty() || digits.len() > 6 || !digits.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                sign * digits.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'))
            }
        };
        let mut all: Vec<u8> = int_part.iter().chain(frac_part).map(|d| d - b'0').collect();
        exponent += i64::try_from(int_part.len()).ok()?;
        let leading = all.iter().take_while(|&&d| d == 0).count();
        all.drain(..leading);
        exponent -= i64::try_from(leading).ok()?;
        while all.last() == Some(&0) {
            all.pop();
        }
        if all.is_empty() {
            return Some(Decimal { negative: false, digits: Box::new([]), exponent: 0 });
        }
        if exponent.abs() > MAX_EXPONENT {
            return None;
        }
        Some(Decimal { negative, digits: all.into_boxed_slice(), exponent })
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    fn cmp_magnitude(&self, other: &Decimal) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        self.exponent.cmp(&other.exponent).then_with(|| self.digits.cmp(&other.digits))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// An instant, as nanoseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub i128);

const NANOS_64: i64 = 1_000_000_000;
const NANOS: i128 = NANOS_64 as i128;

impl Instant {
    pub fn from_unix_seconds(seconds: i64) -> Instant {
        Instant::from_parts(seconds, 0)
    }

    /// `seconds` since the epoch plus `nanos`. In 64-bit arithmetic when it
    /// fits (any time within 292 years of 1970), because on Wasm a 128-bit
    /// multiplication is a call to a software routine.
    fn from_parts(seconds: i64, nanos: i64) -> Instant {
        // A range test, not `checked_mul`, whose overflow check is itself a
        // 128-bit multiplication on Wasm.
        const FITS: i64 = i64::MAX / NANOS_64 - 1;
        if (-FITS..=FITS).contains(&seconds) && (0..NANOS_64).contains(&nanos) {
            Instant(i128::from(seconds * NANOS_64 + nanos))
        } else {
            Instant(i128::from(seconds) * NANOS + i128::from(nanos))
        }
    }

    pub fn unix_seconds(self) -> i64 {
        // 64-bit division when it fits, as in `from_parts`.
        if let Ok(nanos) = i64::try_from(self.0) {
            return nanos.div_euclid(NANOS_64);
        }
        i64::try_from(self.0.div_euclid(NANOS)).unwrap_or(if self.0 < 0 { i64::MIN } else { i64::MAX })
    }

    /// Epoch seconds (`1717243200`, optionally with a fraction) or the W3C
    /// profile of ISO 8601: `YYYY-MM`, `YYYY-MM-DD` (midnight UTC), and
    /// `YYYY-MM-DDThh:mm[:ss[.fraction]]` with `Z` or `+hh:mm` / `-hh:mm`.
    pub fn parse(text: &str) -> Option<Instant> {
        if text.is_empty() || text.len() > 40 {
            return None;
        }
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return parse_epoch(text);
        }
        parse_utc_seconds(text.as_bytes()).or_else(|| parse_iso(text.as_bytes()))
    }

    /// RFC 3339 text in UTC, for notes.
    pub fn to_rfc3339(self) -> alloc::string::String {
        let secs = self.unix_seconds();
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        alloc::format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
    }
}

fn parse_epoch(text: &str) -> Option<Instant> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    if whole.is_empty() || whole.len() > 12 || frac.len() > 9 || frac.contains('.') {
        return None;
    }
    if digits.contains('.') && frac.is_empty() {
        return None;
    }
    // At most 12 digits: an i64.
    let secs: i64 = whole.parse().ok()?;
    let mut nanos: i64 = 0;
    for (i, d) in frac.bytes().enumerate() {
        let digit = i64::from(d.checked_sub(b'0').filter(|d| *d <= 9)?);
        nanos += digit * 10i64.pow(8 - u32::try_from(i).ok()?);
    }
    let total = Instant::from_parts(secs, nanos).0;
    Some(Instant(if negative { -total } else { total }))
}

fn digits_at(bytes: &[u8], at: usize, len: usize) -> Option<i64> {
    let slice = bytes.get(at..at + len)?;
    if !slice.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(slice.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
}

fn expect(bytes: &[u8], at: usize, want: u8) -> Option<()> {
    (bytes.get(at)?.eq_ignore_ascii_case(&want)).then_some(())
}

/// `YYYY-MM-DDThh:mm:ssZ`, the form nearly every request's time takes, read
/// in one pass (`parse_iso` reads any form, at about one and a half times the cost).
/// `None` for anything else, which `parse_iso` then reads or refuses.
fn parse_utc_seconds(bytes: &[u8]) -> Option<Instant> {
    let &[y0, y1, y2, y3, b'-', mo0, mo1, b'-', d0, d1, b'T' | b't', h0, h1, b':', mi0, mi1, b':', s0, s1, b'Z' | b'z'] =
        bytes
    else {
        return None;
    };
    let mut all_digits = true;
    let mut digit = |b: u8| {
        let d = b.wrapping_sub(b'0');
        all_digits &= d < 10;
        i64::from(d)
    };
    let year = digit(y0) * 1000 + digit(y1) * 100 + digit(y2) * 10 + digit(y3);
    let (month, day) = (digit(mo0) * 10 + digit(mo1), digit(d0) * 10 + digit(d1));
    let (hour, minute, second) = (digit(h0) * 10 + digit(h1), digit(mi0) * 10 + digit(mi1), digit(s0) * 10 + digit(s1));
    let valid = all_digits
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour <= 23
        && minute <= 59
        && second <= 60;
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    valid.then(|| Instant::from_unix_seconds(seconds))
}

fn parse_iso(bytes: &[u8]) -> Option<Instant> {
    let year = digits_at(bytes, 0, 4)?;
    expect(bytes, 4, b'-')?;
    let month = digits_at(bytes, 5, 2)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let (day, mut pos) = if bytes.len() == 7 {
        (1, 7)
    } else {
        expect(bytes, 7, b'-')?;
        (digits_at(bytes, 8, 2)?, 10)
    };
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if pos == bytes.len() {
        return Some(Instant::from_unix_seconds(days * 86_400));
    }
    if pos == 7 {
        return None;
    }
    expect(bytes, pos, b'T')?;
    let hour = digits_at(bytes, pos + 1, 2)?;
    expect(bytes, pos + 3, b':')?;
    let minute = digits_at(bytes, pos + 4, 2)?;
    pos += 6;
    let mut second = 0;
    let mut nanos: i64 = 0;
    if bytes.get(pos) == Some(&b':') {
        second = digits_at(bytes, pos + 1, 2)?;
        pos += 3;
        if bytes.get(pos) == Some(&b'.') {
            pos += 1;
            let start = pos;
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                if pos - start < 9 {
                    let d = i64::from(bytes.get(pos).copied().unwrap_or(b'0') - b'0');
                    nanos += d * 10i64.pow(8 - u32::try_from(pos - start).ok()?);
                }
                pos += 1;
            }
            if pos == start {
                return None;
            }
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset_minutes = match bytes.get(pos)? {
        b'Z' | b'z' if pos + 1 == bytes.len() => 0,
        sign @ (b'+' | b'-') => {
            let oh = digits_at(bytes, pos + 1, 2)?;
            expect(bytes, pos + 3, b':')?;
            let om = digits_at(bytes, pos + 4, 2)?;
            if pos + 6 != bytes.len() || oh > 23 || om > 59 {
                return None;
            }
            let total = oh * 60 + om;
            if *sign == b'+' {
                total
            } else {
                -total
            }
        }
        _ => return None,
    };
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(Instant::from_parts(seconds, nanos))
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

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian year, month and day of `days` since 1970-01-01
/// (H. Hinnant's algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// `true` / `false`, any case.
pub fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An IPv4 or IPv6 address range. Host bits are masked off when parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    v6: bool,
    network: u128,
    prefix: u8,
}

/// One IPv4 or IPv6 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpAddr {
    pub v6: bool,
    pub bits: u128,
}

impl IpAddr {
    pub fn parse(text: &str) -> Option<IpAddr> {
        if text.contains(':') {
            parse_v6(text).map(|bits| IpAddr { v6: true, bits })
        } else {
            parse_v4(text).map(|bits| IpAddr { v6: false, bits: u128::from(bits) })
        }
    }
}

impl Cidr {
    /// `a.b.c.d/n`, an IPv6 range, or a bare address (a /32 or /128 range).
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => {
                if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (addr, Some(prefix.parse::<u8>().ok()?))
            }
            None => (text, None),
        };
        let ip = IpAddr::parse(addr)?;
        let width = if ip.v6 { 128 } else { 32 };
        let prefix = prefix.unwrap_or(width);
        if prefix > width {
            return None;
        }
        Some(Cidr { v6: ip.v6, network: mask(ip.bits, prefix, width), prefix })
    }

    /// True when the text had host bits set after the mask (`203.0.113.9/24`).
    pub fn has_host_bits(text: &str) -> bool {
        let Some((addr, _)) = text.split_once('/') else { return false };
        match (IpAddr::parse(addr), Cidr::parse(text)) {
            (Some(ip), Some(cidr)) => ip.bits != cidr.network,
            _ => false,
        }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let width = if self.v6 { 128 } else { 32 };
        self.v6 == ip.v6 && mask(ip.bits, self.prefix, width) == self.network
    }
}

fn mask(bits: u128, prefix: u8, width: u8) -> u128 {
    if prefix == 0 {
        return 0;
    }
    let shift = u32::from(width - prefix);
    let full = if width == 128 { u128::MAX } else { (1u128 << width) - 1 };
    bits & (full >> shift << shift)
}

fn parse_v4(text: &str) -> Option<u32> {
    // A byte loop: request addresses are parsed on the evaluation path.
    let mut out: u32 = 0;
    let mut parts = 0;
    let mut value: u32 = 0;
    let mut digits = 0;
    let mut leading_zero = false;
    for &b in text.as_bytes().iter().chain(core::iter::once(&b'.')) {
        match b {
            b'0'..=b'9' => {
                if digits == 0 {
                    leading_zero = b == b'0';
                } else if leading_zero {
                    return None;
                }
                digits += 1;
                value = value * 10 + u32::from(b - b'0');
                if digits > 3 || value > 255 {
                    return None;
                }
            }
            b'.' => {
                if digits == 0 || parts == 4 {
                    return None;
                }
                out = (out << 8) | value;
                parts += 1;
                value = 0;
                digits = 0;
            }
            _ => return None,
        }
    }
    (parts == 4).then_some(out)
}

fn parse_v6(text: &str) -> Option<u128> {
    if text.len() > 45 {
        return None;
    }
    let (head, tail) = match text.find("::") {
        Some(i) => (text.get(..i)?, Some(text.get(i + 2..)?)),
        None => (text, None),
    };
    if tail.is_some_and(|t| t.contains("::")) {
        return None;
    }
    // A dotted IPv4 ends the address: it may close the head only when no `::` follows.
    let head_groups = groups(head, tail.is_none())?;
    let tail_groups = match tail {
        Some(t) => groups(t, true)?,
        None => Vec::new(),
    };
    let total = head_groups.len() + tail_groups.len();
    match tail {
        None if total != 8 => return None,
        Some(_) if total > 7 => return None,
        _ => {}
    }
    let mut bits: u128 = 0;
    for g in &head_groups {
        bits = (bits << 16) | u128::from(*g);
    }
    bits = bits.checked_shl(16 * u32::try_from(8 - head_groups.len()).ok()?).unwrap_or(0);
    let mut low: u128 = 0;
    for g in &tail_groups {
        low = (low << 16) | u128::from(*g);
    }
    Some(bits | low)
}

/// Colon-separated 16-bit groups; with `ends_address`, the last may be a
/// dotted IPv4 address.
fn groups(text: &str, ends_address: bool) -> Option<Vec<u16>> {
    let mut out = Vec::new();
    if text.is_empty() {
        return Some(out);
    }
    let parts: Vec<&str> = text.split(':').collect();
    let count = parts.len();
    for (i, part) in parts.into_iter().enumerate() {
        if ends_address && i + 1 == count && part.contains('.') {
            let v4 = parse_v4(part)?;
            out.push(u16::try_from(v4 >> 16).ok()?);
            out.push(u16::try_from(v4 & 0xffff).ok()?);
        } else {
            if part.is_empty() || part.len() > 4 {
                return None;
            }
            out.push(u16::from_str_radix(part, 16).ok()?);
        }
    }
    Some(out)
}

/// Decodes standard base64 (padding optional, no whitespace).
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let trimmed = text.trim_end_matches('=');
    if text.len() - trimmed.len() > 2 || trimmed.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in trimmed.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn decimals_compare_as_numbers() {
        assert_eq!(d("10"), d("10.0"));
        assert_eq!(d("10"), d("1e1"));
        assert_eq!(d("0"), d("-0.000"));
        assert!(d("900") < d("3600"));
        assert!(d("-5") < d("-4.99"));
        assert!(d("0.001") < d("0.01"));
        assert!(d("-1") < d("0"));
        assert_eq!(d("007"), d("7"));
        assert!(d("123456789012345678901234567890") > d("123456789012345678901234567889"));
    }

    #[test]
    fn decimals_are_strict() {
        for bad in ["", "10abc", "0x10", " 1", "1 ", "1.2.3", "e5", "-", ".", "1e", "1e99999999", "NaN", "Infinity"] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
        assert!(Decimal::parse(&"9".repeat(65)).is_none());
        assert!(Decimal::parse(".5").is_some());
    }

    #[test]
    fn dates_normalise_to_one_unit() {
        let iso = Instant::parse("2024-06-01T12:00:00Z").unwrap();
        assert_eq!(iso, Instant::parse("1717243200").unwrap());
        assert_eq!(Instant::parse("2024-06-01").unwrap(), Instant::parse("2024-06-01T00:00:00Z").unwrap());
        assert_eq!(
            Instant::parse("2024-06-01T12:00:00+02:00").unwrap(),
            Instant::parse("2024-06-01T10:00:00Z").unwrap()
        );
        assert!(Instant::parse("2024-06-01T12:00:00.5Z").unwrap() > iso);
        assert_eq!(Instant::parse("2024-06").unwrap(), Instant::parse("2024-06-01").unwrap());
        assert_eq!(Instant::parse("2024-06-01T12:00Z").unwrap(), iso);
        assert_eq!(Instant::parse("2020-01-01T00:00:00Z").unwrap().unix_seconds(), 1_577_836_800);
        assert_eq!(iso.to_rfc3339(), "2024-06-01T12:00:00Z");
        assert_eq!(Instant::parse("1717243200.25").unwrap().0 % NANOS, 250_000_000);
    }

    /// Times past the 64-bit fast path (about 292 years from 1970) come out
    /// as the 128-bit arithmetic says, on both sides of the edge.
    #[test]
    fn far_times_leave_the_64_bit_path_exactly() {
        for secs in [9_223_372_035i64, 9_223_372_036, 9_223_372_037, 999_999_999_999] {
            for frac in ["", ".854775807", ".854775808", ".999999999"] {
                let nanos: i128 = if frac.is_empty() { 0 } else { frac[1..].parse().unwrap() };
                let want = i128::from(secs) * NANOS + nanos;
                assert_eq!(Instant::parse(&alloc::format!("{secs}{frac}")), Some(Instant(want)), "{secs}{frac}");
                assert_eq!(Instant::parse(&alloc::format!("-{secs}{frac}")), Some(Instant(-want)), "-{secs}{frac}");
                assert_eq!(Instant(want).unix_seconds(), secs);
                assert_eq!(Instant(-want).unix_seconds(), (-want).div_euclid(NANOS) as i64);
            }
        }
        let far = Instant::parse("9999-12-31T23:59:59.999999999Z").unwrap();
        assert_eq!(far.0, i128::from(253_402_300_799i64) * NANOS + 999_999_999);
        assert_eq!(far.unix_seconds(), 253_402_300_799);
        assert_eq!(far.to_rfc3339(), "9999-12-31T23:59:59Z");
        assert_eq!(Instant::from_unix_seconds(i64::MAX).unix_seconds(), i64::MAX);
        assert_eq!(Instant::from_unix_seconds(-1).unix_seconds(), -1);
        assert_eq!(Instant(-1).unix_seconds(), -1);
    }

    #[test]
    fn dates_are_strict() {
        for bad in [
            "2024-13-01",
            "2024-02-30",
            "2024-06-01T12:00:00",
            "2024-06-01 12:00:00Z",
            "yesterday",
            "2024-6-1",
            "2024-06-01T25:00:00Z",
            "1.",
            "2024-06-01T12:00:00+0200",
            &"1".repeat(41),
        ] {
            assert!(Instant::parse(bad).is_none(), "{bad}");
        }
        assert!(Instant::parse("2024-02-29").is_some());
        assert!(Instant::parse("2023-02-29").is_none());
    }

    /// The one-pass reader of `YYYY-MM-DDThh:mm:ssZ` answers exactly as the
    /// general one on that shape: every field at and past its limits, leap
    /// days, lower-case separators and a stray byte in each place.
    #[test]
    fn utc_seconds_read_as_the_general_reader_does() {
        let mut texts = alloc::vec::Vec::new();
        for year in ["0000", "1900", "1969", "1970", "2000", "2023", "2024", "2100", "9999"] {
            for month in 0..=13 {
                for day in [0, 1, 28, 29, 30, 31, 32] {
                    texts.push(alloc::format!("{year}-{month:02}-{day:02}T12:30:45Z"));
                }
            }
        }
        for (hour, minute, second) in
            [(0, 0, 0), (23, 59, 59), (23, 59, 60), (24, 0, 0), (0, 60, 0), (0, 0, 61), (99, 99, 99)]
        {
            texts.push(alloc::format!("2024-02-29T{hour:02}:{minute:02}:{second:02}Z"));
        }
        texts.push(alloc::string::String::from("2024-06-01t12:00:00z"));
        let base = "2024-06-01T12:00:00Z";
        for at in 0..base.len() {
            for stray in ["x", "/", ":", "-", " ", "9", "T", "Z"] {
                let mut text = alloc::string::String::from(base);
                text.replace_range(at..=at, stray);
                texts.push(text);
            }
        }
        let mut read = 0;
        for text in &texts {
            let fast = parse_utc_seconds(text.as_bytes());
            assert_eq!(fast, parse_iso(text.as_bytes()), "{text}");
            read += usize::from(fast.is_some());
        }
        assert!(read > 300, "only {read} of {} texts were valid times", texts.len());
        assert_eq!(Instant::parse(base), Some(Instant::from_unix_seconds(1_717_243_200)));
    }

    #[test]
    fn cidrs() {
        let c = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(c.contains(IpAddr::parse("203.0.113.77").unwrap()));
        assert!(!c.contains(IpAddr::parse("203.0.114.1").unwrap()));
        assert!(!c.contains(IpAddr::parse("2001:db8::1").unwrap()));
        assert!(!c.contains(IpAddr::parse("::ffff:203.0.113.5").unwrap()));
        let host = Cidr::parse("203.0.113.7").unwrap();
        assert!(!host.contains(IpAddr::parse("203.0.113.8").unwrap()));
        assert!(Cidr::parse("203.0.113.9/24").unwrap().contains(IpAddr::parse("203.0.113.77").unwrap()));
        assert!(Cidr::has_host_bits("203.0.113.9/24"));
        assert!(!Cidr::has_host_bits("203.0.113.0/24"));
        let v6 = Cidr::parse("2001:db8:1234:5678::/64").unwrap();
        assert!(v6.contains(IpAddr::parse("2001:db8:1234:5678:abcd::1").unwrap()));
        assert!(!v6.contains(IpAddr::parse("2001:db8:1234:5679::1").unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(IpAddr::parse("8.8.8.8").unwrap()));
        assert!(Cidr::parse("::/0").unwrap().contains(IpAddr::parse("::1").unwrap()));
        for bad in [
            "203.0.113.0/33",
            "256.0.0.1",
            "1.2.3",
            "01.2.3.4",
            "1.2.3.4/",
            "::1::2",
            "1:2:3:4:5:6:7:8:9",
            "gggg::1",
            "not-an-ip",
            "1.2.3.4/-1",
            // A dotted IPv4 part only ends an address (found by the proptest against std).
            "0:0.0.0.0::",
            "1.2.3.4::",
            "::1.2.3.4:1",
        ] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(IpAddr::parse("::ffff:1.2.3.4").unwrap().bits, 0xffff_0102_0304);
        assert_eq!(IpAddr::parse("1:2:3:4:5:6:1.2.3.4").unwrap().bits & 0xffff_ffff, 0x0102_0304);
        assert_eq!(IpAddr::parse("1:2:3:4:5:6:7:8").unwrap().bits >> 112, 1);
        assert_eq!(
            IpAddr::parse("2001:db8:1234:5678:abcd::1").unwrap().bits,
            0x2001_0db8_1234_5678_abcd_0000_0000_0001
        );
        assert_eq!(IpAddr::parse("::1").unwrap().bits, 1);
        assert_eq!(IpAddr::parse("1::").unwrap().bits, 1 << 112);
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGVsbG8").unwrap(), b"hello");
        assert_eq!(decode_base64("").unwrap(), b"");
        assert!(decode_base64("a").is_none());
        assert!(decode_base64("aGV$").is_none());
    }

    #[test]
    fn bools() {
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("false"), Some(false));
        assert_eq!(parse_bool("yes"), None);
    }
}

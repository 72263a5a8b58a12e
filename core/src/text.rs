//! Small text helpers shared by parsers and lints.

use alloc::vec::Vec;

/// Levenshtein distance over characters, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = Vec::with_capacity(b.len() + 1);
    for (i, ca) in a.chars().enumerate() {
        current.clear();
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let delete = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insert = current.get(j).copied().unwrap_or(0) + 1;
            current.push(substitute.min(delete).min(insert));
        }
        core::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(0)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Where the first byte of `bytes` is that `flagged` marks, eight bytes at a
/// time: `flagged` sets the high bit of each byte lane it marks in a word
/// (read little-endian), and `is_flagged` says the same of one byte for the
/// tail. On Wasm, which has no vector search here, a byte loop costs about
/// four times as much.
#[inline(always)]
fn find_flagged(bytes: &[u8], flagged: impl Fn(u64) -> u64, is_flagged: impl Fn(u8) -> bool) -> Option<usize> {
    let mut done = 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let hits = flagged(u64::from_le_bytes(word)) & HIGHS;
        if hits != 0 {
            return Some(done + (hits.trailing_zeros() / 8) as usize);
        }
        done += 8;
    }
    chunks.remainder().iter().position(|&b| is_flagged(b)).map(|at| done + at)
}

/// The high bit of each byte lane of `x` that is zero. A false one can
/// appear only above a true one, so the lowest is exact.
#[inline(always)]
fn zero_lanes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x
}

/// Length of the leading run of `bytes` that a JSON string holds as is: no
/// `"`, `\\` or control character.
#[inline]
pub fn plain_prefix_len(bytes: &[u8]) -> usize {
    let special = |x: u64| {
        // `"` and `\\` lanes become zero; below 0x20, subtracting 0x20 borrows.
        zero_lanes(x ^ (ONES * u64::from(b'"')))
            | zero_lanes(x ^ (ONES * u64::from(b'\\')))
            | x.wrapping_sub(ONES * 0x20) & !x
    };
    find_flagged(bytes, special, |b| matches!(b, 0..=0x1f | b'"' | b'\\')).unwrap_or(bytes.len())
}

/// Where the first `needle` is in `bytes`.
#[inline]
pub fn find_byte(bytes: &[u8], needle: u8) -> Option<usize> {
    find_flagged(bytes, |x| zero_lanes(x ^ (ONES * u64::from(needle))), |b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_prefix_is_exact() {
        let slow = |b: &[u8]| b.iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\').unwrap_or(b.len());
        for special in [0u8, 1, 0x1f, 0x20, b'"', b'\\', b'!', b'#', 0x7f, 0x80, 0xa2, 0xff] {
            for len in 0..20 {
                for at in 0..len {
                    let mut t = alloc::vec![b'a'; len];
                    if let Some(b) = t.get_mut(at) {
                        *b = special;
                    }
                    assert_eq!(plain_prefix_len(&t), slow(&t), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn find_byte_is_exact() {
        let slow = |b: &[u8], n: u8| b.iter().position(|&b| b == n);
        // Neighbours of the needle (borrows in the word arithmetic) and bytes above 0x80.
        for needle in [b':', 0, 0x7f, 0x80, 0xff] {
            for other in [needle.wrapping_sub(1), needle.wrapping_add(1), needle ^ 0x80, b'a'] {
                for len in 0..20 {
                    for at in 0..=len {
                        let mut t = alloc::vec![other; len];
                        if let Some(b) = t.get_mut(at) {
                            *b = needle;
                        }
                        if let Some(b) = t.get_mut(at + 3) {
                            *b = needle;
                        }
                        assert_eq!(find_byte(&t, needle), slow(&t, needle), "{t:?} {needle}");
                    }
                }
            }
        }
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}

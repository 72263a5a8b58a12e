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

/// The bytes a search stops at, marked in a whole block of bytes at once.
trait Marks {
    /// Sets the high bit of each byte lane of `x` (read little-endian) that is marked.
    fn word(&self, x: u64) -> u64;
    fn byte(&self, b: u8) -> bool;
    /// Sets every bit of each marked lane of `v`.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn lanes(&self, v: core::arch::wasm32::v128) -> core::arch::wasm32::v128;
}

/// Where the first byte of `bytes` is that `marks` marks, a block at a time:
/// sixteen bytes with Wasm SIMD (which every wasm32 build of the project
/// enables, `.cargo/config.toml`), eight-byte words otherwise. What is left
/// after the whole blocks is read as one more block that ends at the last
/// byte and overlaps bytes already passed, so that short inputs (most names
/// and values are under sixteen bytes) take one or two loads instead of a
/// byte loop: the overlapped bytes are known unmarked, so the first mark in
/// that block is the first of all. On Wasm a byte loop costs about four times
/// as much as the words, which cost about twice as much as the vectors.
#[inline(always)]
fn find_marked(bytes: &[u8], marks: &impl Marks) -> Option<usize> {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if let Some(last) = bytes.last_chunk::<16>() {
        let mut done = 0;
        for chunk in bytes.chunks_exact(16) {
            if let Some(at) = vector_marks(chunk, marks) {
                return Some(done + at);
            }
            done += 16;
        }
        if done == bytes.len() {
            return None;
        }
        return vector_marks(last, marks).map(|at| bytes.len() - 16 + at);
    }
    if let Some(last) = bytes.last_chunk::<8>() {
        let mut done = 0;
        for chunk in bytes.chunks_exact(8) {
            if let Some(at) = word_marks(chunk, marks) {
                return Some(done + at);
            }
            done += 8;
        }
        if done == bytes.len() {
            return None;
        }
        return word_marks(last, marks).map(|at| bytes.len() - 8 + at);
    }
    // Four to seven bytes: the first four and the last four in one word.
    // (Left out of the Wasm build without SIMD, a fallback held to the same
    // size budget, where the byte loop below takes them.)
    #[cfg(any(not(target_arch = "wasm32"), target_feature = "simd128"))]
    if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let word = u64::from(u32::from_le_bytes(*first)) | u64::from(u32::from_le_bytes(*last)) << 32;
        let hits = marks.word(word) & HIGHS;
        if hits == 0 {
            return None;
        }
        let lane = (hits.trailing_zeros() / 8) as usize;
        return Some(if lane < 4 { lane } else { bytes.len() - 4 + (lane - 4) });
    }
    bytes.iter().position(|&b| marks.byte(b))
}

/// The first marked lane of a sixteen-byte block (one `v128.load`).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn vector_marks(chunk: &[u8], marks: &impl Marks) -> Option<usize> {
    use core::arch::wasm32::{u8x16, u8x16_bitmask};
    let mut b = [0u8; 16];
    b.copy_from_slice(chunk.get(..16)?);
    // The compiler merges the lanes into one load.
    let v = u8x16(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    let hits = u8x16_bitmask(marks.lanes(v));
    (hits != 0).then(|| hits.trailing_zeros() as usize)
}

/// The first marked lane of an eight-byte block.
#[inline(always)]
fn word_marks(chunk: &[u8], marks: &impl Marks) -> Option<usize> {
    let mut word = [0u8; 8];
    word.copy_from_slice(chunk.get(..8)?);
    let hits = marks.word(u64::from_le_bytes(word)) & HIGHS;
    (hits != 0).then(|| (hits.trailing_zeros() / 8) as usize)
}

/// The high bit of each byte lane of `x` that is zero. A false one can
/// appear only above a true one, so the lowest is exact.
#[inline(always)]
fn zero_lanes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x
}

/// What ends a plain JSON string: `"`, `\\` or a control character.
struct Special;

impl Marks for Special {
    #[inline(always)]
    fn word(&self, x: u64) -> u64 {
        // `"` and `\\` lanes become zero; below 0x20, subtracting 0x20 borrows.
        zero_lanes(x ^ (ONES * u64::from(b'"')))
            | zero_lanes(x ^ (ONES * u64::from(b'\\')))
            | x.wrapping_sub(ONES * 0x20) & !x
    }

    #[inline(always)]
    fn byte(&self, b: u8) -> bool {
        matches!(b, 0..=0x1f | b'"' | b'\\')
    }

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn lanes(&self, v: core::arch::wasm32::v128) -> core::arch::wasm32::v128 {
        use core::arch::wasm32::{u8x16_eq, u8x16_lt, u8x16_splat, v128_or};
        v128_or(
            v128_or(u8x16_eq(v, u8x16_splat(b'"')), u8x16_eq(v, u8x16_splat(b'\\'))),
            u8x16_lt(v, u8x16_splat(0x20)),
        )
    }
}

/// One byte value.
struct Byte(u8);

impl Marks for Byte {
    #[inline(always)]
    fn word(&self, x: u64) -> u64 {
        zero_lanes(x ^ (ONES * u64::from(self.0)))
    }

    #[inline(always)]
    fn byte(&self, b: u8) -> bool {
        b == self.0
    }

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn lanes(&self, v: core::arch::wasm32::v128) -> core::arch::wasm32::v128 {
        use core::arch::wasm32::{u8x16_eq, u8x16_splat};
        u8x16_eq(v, u8x16_splat(self.0))
    }
}

/// Length of the leading run of `bytes` that a JSON string holds as is: no
/// `"`, `\\` or control character. Out of line (one copy for the JSON
/// reader and writer); the request reader has its own, inlined.
#[inline(never)]
pub fn plain_prefix_len(bytes: &[u8]) -> usize {
    find_marked(bytes, &Special).unwrap_or(bytes.len())
}

/// [`plain_prefix_len`] inlined, for the request reader's strings.
#[inline(always)]
pub(crate) fn plain_prefix_len_inline(bytes: &[u8]) -> usize {
    find_marked(bytes, &Special).unwrap_or(bytes.len())
}

/// Where the first `needle` is in `bytes`.
#[inline]
pub fn find_byte(bytes: &[u8], needle: u8) -> Option<usize> {
    find_marked(bytes, &Byte(needle))
}

/// Where the first `a` or `b` is in `bytes`.
#[inline]
pub fn find_either(bytes: &[u8], a: u8, b: u8) -> Option<usize> {
    find_marked(bytes, &Either(a, b))
}

/// Either of two byte values.
struct Either(u8, u8);

impl Marks for Either {
    #[inline(always)]
    fn word(&self, x: u64) -> u64 {
        zero_lanes(x ^ (ONES * u64::from(self.0))) | zero_lanes(x ^ (ONES * u64::from(self.1)))
    }

    #[inline(always)]
    fn byte(&self, b: u8) -> bool {
        b == self.0 || b == self.1
    }

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn lanes(&self, v: core::arch::wasm32::v128) -> core::arch::wasm32::v128 {
        use core::arch::wasm32::{u8x16_eq, u8x16_splat, v128_or};
        v128_or(u8x16_eq(v, u8x16_splat(self.0)), u8x16_eq(v, u8x16_splat(self.1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_prefix_is_exact() {
        let slow = |b: &[u8]| b.iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\').unwrap_or(b.len());
        // Every length around the block sizes (whole blocks, the overlapping
        // last block, the four-and-four word, bytes), a special byte at every
        // place, a second one three places on (the overlapped bytes), and
        // fillers next to the marked values (borrows in the word arithmetic).
        for special in [0u8, 1, 0x1f, 0x20, b'"', b'\\', b'!', b'#', 0x7f, 0x80, 0xa2, 0xff] {
            for filler in [b'a', 0x20, 0x21, b'[', b']', 0xff] {
                for len in 0..50 {
                    for at in 0..=len {
                        let mut t = alloc::vec![filler; len];
                        if let Some(b) = t.get_mut(at) {
                            *b = special;
                        }
                        if let Some(b) = t.get_mut(at + 3) {
                            *b = special;
                        }
                        assert_eq!(plain_prefix_len(&t), slow(&t), "{t:?}");
                    }
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
                for len in 0..50 {
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
    fn find_either_is_exact() {
        let slow = |b: &[u8]| b.iter().position(|&b| b == b'~' || b == b'/');
        for (first, second) in [(b'~', b'/'), (b'/', b'~'), (b'/', b'/'), (b'~', b'~')] {
            for other in [b'a', b'}', b'.', b'0', 0x7f, 0xfe] {
                for len in 0..50 {
                    for at in 0..=len {
                        let mut t = alloc::vec![other; len];
                        if let Some(b) = t.get_mut(at) {
                            *b = first;
                        }
                        if let Some(b) = t.get_mut(at + 5) {
                            *b = second;
                        }
                        assert_eq!(find_either(&t, b'~', b'/'), slow(&t), "{t:?}");
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

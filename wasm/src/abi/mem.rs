//! The unsafe code of the raw ABI, in one place to audit: host blocks (the
//! memory `pc_alloc` hands out and every input must lie in), the module's
//! single-threaded global state, the panic handler and the text of ASCII
//! input (a vector load, and no second UTF-8 check). The allocator and
//! its scratch arena, which both faces use, are in `src/arena.rs`.
//!
//! The rule that makes host pointers safe: an input `(ptr, len)` is read only
//! if it lies inside one live block that this module allocated for the host.
//! The registry of live blocks is consulted before any slice is made, so an
//! out-of-range, dangling, foreign or overflowing pointer is an error value,
//! never a read outside memory and never a read of memory Rust owns elsewhere.

use alloc::alloc::{alloc_zeroed, dealloc, Layout};
use alloc::collections::BTreeMap;
use core::cell::{Cell, RefCell, RefMut};

// `Global` below is sound only with one thread. The wasm32 target runs one
// thread unless it is built with the (opt-in) atomics feature.
#[cfg(target_feature = "atomics")]
compile_error!("the raw ABI keeps single-threaded global state; build it without the `atomics` target feature");

/// A panic cannot unwind on wasm32-unknown-unknown: it traps (`unreachable`),
/// and the host sees a trap, never undefined behaviour. The core is built not
/// to panic (clippy denies unwrap, expect, panic and indexing); the one
/// remaining route is allocation failure inside the core when memory cannot
/// grow, which a host with a memory cap must treat as "discard this instance".
#[panic_handler]
fn on_panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// Module-global state behind a `RefCell`: a re-entrant call (impossible
/// without imports, but checked) is refused instead of aliasing.
pub struct Global<T>(RefCell<T>);

// SAFETY: the module has exactly one thread (see the `atomics` guard above),
// so the `RefCell` is never reached from two threads.
#[expect(unsafe_code, reason = "a single-threaded global; see the SAFETY comment")]
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    pub const fn new(value: T) -> Self {
        Global(RefCell::new(value))
    }

    pub fn enter(&self) -> Option<RefMut<'_, T>> {
        self.0.try_borrow_mut().ok()
    }
}

/// Blocks are aligned like the host's widest scalar, so a host may also
/// write integers into them.
const ALIGN: usize = 8;

/// Live host blocks: start address -> length asked for.
#[derive(Debug, Default)]
pub struct Blocks {
    live: BTreeMap<usize, usize>,
    /// The live block last allocated or read from, `(start, length)`, or
    /// `(0, 0)`: a host mostly reuses one input block, and this spares the
    /// map's search on every call (about 1% of a decision). Cleared when
    /// that block is freed, so it only ever names a live block.
    recent: Cell<(usize, usize)>,
}

impl Blocks {
    pub const fn new() -> Self {
        Blocks { live: BTreeMap::new(), recent: Cell::new((0, 0)) }
    }

    /// A zeroed block of `len` bytes (at least one is reserved so that every
    /// block has its own address); `None` when memory cannot grow.
    pub fn alloc(&mut self, len: usize) -> Option<usize> {
        let layout = Layout::from_size_align(len.max(1), ALIGN).ok()?;
        #[expect(unsafe_code, reason = "allocating the host's block; see the SAFETY comment")]
        // SAFETY: `layout` has a non-zero size. Zeroed memory is initialised,
        // so reading it back as bytes before the host writes is defined.
        let ptr = unsafe { alloc_zeroed(layout) };
        if ptr.is_null() {
            return None;
        }
        let start = ptr as usize;
        self.live.insert(start, len);
        self.recent.set((start, len));
        Some(start)
    }

    /// Frees a live block by its start address; `false` (and nothing freed)
    /// for any other address, including a second free of the same block.
    pub fn free(&mut self, start: usize) -> bool {
        let Some(len) = self.live.remove(&start) else {
            return false;
        };
        if self.recent.get().0 == start {
            self.recent.set((0, 0));
        }
        let Ok(layout) = Layout::from_size_align(len.max(1), ALIGN) else {
            return false;
        };
        #[expect(unsafe_code, reason = "freeing the host's block; see the SAFETY comment")]
        // SAFETY: `start` was returned by `alloc_zeroed` with this very layout
        // (same length and alignment) and has just been removed from the
        // registry, so it is freed exactly once.
        unsafe {
            dealloc(start as *mut u8, layout)
        };
        true
    }

    /// The bytes `[ptr, ptr + len)`, if they lie inside one live block.
    /// An empty input needs no block (its pointer is ignored).
    pub fn input(&self, ptr: usize, len: usize) -> Option<&[u8]> {
        if len == 0 {
            return Some(&[]);
        }
        let end = ptr.checked_add(len)?;
        let (recent_start, recent_size) = self.recent.get();
        let inside = |start: usize, size: usize| ptr >= start && start.checked_add(size).is_some_and(|e| end <= e);
        if !(recent_size > 0 && inside(recent_start, recent_size)) {
            let (&start, &size) = self.live.range(..=ptr).next_back()?;
            if !inside(start, size) {
                return None;
            }
            self.recent.set((start, size));
        }
        #[expect(unsafe_code, reason = "reading a host block; see the SAFETY comment")]
        // SAFETY: `[ptr, end)` lies inside a live block (found in the
        // registry, or `recent`, which `alloc` and the registry set and
        // `free` clears), which this module allocated zeroed (so initialised)
        // and which stays allocated while the slice borrows `self` (only `free`,
        // through `&mut self`, deallocates). Nothing writes the block while
        // the slice lives: the module has one thread and no imports, so the
        // host cannot run until the export returns, and no Rust code writes
        // host blocks.
        Some(unsafe { core::slice::from_raw_parts(ptr as *const u8, len) })
    }
}

/// `bytes` as text: nearly every input is ASCII, which needs no UTF-8 check;
/// the rest is checked by `core::str::from_utf8`.
pub fn utf8(bytes: &[u8]) -> Result<&str, core::str::Utf8Error> {
    if is_ascii(bytes) {
        #[expect(unsafe_code, reason = "ASCII text without a second check; see the SAFETY comment")]
        // SAFETY: every byte is below 0x80, and a sequence of ASCII bytes is UTF-8.
        return Ok(unsafe { core::str::from_utf8_unchecked(bytes) });
    }
    core::str::from_utf8(bytes)
}

/// Whether every byte is ASCII, sixteen at a time (`<[u8]>::is_ascii` and
/// `core::str::from_utf8` take four on wasm32, the width of `usize`): the
/// vectors are or-ed together and their high bits tested once, the last
/// one ending at the last byte (overlapping bytes already read), so there
/// is no branch per vector and no byte loop for the tail.
#[cfg(target_feature = "simd128")]
fn is_ascii(bytes: &[u8]) -> bool {
    use core::arch::wasm32::{u8x16_bitmask, v128, v128_load, v128_or};
    let Some(last) = bytes.last_chunk::<16>() else {
        return bytes.is_ascii();
    };
    #[expect(unsafe_code, reason = "vector loads; see the SAFETY comment")]
    // SAFETY: `last` and every `chunk` are 16 readable bytes, and `v128_load`
    // has no alignment requirement. (Built from the bytes one by one, the
    // vector is sometimes left as 16 single-byte loads.)
    let load = |block: &[u8]| unsafe { v128_load(block.as_ptr().cast::<v128>()) };
    let mut high = load(last);
    for chunk in bytes.chunks_exact(16) {
        high = v128_or(high, load(chunk));
    }
    u8x16_bitmask(high) == 0
}

#[cfg(not(target_feature = "simd128"))]
fn is_ascii(bytes: &[u8]) -> bool {
    bytes.is_ascii()
}

//! The global allocator of both faces: the dlmalloc that std uses on this
//! target (memory only grows, since Wasm memory cannot shrink, and freed
//! blocks are reused), with a scratch arena in front of it for the duration
//! of [`scratch`], which a decision runs in. One of the two places with
//! unsafe code (the other is the raw ABI's `abi/mem.rs`).

use alloc::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;

// The arena is sound only with one thread. The wasm32 target runs one
// thread unless it is built with the (opt-in) atomics feature.
#[cfg(target_feature = "atomics")]
compile_error!("the scratch arena is single-threaded; build without the `atomics` target feature");

#[global_allocator]
static ALLOCATOR: ScratchThenDlmalloc = ScratchThenDlmalloc;

/// Bytes of the scratch arena: a decision on the medium store allocates about
/// 2 KiB; a batch or a large request that needs more overflows to dlmalloc.
const SCRATCH_BYTES: usize = 128 * 1024;

/// The arena's bounds and cursor; `active` while [`scratch`] runs its call,
/// `pinned` while its `copy_out` still reads what the call made.
struct Arena {
    active: Cell<bool>,
    pinned: Cell<bool>,
    start: Cell<usize>,
    end: Cell<usize>,
    next: Cell<usize>,
}

// SAFETY: one thread (the `atomics` guard above), so the cells are never
// reached from two threads.
#[expect(unsafe_code, reason = "a single-threaded global; see the SAFETY comment")]
unsafe impl Sync for Arena {}

static ARENA: Arena = Arena {
    active: Cell::new(false),
    pinned: Cell::new(false),
    start: Cell::new(0),
    end: Cell::new(0),
    next: Cell::new(0),
};

impl Arena {
    fn contains(&self, ptr: *mut u8) -> bool {
        let at = ptr as usize;
        self.start.get() <= at && at < self.end.get()
    }

    /// `layout` carved from the arena, or `None` when it is inactive or full.
    fn bump(&self, layout: Layout) -> Option<*mut u8> {
        if !self.active.get() {
            return None;
        }
        let start = self.next.get().checked_add(layout.align() - 1)? & !(layout.align() - 1);
        let end = start.checked_add(layout.size())?;
        // Strictly inside, so that even a zero-size block is `contains`.
        if end >= self.end.get() {
            return None;
        }
        self.next.set(end);
        Some(start as *mut u8)
    }
}

/// Decisions allocate a few dozen short-lived blocks (the parsed request,
/// its context, the explanation, the Decision JSON) and free them all before
/// they return; dlmalloc spends about as long on them as the decision
/// itself. Inside [`scratch`] they come from a bump arena instead, and
/// freeing them is a no-op: the whole arena is reclaimed when the next
/// scratch call starts. Blocks that outlive the call (the stores, host
/// blocks, the result slot) are made outside scratch calls, by dlmalloc.
struct ScratchThenDlmalloc;

#[expect(unsafe_code, reason = "the global allocator; see the SAFETY comments")]
// SAFETY: arena blocks are disjoint ranges of one live dlmalloc block, aligned
// as asked and within its bounds (`Arena::bump`); a block is reused only after
// the next `scratch` starts, `scratch` returns only data copied out of the
// arena, and no `scratch` starts while its `copy_out` reads the arena. Every
// other block goes to dlmalloc with the caller's layout.
unsafe impl GlobalAlloc for ScratchThenDlmalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match ARENA.bump(layout) {
            Some(ptr) => ptr,
            // SAFETY: forwarded with the caller's (non-zero-size) layout.
            None => unsafe { dlmalloc::GlobalDlmalloc.alloc(layout) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match ARENA.bump(layout) {
            Some(ptr) => {
                // SAFETY: `ptr` starts `layout.size()` bytes of the arena.
                unsafe { ptr.write_bytes(0, layout.size()) };
                ptr
            }
            // SAFETY: forwarded with the caller's layout.
            None => unsafe { dlmalloc::GlobalDlmalloc.alloc_zeroed(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !ARENA.contains(ptr) {
            // SAFETY: not an arena block, so dlmalloc's, with this layout.
            unsafe { dlmalloc::GlobalDlmalloc.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !ARENA.contains(ptr) {
            // SAFETY: dlmalloc's block with this layout, as the caller says.
            return unsafe { dlmalloc::GlobalDlmalloc.realloc(ptr, layout, new_size) };
        }
        // The last arena block grows (or shrinks) in place.
        if ARENA.active.get() && ptr as usize + layout.size() == ARENA.next.get() {
            if let Some(end) = (ptr as usize).checked_add(new_size).filter(|&end| end < ARENA.end.get()) {
                ARENA.next.set(end);
                return ptr;
            }
        }
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return core::ptr::null_mut();
        };
        // SAFETY: `new_layout` has the caller's non-zero size and alignment.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks hold at least the copied length and are
            // disjoint (the new one is carved after the old or is dlmalloc's).
            unsafe { core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
        }
        new
    }
}

/// Runs `call` with the scratch arena, then `copy_out` on its result after the
/// arena is closed: whatever `copy_out` returns must own fresh memory (the
/// arena is reused by the next call; anything `copy_out` allocates comes
/// from dlmalloc). While `copy_out` runs, the arena is pinned: a scratch call
/// made meanwhile (a host calling back in) runs without it. Without arena
/// memory (memory cannot grow) `call` simply runs on dlmalloc.
///
/// Only for calls that keep nothing they allocate: a store is read-only while
/// it decides, but a cache that outlives the call (regex-lite's matcher pool
/// in the gateway's routes, for one; wasm-bindgen's table of JavaScript
/// values, which is why the JS face makes its values in `copy_out`) must
/// never be filled from the arena. A `String` or `Vec` made outside with
/// room may be appended to: growing it is a `realloc` of a block from
/// outside the arena, which dlmalloc does (`pc_evaluate`'s answer buffer).
pub fn scratch<T, U>(call: impl FnOnce() -> T, copy_out: impl FnOnce(T) -> U) -> U {
    if ARENA.active.get() || ARENA.pinned.get() {
        // Nested: the outer call owns the arena.
        return copy_out(call());
    }
    if ARENA.start.get() == 0 {
        let Ok(layout) = Layout::from_size_align(SCRATCH_BYTES, 16) else {
            return copy_out(call());
        };
        #[expect(unsafe_code, reason = "the arena's one block; see the SAFETY comment")]
        // SAFETY: a non-zero size; the block is never freed (the arena lives
        // as long as the module).
        let block = unsafe { dlmalloc::GlobalDlmalloc.alloc(layout) };
        if block.is_null() {
            return copy_out(call());
        }
        ARENA.start.set(block as usize);
        ARENA.end.set(block as usize + SCRATCH_BYTES);
    }
    ARENA.next.set(ARENA.start.get());
    ARENA.active.set(true);
    let result = call();
    ARENA.active.set(false);
    ARENA.pinned.set(true);
    let out = copy_out(result);
    ARENA.pinned.set(false);
    out
}

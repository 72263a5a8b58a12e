//! The only unsafe code of the raw ABI, in one place to audit: host blocks
//! (the memory `pc_alloc` hands out and every input must lie in), the
//! module's single-threaded global state, the global allocator and the panic
//! handler.
//!
//! The rule that makes host pointers safe: an input `(ptr, len)` is read only
//! if it lies inside one live block that this module allocated for the host.
//! The registry of live blocks is consulted before any slice is made, so an
//! out-of-range, dangling, foreign or overflowing pointer is an error value,
//! never a read outside memory and never a read of memory Rust owns elsewhere.

use alloc::alloc::{alloc_zeroed, dealloc, GlobalAlloc, Layout};
use alloc::collections::BTreeMap;
use core::cell::{Cell, RefCell, RefMut};

// `Global` below is sound only with one thread. The wasm32 target runs one
// thread unless it is built with the (opt-in) atomics feature.
#[cfg(target_feature = "atomics")]
compile_error!("the raw ABI keeps single-threaded global state; build it without the `atomics` target feature");

/// The global allocator: the dlmalloc that std uses on this target (memory
/// only grows, since Wasm memory cannot shrink, and freed blocks are reused),
/// with a scratch arena in front of it for the duration of [`scratch`].
#[global_allocator]
static ALLOCATOR: ScratchThenDlmalloc = ScratchThenDlmalloc;

/// Bytes of the scratch arena: a decision on the medium store allocates about
/// 2 KiB; a batch or a large request that needs more overflows to dlmalloc.
const SCRATCH_BYTES: usize = 128 * 1024;

/// The arena's bounds and cursor; `active` while [`scratch`] runs.
struct Arena {
    active: Cell<bool>,
    start: Cell<usize>,
    end: Cell<usize>,
    next: Cell<usize>,
}

// SAFETY: one thread (the `atomics` guard above), so the cells are never
// reached from two threads.
#[expect(unsafe_code, reason = "a single-threaded global; see the SAFETY comment")]
unsafe impl Sync for Arena {}

static ARENA: Arena = Arena { active: Cell::new(false), start: Cell::new(0), end: Cell::new(0), next: Cell::new(0) };

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
// the next `scratch` starts, and `scratch` returns only data copied out of
// the arena. Every other block goes to dlmalloc with the caller's layout.
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
/// arena is reused by the next call). Without arena memory (memory cannot
/// grow) `call` simply runs on dlmalloc.
///
/// Only for calls that keep nothing they allocate: a store is read-only while
/// it decides, but a cache that outlives the call (regex-lite's matcher pool
/// in the gateway's routes, for one) must never be filled from the arena.
pub fn scratch<T, U>(call: impl FnOnce() -> T, copy_out: impl FnOnce(T) -> U) -> U {
    if ARENA.active.get() {
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
    copy_out(result)
}

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
}

impl Blocks {
    pub const fn new() -> Self {
        Blocks { live: BTreeMap::new() }
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
        Some(start)
    }

    /// Frees a live block by its start address; `false` (and nothing freed)
    /// for any other address, including a second free of the same block.
    pub fn free(&mut self, start: usize) -> bool {
        let Some(len) = self.live.remove(&start) else {
            return false;
        };
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
        let (&start, &size) = self.live.range(..=ptr).next_back()?;
        let end = ptr.checked_add(len)?;
        if end > start.checked_add(size)? {
            return None;
        }
        #[expect(unsafe_code, reason = "reading a host block; see the SAFETY comment")]
        // SAFETY: `[ptr, end)` lies inside the live block `[start, start +
        // size)`, which this module allocated zeroed (so initialised) and
        // which stays allocated while the slice borrows `self` (only `free`,
        // through `&mut self`, deallocates). Nothing writes the block while
        // the slice lives: the module has one thread and no imports, so the
        // host cannot run until the export returns, and no Rust code writes
        // host blocks.
        Some(unsafe { core::slice::from_raw_parts(ptr as *const u8, len) })
    }
}

//! A list that keeps its first few items inline and moves to the heap only
//! beyond them: a decision's matched statements, missing pieces and alerts
//! are almost always a handful, and allocating for them cost about as much
//! as the rest of a decision.

use alloc::vec::Vec;
use core::fmt;
use core::ops::Deref;

/// Types a [`SmallList`] can hold: copied freely, with a value to fill the
/// unused inline slots (never seen through the list).
pub trait Slot: Copy {
    const EMPTY: Self;
}

impl Slot for u32 {
    const EMPTY: u32 = 0;
}

/// Up to `N` items inline, any number on the heap. Reads as a slice.
#[derive(Clone)]
pub struct SmallList<T: Slot, const N: usize> {
    repr: Repr<T, N>,
}

#[derive(Clone)]
enum Repr<T: Slot, const N: usize> {
    Inline { items: [T; N], len: usize },
    Heap(Vec<T>),
}

impl<T: Slot, const N: usize> SmallList<T, N> {
    pub const fn new() -> Self {
        SmallList { repr: Repr::Inline { items: [T::EMPTY; N], len: 0 } }
    }

    #[inline]
    pub fn push(&mut self, item: T) {
        match &mut self.repr {
            Repr::Inline { items, len } => match items.get_mut(*len) {
                Some(slot) => {
                    *slot = item;
                    *len += 1;
                }
                None => {
                    let mut heap = Vec::with_capacity(N * 2 + 1);
                    heap.extend_from_slice(items);
                    heap.push(item);
                    self.repr = Repr::Heap(heap);
                }
            },
            Repr::Heap(heap) => heap.push(item),
        }
    }

    /// Puts `item` first.
    pub fn push_front(&mut self, item: T) {
        self.push(item);
        match &mut self.repr {
            Repr::Inline { items, len } => {
                if let Some(used) = items.get_mut(..*len) {
                    used.rotate_right(1);
                }
            }
            Repr::Heap(heap) => heap.rotate_right(1),
        }
    }

    #[inline]
    pub fn as_slice(&self) -> &[T] {
        match &self.repr {
            Repr::Inline { items, len } => items.get(..*len).unwrap_or_default(),
            Repr::Heap(heap) => heap,
        }
    }
}

impl<T: Slot, const N: usize> Default for SmallList<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Slot, const N: usize> Deref for SmallList<T, N> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<'a, T: Slot, const N: usize> IntoIterator for &'a SmallList<T, N> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: Slot, const N: usize> FromIterator<T> for SmallList<T, N> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut list = Self::new();
        for item in iter {
            list.push(item);
        }
        list
    }
}

impl<T: Slot, const N: usize> From<Vec<T>> for SmallList<T, N> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

impl<T: Slot + PartialEq, const N: usize> PartialEq for SmallList<T, N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Slot + Eq, const N: usize> Eq for SmallList<T, N> {}

impl<T: Slot + PartialEq, const N: usize> PartialEq<[T]> for SmallList<T, N> {
    fn eq(&self, other: &[T]) -> bool {
        self.as_slice() == other
    }
}

impl<T: Slot + PartialEq, const N: usize> PartialEq<Vec<T>> for SmallList<T, N> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Slot + fmt::Debug, const N: usize> fmt::Debug for SmallList<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_then_heap_keeps_order() {
        let mut list: SmallList<u32, 3> = SmallList::new();
        let mut model = Vec::new();
        for i in 1..=10 {
            if i % 4 == 0 {
                list.push_front(i);
                model.insert(0, i);
            } else {
                list.push(i);
                model.push(i);
            }
            assert_eq!(list.as_slice(), model.as_slice(), "after {i}");
        }
        let collected: SmallList<u32, 3> = model.iter().copied().collect();
        assert_eq!(collected, list);
        assert_eq!(SmallList::<u32, 2>::from(alloc::vec![5, 6]), alloc::vec![5, 6]);
    }
}

//! A cache of decoded blocks keyed by the physical address of their first instruction, with
//! the set of physical pages that hold decoded code, so that a store to such a page drops the
//! blocks decoded from it (self-modifying code, relocation, alternatives patching).
//!
//! Architecture-neutral: the block type is the core's own. The x86_64 core uses it today; the
//! aarch64 core keeps its own copy of the same shape in `aarch64::block` (`BlockCache`,
//! `CodePages`) until its hot path settles, when it can move onto this one.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

use crate::aarch64::block::AddrHasher;
use crate::aarch64::BusId;

/// Size of a page as the cache sees it.
pub const PAGE_SIZE: u64 = 4096;

type AddrMap<V> = HashMap<u64, V, BuildHasherDefault<AddrHasher>>;

/// Decoded blocks of type `B`, keyed by physical address.
pub struct CodeCache<B> {
    blocks: AddrMap<Rc<B>>,
    /// Physical page → physical addresses of the blocks that hold bytes of it.
    pages: AddrMap<Vec<u64>>,
    /// Bumped whenever blocks are dropped or a page becomes code: holders of block
    /// references refresh, and vCPUs forget the write permissions they cached for pages that
    /// are code now (their stores must reach [`CodeCache::invalidate`]).
    epoch: u64,
    /// The bus the blocks were decoded from.
    bus: Option<BusId>,
}

impl<B> Default for CodeCache<B> {
    fn default() -> Self {
        CodeCache {
            blocks: AddrMap::default(),
            pages: AddrMap::default(),
            epoch: 0,
            bus: None,
        }
    }
}

impl<B> CodeCache<B> {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The block that starts at physical `pa`.
    #[inline]
    pub fn get(&self, pa: u64) -> Option<&Rc<B>> {
        self.blocks.get(&pa)
    }

    /// Cache `block`, starting at `pa`, whose bytes lie in the physical pages `pages`.
    pub fn insert(&mut self, pa: u64, pages: &[u64], block: B) -> Rc<B> {
        let b = Rc::new(block);
        self.blocks.insert(pa, b.clone());
        for &p in pages {
            let list = self.pages.entry(p & !(PAGE_SIZE - 1)).or_default();
            if list.is_empty() {
                self.epoch += 1;
            }
            list.push(pa);
        }
        b
    }

    /// Make this the cache of `bus`: blocks decoded from another bus's memory are dropped.
    pub fn bind(&mut self, bus: BusId) {
        if self.bus != Some(bus) {
            self.clear();
            self.bus = Some(bus);
        }
    }

    /// Whether physical page `page` (aligned) holds decoded code.
    #[inline]
    pub fn is_code(&self, page: u64) -> bool {
        !self.pages.is_empty() && self.pages.contains_key(&page)
    }

    /// Drop every block with bytes in physical page `page` (aligned); whether any was dropped.
    pub fn invalidate(&mut self, page: u64) -> bool {
        match self.pages.remove(&page) {
            Some(list) => {
                for pa in list {
                    self.blocks.remove(&pa);
                }
                self.epoch += 1;
                true
            }
            None => false,
        }
    }

    /// Drop everything (the memory behind the physical addresses changed).
    pub fn clear(&mut self) {
        self.blocks.clear();
        self.pages.clear();
        self.epoch += 1;
    }

    /// Changes whenever blocks are dropped or a page becomes code.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Number of cached blocks.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Whether no block is cached.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_to_a_page_drops_the_blocks_that_touch_it() {
        let mut c: CodeCache<u32> = CodeCache::new();
        c.insert(0x1ffe, &[0x1000, 0x2000], 1);
        c.insert(0x2010, &[0x2000], 2);
        c.insert(0x3000, &[0x3000], 3);
        assert!(c.is_code(0x2000));
        let e = c.epoch();
        assert!(c.invalidate(0x2000));
        assert!(c.get(0x1ffe).is_none() && c.get(0x2010).is_none());
        assert_eq!(c.get(0x3000).map(|b| **b), Some(3));
        assert!(c.epoch() != e);
        assert!(!c.invalidate(0x5000));
    }
}

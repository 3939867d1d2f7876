//! A small bounded cache for values that are expensive to compute and cheap to share.
//!
//! Two generations bound it: entries go into the young map; when that is full it becomes the old
//! map (dropping the previous old one), and a hit in the old map moves the entry back. Memory stays
//! under `2 × capacity` entries, entries asked for again survive a turnover, and there is no
//! per-entry bookkeeping as an LRU list would need.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

pub struct BoundedCache<K, V> {
    capacity: usize,
    generations: Mutex<Generations<K, V>>,
}

struct Generations<K, V> {
    young: HashMap<K, V>,
    old: HashMap<K, V>,
}

impl<K: Hash + Eq, V: Clone> BoundedCache<K, V> {
    /// Holds at most `2 × capacity` entries; a capacity of 0 keeps nothing.
    pub fn new(capacity: usize) -> Self {
        BoundedCache {
            capacity,
            generations: Mutex::new(Generations { young: HashMap::new(), old: HashMap::new() }),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let mut g = self.generations.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(hit) = g.young.get(key) {
            return Some(hit.clone());
        }
        let (key, hit) = g.old.remove_entry(key)?;
        Self::put(&mut g, self.capacity, key, hit.clone());
        Some(hit)
    }

    pub fn insert(&self, key: K, value: V) {
        if self.capacity > 0 {
            let mut g = self.generations.lock().unwrap_or_else(|p| p.into_inner());
            Self::put(&mut g, self.capacity, key, value);
        }
    }

    fn put(g: &mut Generations<K, V>, capacity: usize, key: K, value: V) {
        if g.young.len() >= capacity {
            g.old = std::mem::take(&mut g.young);
        }
        g.young.insert(key, value);
    }

    pub fn clear(&self) {
        let mut g = self.generations.lock().unwrap_or_else(|p| p.into_inner());
        g.young.clear();
        g.old.clear();
    }

    pub fn len(&self) -> usize {
        let g = self.generations.lock().unwrap_or_else(|p| p.into_inner());
        g.young.len() + g.old.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_keeps_what_is_asked_again() {
        let cache = BoundedCache::new(16);
        cache.insert(0, 0);
        for n in 1..200 {
            cache.insert(n, n);
            // Key 0 is asked for all the time, so it must never fall out.
            assert_eq!(cache.get(&0), Some(0), "after {n} inserts");
            assert!(cache.len() <= 32);
        }
        assert_eq!(cache.get(&1), None, "a key never asked again is dropped in time");
        assert_eq!(cache.get(&199), Some(199));
    }

    #[test]
    fn capacity_zero_keeps_nothing() {
        let cache = BoundedCache::new(0);
        cache.insert("a", 1);
        assert!(cache.is_empty());
        assert_eq!(cache.get(&"a"), None);
    }
}

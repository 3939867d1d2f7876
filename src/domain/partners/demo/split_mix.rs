//! SplitMix64 (Steele, Lea and Flood, 2014), the demo generator's source of randomness: a few
//! lines whose output is the same on every platform and with every version of every crate.

/// One SplitMix64 output for `value`: a well-spread key for seeds and indices.
pub(super) fn mix(value: u64) -> u64 {
    SplitMix64(value).next()
}

pub(super) struct SplitMix64(pub(super) u64);

impl SplitMix64 {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by multiplying rather than by remainder.
    pub(super) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    pub(super) fn percent(&mut self, chance: usize) -> bool {
        self.below(100) < chance
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index into `weights`, each chosen in proportion to its weight.
    pub(super) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut draw = self.below(total as usize) as u32;
        for (i, weight) in weights.iter().enumerate() {
            if draw < *weight {
                return i;
            }
            draw -= weight;
        }
        weights.len().saturating_sub(1)
    }
}

//! Shared inputs for planner's benchmarks: seeded synthetic monthly series.

/// A small deterministic generator (SplitMix64), so benchmarks need no extra crates.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next number in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` seasonal monthly series of `len` months with trend and noise; every fifth is intermittent.
pub fn series(n: usize, len: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = SplitMix::new(seed);
    (0..n)
        .map(|i| {
            let level = 50.0 + 950.0 * rng.next_f64();
            let trend = (rng.next_f64() - 0.3) * 0.01;
            let amp = 0.4 * rng.next_f64();
            (0..len)
                .map(|t| {
                    if i % 5 == 4 {
                        if rng.next_f64() < 0.3 {
                            (1.0 + 10.0 * rng.next_f64()).round()
                        } else {
                            0.0
                        }
                    } else {
                        let season =
                            1.0 + amp * ((t % 12) as f64 / 12.0 * std::f64::consts::TAU).cos();
                        let noise = 1.0 + 0.15 * (rng.next_f64() - 0.5) * 2.0;
                        (level * (1.0 + trend * t as f64) * season * noise)
                            .max(0.0)
                            .round()
                    }
                })
                .collect()
        })
        .collect()
}

//! Seeded random streams from a well-kept generator: [`PathRng`], one ChaCha8 stream per
//! Monte Carlo path (`rand_chacha`), standard normals by `rand_distr`'s ziggurat.
//!
//! A leaf module: it imports no other module of the crate.

use rand::Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// A seeded random stream: stream `path` of ChaCha8 keyed by `seed` (2^64 independent streams
/// per seed, each 2^68 bytes long), so path `i` draws the same numbers whatever thread runs it.
///
/// ```
/// use planner_core::scenario::PathRng;
///
/// let mut a = PathRng::new(42, 7);
/// let mut b = PathRng::new(42, 7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// assert_ne!(PathRng::new(42, 8).next_u64(), PathRng::new(42, 7).next_u64());
/// let u = a.uniform();
/// assert!((0.0..1.0).contains(&u));
/// ```
#[derive(Debug, Clone)]
pub struct PathRng(ChaCha8Rng);

impl PathRng {
    /// The stream of path `path` under `seed`.
    pub fn new(seed: u64, path: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(path);
        Self(rng)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A uniform number in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        self.0.gen::<f64>()
    }

    /// A standard normal number.
    pub fn normal(&mut self) -> f64 {
        self.0.sample(StandardNormal)
    }
}

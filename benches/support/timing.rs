//! Timing for the native benchmarks: run a closure many times, and read the median and the 95th
//! percentile of the sorted durations.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Runs `f` `runs` times and returns the sorted durations.
pub fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    let mut all: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    all.sort_unstable();
    all
}

pub fn median(sorted: &[Duration]) -> Duration {
    sorted[sorted.len() / 2]
}

pub fn p95(sorted: &[Duration]) -> Duration {
    sorted[(sorted.len() * 95 / 100).min(sorted.len() - 1)]
}

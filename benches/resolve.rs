//! Prints how long the model takes: loading the data, checking it, and resolving every
//! configuration of every scenario. A benchmark, not a test: it asserts nothing and prints figures.
//!
//! Run with `cargo bench --bench resolve`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use vnet_flows::check::check;
use vnet_flows::config::Config;
use vnet_flows::export::{Report, markdown};
use vnet_flows::resolve::resolve;

/// Runs `f` `runs` times and returns the sorted durations.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
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

fn median(sorted: &[Duration]) -> Duration {
    sorted[sorted.len() / 2]
}

fn p95(sorted: &[Duration]) -> Duration {
    sorted[(sorted.len() * 95 / 100).min(sorted.len() - 1)]
}

fn main() {
    let catalog = match vnet_flows::shipped_catalog() {
        Ok(c) => c,
        Err(errors) => {
            eprintln!("the shipped data does not load: {} problems", errors.len());
            std::process::exit(1);
        }
    };
    println!(
        "data: {} bytes, {} scenarios, {} flows, {} rules, {} steps, {} findings",
        vnet_flows::AML_DATA.len(),
        catalog.scenarios.len(),
        catalog.flows.len(),
        catalog.rules.len(),
        catalog.steps.len(),
        catalog.findings.len()
    );

    let load = time(50, || vnet_flows::shipped_catalog().is_ok());
    println!("load and validate the data file: median {:?}, p95 {:?} (50 runs)", median(&load), p95(&load));
    let checked = time(5, || check(&catalog, vnet_flows::AML_DATA).len());
    println!("consistency check, every configuration: median {:?} (5 runs)", median(&checked));

    println!();
    println!(
        "{:<18} {:>8} {:>14} {:>14} {:>16}",
        "scenario", "configs", "resolve p50", "resolve p95", "report+markdown"
    );
    for scenario in &catalog.scenarios {
        let configs = Config::combinations(&catalog, scenario);
        let mut all = Vec::with_capacity(configs.len() * 20);
        for _ in 0..20 {
            for config in &configs {
                let start = Instant::now();
                black_box(resolve(&catalog, scenario, config));
                all.push(start.elapsed());
            }
        }
        all.sort_unstable();
        let default = Config::defaults(&catalog, scenario);
        let render = time(200, || {
            let r = resolve(&catalog, scenario, &default);
            (Report::new(&r).rules.len(), markdown(&r).len())
        });
        println!(
            "{:<18} {:>8} {:>14?} {:>14?} {:>16?}",
            scenario.id,
            configs.len(),
            median(&all),
            p95(&all),
            median(&render)
        );
    }
}

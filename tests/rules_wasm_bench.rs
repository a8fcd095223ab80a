//! The rules benchmark's browser figure: what the widget would do for one configuration —
//! read a 1,000-rule NSG and a 500-rule firewall policy (the generator `benches/rules.rs` uses),
//! prepare the checker and check one compute configuration — compiled to wasm and timed in
//! headless Chromium. The goal is under 50 ms. A benchmark, not a test: it asserts nothing,
//! and it is ignored unless asked for, so that only `scripts/bench` runs it:
//!
//! `CHROMEDRIVER=$(command -v chromedriver) cargo test --release --target wasm32-unknown-unknown
//! --test rules_wasm_bench -- --include-ignored --nocapture`
#![cfg(target_arch = "wasm32")]

#[path = "../benches/support/rules_gen.rs"]
mod rules_gen;

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

use vnet_flows::config::Config;
use vnet_flows::resolve::resolve;
use vnet_flows::ruleset::verify::Checker;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`, in milliseconds.
    #[wasm_bindgen(js_namespace = performance)]
    fn now() -> f64;
}

/// Runs `f` `runs` times and returns the sorted durations in milliseconds.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<f64> {
    let mut all: Vec<f64> = (0..runs)
        .map(|_| {
            let start = now();
            std::hint::black_box(f());
            now() - start
        })
        .collect();
    all.sort_by(f64::total_cmp);
    all
}

fn median(sorted: &[f64]) -> f64 {
    sorted[sorted.len() / 2]
}

fn p95(sorted: &[f64]) -> f64 {
    sorted[(sorted.len() * 95 / 100).min(sorted.len() - 1)]
}

/// A row of `target/bench/results.md`'s table: area, what, figure, budget, verdict.
fn row(what: &str, sorted: &[f64], budget: Option<f64>) {
    let figure = format!("{:.2} ms (p95 {:.2} ms, {} runs)", median(sorted), p95(sorted), sorted.len());
    let (budget, verdict) = match budget {
        Some(b) => (format!("≤ {b} ms"), if median(sorted) <= b { "met" } else { "**missed**" }),
        None => (String::new(), ""),
    };
    console_log!("| rules (wasm) | {what} | {figure} | {budget} | {verdict} |");
}

#[wasm_bindgen_test]
#[ignore = "a benchmark: scripts/bench runs it with --include-ignored"]
fn rules_in_wasm() {
    let Ok(catalog) = vnet_flows::shipped_catalog() else {
        console_log!("the shipped data does not load");
        return;
    };
    let Some(id) = catalog.scenario_id(rules_gen::SCENARIO) else { return };
    let scenario = &catalog.scenarios[id];
    let plan = rules_gen::needed(&catalog);
    let small = rules_gen::exported(&plan);
    let large = rules_gen::large(&plan, rules_gen::NSG_RULES, rules_gen::FIREWALL_RULES, rules_gen::SEED);
    let (nsg_rules, firewall_rules) = large.counts();
    let options = rules_gen::check_options();
    let default = resolve(&catalog, id, &Config::defaults(&catalog, scenario));
    let exported = Config::with_settings(&catalog, scenario, [rules_gen::EXPORTED])
        .unwrap_or_else(|_| Config::defaults(&catalog, scenario));
    let exported = resolve(&catalog, id, &exported);
    let size = format!("{nsg_rules} NSG + {firewall_rules} firewall rules");

    let end_to_end = |files: &rules_gen::Files, r| {
        let set = files.read();
        Checker::new(&catalog, set, &options).check(r).flows.len()
    };
    row(
        &format!("read, prepare and check one compute configuration (default), {size}"),
        &time(15, || end_to_end(&large, &default)),
        Some(50.0),
    );
    row(
        &format!("the same for `{}` (through the firewall), {size}", rules_gen::EXPORTED),
        &time(15, || end_to_end(&large, &exported)),
        Some(50.0),
    );
    row(
        &format!("read both files ({} + {} bytes of JSON)", large.nsg.len(), large.firewall.len()),
        &time(15, || large.read()),
        None,
    );
    let set = std::rc::Rc::new(large.read());
    row("Checker::new", &time(30, || Checker::new(&catalog, set.clone(), &options).env.subnets.len()), None);
    let checker = Checker::new(&catalog, set, &options);
    row("check the default configuration", &time(30, || checker.check(&default).flows.len()), None);
    row(&format!("check `{}`", rules_gen::EXPORTED), &time(15, || checker.check(&exported).flows.len()), None);
    row(
        &format!("read, prepare and check the default with the exported rules alone (`--vnet {}`)", rules_gen::VNET),
        &time(30, || end_to_end(&small, &default)),
        None,
    );
}

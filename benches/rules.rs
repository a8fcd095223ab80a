//! Measures rules as code at the size administrators' files reach: reading a 1,000-rule NSG and a
//! 500-rule firewall policy (made by `support/rules_gen.rs`, the same every run), preparing the checker,
//! and checking every configuration of the compute scenario against them, next to the same
//! figures for the rules `vnet-flows export` writes alone. The goal is under 5 µs per flow.
//! A benchmark, not a test: it asserts nothing and prints figures.
//!
//! Run with `cargo bench --bench rules`.

#[path = "support/rules_gen.rs"]
mod rules_gen;

#[path = "support/timing.rs"]
mod timing;

use std::hint::black_box;
use std::time::{Duration, Instant};

use rules_gen::Files;
use timing::{median, p95, time};
use vnet_flows::config::Config;
use vnet_flows::resolve::{Resolution, resolve};
use vnet_flows::ruleset::report::FlowVerdict;
use vnet_flows::ruleset::verify::Checker;

/// Milliseconds with two decimals, or microseconds below one millisecond.
fn short(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{:.0} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    }
}

/// What one case measured, for the table by `egress` value.
struct Measured {
    name: String,
    /// Per configuration: its `egress` value, flows checked, and each round's time.
    configs: Vec<(String, usize, Vec<Duration>)>,
}

/// One case's row: read, prepare, check every configuration `rounds` times.
fn row(
    name: &str,
    files: &Files,
    catalog: &vnet_flows::model::Catalog,
    resolutions: &[Resolution],
    rounds: usize,
) -> Measured {
    let options = rules_gen::check_options();
    let (nsg_rules, firewall_rules) = files.counts();
    let read = time(rounds.max(5), || files.read());
    let set = std::rc::Rc::new(files.read());
    let prepare = time(rounds.max(5) * 4, || Checker::new(catalog, set.clone(), &options).env.subnets.len());
    let checker = Checker::new(catalog, set, &options);

    let (mut flows, mut hops, mut verdicts) = (0_usize, 0_usize, [0_usize; 3]);
    let mut measured = Measured { name: name.to_string(), configs: Vec::new() };
    for r in resolutions {
        let report = checker.check(r);
        flows += report.flows.len();
        hops += report.flows.iter().map(|f| f.hops.len()).sum::<usize>();
        for f in &report.flows {
            verdicts[match f.verdict {
                FlowVerdict::Allowed => 0,
                FlowVerdict::Unresolved => 1,
                FlowVerdict::Blocked => 2,
            }] += 1;
        }
        let pairs = r.config.pairs(&r.catalog, r.scenario());
        let egress = pairs.iter().find(|(k, _)| *k == "egress").map_or("", |(_, v)| *v);
        measured.configs.push((egress.to_string(), report.flows.len(), Vec::with_capacity(rounds)));
    }
    // The verdicts alone (what a change of configuration needs), then the whole report with its
    // unneeded and retired rules (which lists every rule no flow reaches).
    let mut per_config = Vec::with_capacity(resolutions.len() * rounds);
    let start = Instant::now();
    for _ in 0..rounds {
        for (r, (_, _, times)) in resolutions.iter().zip(&mut measured.configs) {
            let t = Instant::now();
            black_box(checker.verdicts(r).len());
            let elapsed = t.elapsed();
            per_config.push(elapsed);
            times.push(elapsed);
        }
    }
    let total = start.elapsed();
    per_config.sort_unstable();
    let reports = time(resolutions.len(), {
        let mut i = 0;
        move || {
            i = (i + 1) % resolutions.len();
            checker.check(&resolutions[i]).unneeded.len()
        }
    });
    let per_flow = total.as_secs_f64() * 1e6 / (flows * rounds).max(1) as f64;
    println!(
        "| {name} | {nsg_rules} | {firewall_rules} | {} | {} | {} | {} / {} | {} / {} | {flows} | {hops} | {}/{}/{} | **{per_flow:.2} µs** |",
        short(median(&read)),
        short(median(&prepare)),
        resolutions.len(),
        short(median(&per_config)),
        short(p95(&per_config)),
        short(median(&reports)),
        short(p95(&reports)),
        verdicts[0],
        verdicts[1],
        verdicts[2],
    );
    measured
}

/// The same checks split by the `egress` setting: what the firewall's rules cost.
fn by_egress(all: &[Measured]) {
    println!();
    println!("| rules | egress | configs | verdicts per config p50 / p95 | flows per config | per flow |");
    println!("|---|---|---|---|---|---|");
    for m in all {
        let mut values: Vec<&str> = m.configs.iter().map(|(e, _, _)| e.as_str()).collect();
        values.sort_unstable();
        values.dedup();
        for value in values {
            let configs: Vec<_> = m.configs.iter().filter(|(e, _, _)| e == value).collect();
            let mut times: Vec<Duration> = configs.iter().flat_map(|(_, _, t)| t.iter().copied()).collect();
            times.sort_unstable();
            let total: Duration = times.iter().sum();
            let rounds = configs.first().map_or(1, |(_, _, t)| t.len()).max(1);
            let flows: usize = configs.iter().map(|(_, f, _)| f).sum();
            println!(
                "| {} | {value} | {} | {} / {} | {:.1} | {:.2} µs |",
                m.name,
                configs.len(),
                short(median(&times)),
                short(p95(&times)),
                flows as f64 / configs.len() as f64,
                total.as_secs_f64() * 1e6 / (flows * rounds).max(1) as f64
            );
        }
    }
}

fn main() {
    let catalog = match vnet_flows::shipped_catalog() {
        Ok(c) => c,
        Err(errors) => {
            eprintln!("the shipped data does not load: {} problems", errors.len());
            std::process::exit(1);
        }
    };
    let Some(id) = catalog.scenario_id(rules_gen::SCENARIO) else {
        eprintln!("no {} scenario in the shipped data", rules_gen::SCENARIO);
        std::process::exit(1);
    };
    let scenario = &catalog.scenarios[id];
    let plan = rules_gen::needed(&catalog);
    let small = rules_gen::exported(&plan);
    let generated = Instant::now();
    let large = rules_gen::large(&plan, rules_gen::NSG_RULES, rules_gen::FIREWALL_RULES, rules_gen::SEED);
    let generated = generated.elapsed();
    let configs = Config::combinations(&catalog, scenario);
    let resolutions: Vec<Resolution> = configs.iter().map(|c| resolve(&catalog, id, c)).collect();

    println!(
        "rule files: exported {} + {} bytes; large {} + {} bytes (generated in {}, seed {:#x}); \
         --region {} --vnet {}; the export of `{}` with a deny-all outbound is hidden in the large files",
        small.nsg.len(),
        small.firewall.len(),
        large.nsg.len(),
        large.firewall.len(),
        short(generated),
        rules_gen::SEED,
        rules_gen::REGION,
        rules_gen::VNET,
        rules_gen::EXPORTED,
    );
    println!();
    println!(
        "| rules | NSG rules | firewall rules | read p50 | Checker::new p50 | configs | verdicts per config p50 / p95 | whole report per config p50 / p95 | flows | hops | flows allowed/unresolved/blocked | verdicts per flow |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    let measured = [
        row("exported alone", &small, &catalog, &resolutions, 20),
        row("1,000 NSG + 500 firewall", &large, &catalog, &resolutions, 3),
    ];
    by_egress(&measured);

    // What the widget does for one configuration: read both files, prepare, check the default.
    let default = resolve(&catalog, id, &Config::defaults(&catalog, scenario));
    let once = time(10, || {
        let set = large.read();
        Checker::new(&catalog, set, &rules_gen::check_options()).check(&default).flows.len()
    });
    println!();
    println!(
        "one configuration end to end (read 1,000 + 500 rules, Checker::new, check the default): median {}, p95 {} (10 runs)",
        short(median(&once)),
        short(p95(&once))
    );
}

//! Prints how long the model and the scene take: loading the data, checking it, resolving every
//! configuration of every scenario, laying the diagram out, and building a frame's shapes.
//! A benchmark, not a test: it asserts nothing and prints figures.
//!
//! Run with `cargo bench --bench resolve`.

#[path = "support/timing.rs"]
mod timing;

use std::hint::black_box;
use std::time::{Duration, Instant};

use timing::{median, p95, time};
use vnet_flows::check::check;
use vnet_flows::config::Config;
use vnet_flows::export::{Report, markdown};
use vnet_flows::resolve::resolve;
use vnet_flows::scene::{Emphasis, Reach, Traffic, diagram, edge_label_rect, packet_at};

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

    let load = time(50, || vnet_flows::data::load(vnet_flows::AML_DATA).is_ok());
    println!("load and validate the data file: median {:?}, p95 {:?} (50 runs)", median(&load), p95(&load));
    let decode = time(200, || vnet_flows::shipped_catalog().is_ok());
    println!(
        "decode the built-in catalog (what the binaries do): median {:?}, p95 {:?} (200 runs)",
        median(&decode),
        p95(&decode)
    );
    let checked = time(5, || check(&catalog, vnet_flows::AML_DATA).len());
    println!("consistency check, every configuration: median {:?} (5 runs)", median(&checked));

    println!();
    println!(
        "{:<18} {:>8} {:>14} {:>14} {:>16}",
        "scenario", "configs", "resolve p50", "resolve p95", "report+markdown"
    );
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        let configs = Config::combinations(&catalog, scenario);
        let mut all = Vec::with_capacity(configs.len() * 20);
        for _ in 0..20 {
            for config in &configs {
                let start = Instant::now();
                black_box(resolve(&catalog, id, config));
                all.push(start.elapsed());
            }
        }
        all.sort_unstable();
        let default = Config::defaults(&catalog, scenario);
        let render = time(200, || {
            let r = resolve(&catalog, id, &default);
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

    // The diagram: what a scenario can show, once per scenario (it resolves every
    // configuration); its layout, once per width; per configuration change the traffic and the
    // static shapes; per animation frame where the packet is.
    println!();
    println!(
        "{:<18} {:>7} {:>12} {:>12} {:>20} {:>10}",
        "scenario", "width", "reach p50", "layout p50", "change p50/p95", "frame p50"
    );
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        let reached = time(10, || Reach::new(&catalog, id));
        let reach = Reach::new(&catalog, id);
        for width in [360.0, 1280.0] {
            let laid = time(20, || reach.layout(&catalog, width).edges.len());
            let l = reach.layout(&catalog, width);
            let configs = Config::combinations(&catalog, scenario);
            let mut change: Vec<Duration> = configs
                .iter()
                .map(|config| {
                    let start = Instant::now();
                    let t = Traffic::new(&l, &resolve(&catalog, id, config));
                    black_box(diagram(&l, &t, &t, 1.0, &Emphasis { flow: Some(0), ..Emphasis::default() }).len());
                    start.elapsed()
                })
                .collect();
            change.sort_unstable();
            let t = Traffic::new(&l, &resolve(&catalog, id, &Config::defaults(&catalog, scenario)));
            let frame = time(1000, || packet_at(&l, &t, 0, 0.37).is_some());
            println!(
                "{:<18} {:>7} {:>12?} {:>12?} {:>10?}/{:<9?} {:>10?}",
                scenario.id,
                width,
                median(&reached),
                median(&laid),
                median(&change),
                p95(&change),
                median(&frame)
            );
        }
    }

    // The scale benchmark's generated file (scripts/bench writes it): the same figures for its
    // 200-place, 500-flow scenario.
    let large = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench/large.toml");
    if let Ok(text) = std::fs::read_to_string(&large) {
        match vnet_flows::data::load(&text) {
            Ok(big) => {
                let big = std::rc::Rc::new(big);
                if let Some(id) = big.scenario_id("large") {
                    let scenario = &big.scenarios[id];
                    let reached = time(3, || Reach::new(&big, id));
                    let reach = Reach::new(&big, id);
                    let laid = time(3, || reach.layout(&big, 1280.0).edges.len());
                    let l = reach.layout(&big, 1280.0);
                    let r = resolve(&big, id, &Config::defaults(&big, scenario));
                    let traffic = time(5, || Traffic::new(&l, &r).flows.len());
                    let t = Traffic::new(&l, &r);
                    let shapes = time(5, || diagram(&l, &t, &t, 1.0, &Emphasis::default()).len());
                    let frame = time(200, || packet_at(&l, &t, 0, 0.37).is_some());
                    println!();
                    println!(
                        "large (target/bench/large.toml, {} places, {} flows): reach {:?}, layout at 1280 {:?}, traffic {:?}, static shapes {:?}, frame {:?}",
                        l.nodes.len(),
                        r.flows.len(),
                        median(&reached),
                        median(&laid),
                        median(&traffic),
                        median(&shapes),
                        median(&frame)
                    );
                }
            }
            Err(errors) => println!("\n{}: {} problems", large.display(), errors.len()),
        }
    }

    // Layout quality: how often two edge labels overlap, over every configuration. Labels never
    // cover nodes (a test checks that); in narrow layouts they may cover each other.
    println!();
    for width in [360.0, 1280.0] {
        let (mut overlapping, mut pairs) = (0_usize, 0_usize);
        for id in catalog.scenario_ids() {
            let scenario = &catalog.scenarios[id];
            let l = Reach::new(&catalog, id).layout(&catalog, width);
            for config in Config::combinations(&catalog, scenario) {
                let t = Traffic::new(&l, &resolve(&catalog, id, &config));
                let rects: Vec<_> = (0..l.edges.len())
                    .filter_map(|e| t.edges[e].as_ref().map(|u| edge_label_rect(&l, e, &u.label)))
                    .collect();
                for (i, a) in rects.iter().enumerate() {
                    for b in &rects[i + 1..] {
                        pairs += 1;
                        overlapping += a.overlaps(b) as usize;
                    }
                }
            }
        }
        println!(
            "edge labels at {width}px: {overlapping} of {pairs} label pairs overlap ({:.2}%), over every configuration",
            100.0 * overlapping as f64 / pairs.max(1) as f64
        );
    }
}

//! Writes the benchmark's generated rule files (a 1,000-rule NSG and a 500-rule firewall policy,
//! the same as `cargo bench --bench rules` checks) into a directory, for the browser benchmark's
//! "Check my rules" rows, with the exported rules alone beside them (`exported-*.json`).
//! Usage: `cargo run --release --example rule_files -- DIR`.

#[path = "../benches/support/rules_gen.rs"]
#[allow(dead_code)]
mod rules_gen;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: rule_files DIR");
        std::process::exit(2);
    };
    let Ok(catalog) = vnet_flows::shipped_catalog() else {
        eprintln!("the shipped data did not load");
        std::process::exit(1);
    };
    let plan = rules_gen::needed(&catalog);
    let files = rules_gen::large(&plan, rules_gen::NSG_RULES, rules_gen::FIREWALL_RULES, rules_gen::SEED);
    let exported = rules_gen::exported(&plan);
    let write = |name: &str, text: &str| {
        let path = std::path::Path::new(&dir).join(name);
        if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, text)) {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
    };
    write("nsg.json", &files.nsg);
    write("policy.json", &files.firewall);
    write("exported-nsg.json", &exported.nsg);
    write("exported-policy.json", &exported.firewall);
    println!(
        "wrote nsg.json ({} bytes), policy.json ({} bytes) and the exported rules alone in {dir}",
        files.nsg.len(),
        files.firewall.len()
    );
}

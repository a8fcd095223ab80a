//! The diagram as Mermaid flowchart text, for docs that cannot run wasm, and the reference the
//! benchmark draws with Mermaid.
//!
//! The places the configuration uses are nodes grouped in one subgraph per zone; each pair of
//! places the traffic connects is one animated edge, labelled with its step numbers and the
//! protocol and ports, and coloured by the kind of rule it needs as on the widget's canvas.

use std::fmt::Write;

use crate::model::{Direction, Zone};
use crate::resolve::Resolution;

/// Edge colours by kind of traffic: inbound, outbound, private endpoint, inside one network
/// (the light theme's).
const COLOURS: [&str; 4] = ["#b5420e", "#0b5cad", "#1a7f37", "#6e7781"];

/// Renders the resolution as a Mermaid 11+ flowchart (edge ids and `animate` need 11.6 or later).
pub fn mermaid(r: &Resolution) -> String {
    let catalog = r.catalog;
    // Edges in order of first use: (from, to, kind), with step numbers and port labels.
    let mut edges: Vec<(usize, usize, usize, Vec<usize>, Vec<String>)> = Vec::new();
    let mut used = vec![false; catalog.nodes.len()];
    for (step, flow) in r.flows.iter().enumerate() {
        for hop in &flow.hops {
            used[hop.from] = true;
            used[hop.to] = true;
            let kind = match hop.rule.map(|i| catalog.rules[i].direction) {
                Some(Direction::Inbound) => 0,
                Some(Direction::Outbound) => 1,
                Some(Direction::Private) => 2,
                None => 3,
            };
            let ports = match hop.rule {
                Some(i) => {
                    let rule = &catalog.rules[i];
                    let list: Vec<String> = rule.ports.iter().map(|p| p.to_string()).collect();
                    format!("{} {}", rule.protocol.id(), list.join(", "))
                }
                None => format!("{} {}", hop.protocol.id(), hop.port),
            };
            match edges.iter_mut().find(|e| e.0 == hop.from && e.1 == hop.to && e.2 == kind) {
                Some(edge) => {
                    if !edge.3.contains(&(step + 1)) {
                        edge.3.push(step + 1);
                    }
                    if !edge.4.contains(&ports) {
                        edge.4.push(ports);
                    }
                }
                None => edges.push((hop.from, hop.to, kind, vec![step + 1], vec![ports])),
            }
        }
    }

    let id = |n: usize| format!("n_{}", catalog.nodes[n].id.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
    let mut out = String::new();
    // Writing to a String cannot fail; the results of write! are ignored below for that reason.
    let title = r.scenario.title.replace('\\', "\\\\").replace('"', "\\\"");
    let _ = writeln!(out, "---\ntitle: \"{title}\"\n---");
    out.push_str("flowchart LR\n");
    for zone in Zone::ALL {
        let members: Vec<usize> =
            (0..catalog.nodes.len()).filter(|&n| used[n] && catalog.nodes[n].zone == zone).collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  subgraph z_{}[\"{}\"]", zone.id(), quote(zone.label()));
        for n in members {
            let node = &catalog.nodes[n];
            let label = match &node.subnet {
                Some(subnet) => format!("{}<br/><small>{} subnet</small>", quote(&node.label), quote(subnet)),
                None => quote(&node.label),
            };
            let _ = writeln!(out, "    {}[\"{label}\"]", id(n));
        }
        out.push_str("  end\n");
    }
    for (i, (from, to, _, steps, ports)) in edges.iter().enumerate() {
        let numbers: Vec<String> = steps.iter().map(|s| s.to_string()).collect();
        let _ = writeln!(
            out,
            "  {} e{i}@-->|\"{} · {}\"| {}",
            id(*from),
            numbers.join(", "),
            quote(&ports.join(" · ")),
            id(*to)
        );
    }
    for i in 0..edges.len() {
        let _ = writeln!(out, "  e{i}@{{ animate: true }}");
    }
    for (i, edge) in edges.iter().enumerate() {
        let _ = writeln!(out, "  linkStyle {i} stroke:{},stroke-width:2px", COLOURS[edge.2]);
    }
    out
}

/// Text made safe inside a double-quoted Mermaid label: quotes and angle brackets become
/// character codes, and a line break a space.
fn quote(text: &str) -> String {
    text.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;").replace('\n', " ")
}

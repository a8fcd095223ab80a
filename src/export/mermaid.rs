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

/// One edge of the chart: the traffic of one kind between two places.
struct Edge {
    from: usize,
    to: usize,
    /// Inbound, outbound, private endpoint, inside one network: an index into [`COLOURS`].
    kind: usize,
    /// 1-based step numbers, in order of first use.
    steps: Vec<usize>,
    /// `TCP 443`-style labels of the rules it needs.
    ports: Vec<String>,
}

/// Renders the resolution as a Mermaid 11+ flowchart (edge ids and `animate` need 11.6 or later).
pub fn mermaid(r: &Resolution) -> String {
    let catalog = &*r.catalog;
    // Edges in order of first use: (from, to, kind), with step numbers and port labels.
    let mut edges: Vec<Edge> = Vec::new();
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
            match edges.iter_mut().find(|e| e.from == hop.from && e.to == hop.to && e.kind == kind) {
                Some(edge) => {
                    if !edge.steps.contains(&(step + 1)) {
                        edge.steps.push(step + 1);
                    }
                    if !edge.ports.contains(&ports) {
                        edge.ports.push(ports);
                    }
                }
                None => {
                    edges.push(Edge { from: hop.from, to: hop.to, kind, steps: vec![step + 1], ports: vec![ports] })
                }
            }
        }
    }

    let id = |n: usize| format!("n_{}", catalog.nodes[n].id.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
    let mut out = String::new();
    // Writing to a String cannot fail; the results of write! are ignored below for that reason.
    let title = r.scenario().title.replace('\\', "\\\\").replace('"', "\\\"");
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
    for (i, edge) in edges.iter().enumerate() {
        let numbers: Vec<String> = edge.steps.iter().map(|s| s.to_string()).collect();
        let _ = writeln!(
            out,
            "  {} e{i}@-->|\"{} · {}\"| {}",
            id(edge.from),
            numbers.join(", "),
            quote(&edge.ports.join(" · ")),
            id(edge.to)
        );
    }
    for i in 0..edges.len() {
        let _ = writeln!(out, "  e{i}@{{ animate: true }}");
    }
    for (i, edge) in edges.iter().enumerate() {
        let _ = writeln!(out, "  linkStyle {i} stroke:{},stroke-width:2px", COLOURS[edge.kind]);
    }
    out
}

/// Text made safe inside a double-quoted Mermaid label: quotes and angle brackets become
/// character codes, and a line break a space.
fn quote(text: &str) -> String {
    text.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;").replace('\n', " ")
}

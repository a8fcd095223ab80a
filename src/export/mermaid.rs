//! The diagram as Mermaid flowchart text, for docs that cannot run wasm, and the reference the
//! benchmark draws with Mermaid.
//!
//! The places the configuration uses are nodes grouped in one subgraph per zone; each pair of
//! places the traffic connects is one animated edge, labelled with its flow numbers and the
//! protocol and ports, and coloured by the kind of rule it needs in the widget's light theme.

use std::fmt::Write;

use crate::model::{NodeId, Zone};
use crate::paint::{Palette, hex};
use crate::resolve::Resolution;
use crate::scene::{Groups, Ink, ports_label};

/// Renders the resolution as a Mermaid 11+ flowchart (edge ids and `animate` need 11.6 or later).
pub fn mermaid(r: &Resolution) -> String {
    let catalog = &*r.catalog;
    let (groups, _) = Groups::of(r);
    let edges = groups.list;
    let mut used = vec![false; catalog.nodes.len()];
    for edge in &edges {
        used[edge.from.0] = true;
        used[edge.to.0] = true;
    }

    let id = |n: NodeId| format!("n_{}", catalog.nodes[n].id.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
    let mut out = String::new();
    // Writing to a String cannot fail; the results of write! are ignored below for that reason.
    let title = r.scenario().title.replace('\\', "\\\\").replace('"', "\\\"");
    let _ = writeln!(out, "---\ntitle: \"{title}\"\n---");
    out.push_str("flowchart LR\n");
    for zone in Zone::ALL {
        let members: Vec<NodeId> = (0..catalog.nodes.len())
            .filter(|&n| used[n])
            .map(NodeId)
            .filter(|&n| catalog.nodes[n].zone == zone)
            .collect();
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
        let numbers: Vec<String> = edge.flows.iter().map(|f| (f + 1).to_string()).collect();
        let _ = writeln!(
            out,
            "  {} e{i}@-->|\"{} · {}\"| {}",
            id(edge.from),
            numbers.join(", "),
            quote(&ports_label(&edge.ports)),
            id(edge.to)
        );
    }
    for i in 0..edges.len() {
        let _ = writeln!(out, "  e{i}@{{ animate: true }}");
    }
    for (i, edge) in edges.iter().enumerate() {
        let colour = hex(Palette::LIGHT.rgb(Ink::Flow(edge.kind)));
        let _ = writeln!(out, "  linkStyle {i} stroke:{colour},stroke-width:2px");
    }
    out
}

/// Text made safe inside a double-quoted Mermaid label: quotes and angle brackets become
/// character codes, and a line break a space.
fn quote(text: &str) -> String {
    text.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;").replace('\n', " ")
}

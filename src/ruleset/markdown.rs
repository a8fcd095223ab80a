//! The check report as Markdown, for a terminal or a pull request comment.

use super::report::{CheckReport, FlowCheck, FlowVerdict, HopCheck, HopVerdict};

/// Renders the whole report: summary, flows, the blocked and unresolved hops with their fixes,
/// unneeded and obsolete rules, assumptions and errors.
pub fn markdown(report: &CheckReport) -> String {
    let mut out = String::new();
    let config: Vec<String> = report.config.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
    out.push_str(&format!("# Rule check: {} ({})\n\n", report.scenario, config.join(" ")));
    let region = report.region.as_deref().unwrap_or("the workspace's region (assumed; give --region)");
    out.push_str(&format!("Region: {region}.\n\n**{}**\n\n", report.summary()));
    flows_table(&mut out, &report.flows);
    for flow in report.flows.iter().filter(|f| f.verdict != FlowVerdict::Allowed) {
        flow_details(&mut out, flow);
    }
    list(
        &mut out,
        "Rules that admit nothing this configuration needs",
        report.unneeded.iter().map(|u| format!("`{}` in {} ({}): {}", u.rule, u.set, u.file, u.why)),
    );
    list(
        &mut out,
        "Rules the docs have dropped",
        report
            .obsolete
            .iter()
            .map(|o| format!("`{}` in {} ({}): {} Sources: {}.", o.rule, o.set, o.file, o.note, o.sources.join(", "))),
    );
    list(&mut out, "Assumptions", report.assumptions.iter().cloned());
    list(
        &mut out,
        "Problems in the files",
        report.errors.iter().map(|e| format!("{} at {}: {}", e.file, e.at, e.message)),
    );
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn flows_table(out: &mut String, flows: &[FlowCheck]) {
    out.push_str("| Flow | Verdict | Purpose |\n|---|---|---|\n");
    for f in flows {
        out.push_str(&format!("| `{}` | {} | {} |\n", f.id, f.verdict.id(), cell(&f.purpose)));
    }
    out.push('\n');
}

fn flow_details(out: &mut String, flow: &FlowCheck) {
    out.push_str(&format!("## `{}`: {}\n\n{}\n\n", flow.id, flow.verdict.id(), flow.purpose));
    for hop in flow.hops.iter().filter(|h| matches!(h.verdict, HopVerdict::Blocked | HopVerdict::Unresolved)) {
        hop_details(out, hop);
    }
}

fn hop_details(out: &mut String, hop: &HopCheck) {
    out.push_str(&format!(
        "- **{}**: {} → {}, {} {}. {}\n",
        hop.verdict.id(),
        hop.from,
        hop.to,
        hop.protocol,
        hop.port,
        hop.reason
    ));
    let mut needs = Vec::new();
    if let Some(tag) = &hop.needs.service_tag {
        needs.push(format!("service tag `{tag}`"));
    }
    if !hop.needs.fqdns.is_empty() {
        let hosts: Vec<String> = hop.needs.fqdns.iter().map(|h| format!("`{h}`")).collect();
        needs.push(format!("hosts {}", hosts.join(", ")));
    }
    if !needs.is_empty() {
        out.push_str(&format!("  Needs: {}.\n", needs.join("; ")));
    }
    if let Some(fix) = &hop.fix {
        out.push_str("  Fix:\n\n  ```text\n");
        for line in fix.lines() {
            out.push_str(&format!("  {line}\n"));
        }
        out.push_str("  ```\n");
    }
    out.push('\n');
}

fn list(out: &mut String, heading: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("## {heading}\n\n"));
    for item in items {
        out.push_str(&format!("- {}\n", cell(&item)));
    }
    out.push('\n');
}

//! The requirements table as Markdown, ready to paste into the article: one table of rules,
//! then the traffic in order, the notes (including where the docs disagree), the setup steps,
//! warnings and the sources cited.

use std::fmt::Write;

use super::Report;
use crate::model::{NodeId, Severity};
use crate::resolve::Resolution;

/// Renders the resolution as a Markdown section.
pub fn markdown(r: &Resolution) -> String {
    let report = Report::new(r);
    let mut out = String::new();
    let settings: Vec<String> = report.config.0.iter().map(|(k, v)| format!("`{k}={v}`")).collect();
    // Writing to a String cannot fail; the results of writeln! are ignored below for that reason.
    let _ = writeln!(out, "### {}\n", r.scenario().title);
    let _ = writeln!(out, "Configuration: {}\n", settings.join(", "));

    for f in report.findings.iter().filter(|f| f.severity == Severity::Blocked) {
        let _ = writeln!(out, "> **Blocked:** {}\n", escape(&f.text));
    }

    let mut notes: Vec<(usize, &String)> = Vec::new();
    if report.rules.is_empty() {
        out.push_str("No inbound or outbound rules are needed.\n\n");
    } else {
        out.push_str("| # | Direction | Source | Destination | Service tag | Host names | Protocol | Ports | Why | When | Sources |\n");
        out.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (i, rule) in report.rules.iter().enumerate() {
            let n = i + 1;
            notes.extend(rule.notes.iter().map(|note| (n, note)));
            let code = |items: &[String]| items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join("<br>");
            let direction = rule.direction.heading();
            let tag = rule.service_tag.as_ref().map(|t| format!("`{t}`")).unwrap_or_else(|| "–".into());
            let hosts = if rule.fqdns.is_empty() { "–".to_string() } else { code(&rule.fqdns) };
            let mut why = escape(&rule.purpose);
            if !rule.notes.is_empty() {
                why.push_str(" (see note)");
            }
            let _ = writeln!(
                out,
                "| {n} | {direction} | {} | {} | {tag} | {hosts} | {} | {} | {why} | {} | {} |",
                escape(&rule.source),
                escape(&rule.destination),
                rule.protocol,
                rule.ports.join(", "),
                escape(&rule.condition),
                rule_sources(r, i),
            );
        }
        out.push('\n');
    }

    if !r.flows.is_empty() {
        out.push_str("**Traffic, in order**\n\n");
        for (i, flow) in r.flows.iter().enumerate() {
            let purpose = &r.catalog.flows[flow.flow].purpose;
            let blocked = if flow.blocked { " Blocked in this configuration." } else { "" };
            let _ = writeln!(out, "{}. {} {}{blocked}", i + 1, path(r, flow), escape(purpose));
        }
        out.push('\n');
    }

    if !notes.is_empty() {
        out.push_str("**Notes, including where the docs disagree**\n\n");
        for (n, note) in notes {
            let _ = writeln!(out, "- Row {n}: {}", escape(note));
        }
        out.push('\n');
    }
    if !r.steps.is_empty() {
        out.push_str("**Setup that is not a rule**\n\n");
        for &i in &r.steps {
            let step = &r.catalog.steps[i];
            let _ = writeln!(out, "- {}: {} ({})", step.kind.label(), escape(&step.text), step.sources.join(", "));
        }
        out.push('\n');
    }
    let warnings: Vec<_> = report.findings.iter().filter(|f| f.severity == Severity::Warning).collect();
    if !warnings.is_empty() {
        out.push_str("**Watch out**\n\n");
        for f in warnings {
            let _ = writeln!(out, "- {}", escape(&f.text));
        }
        out.push('\n');
    }
    let cited = cited_sources(r);
    if !cited.is_empty() {
        out.push_str("**Sources**\n\n");
        for s in cited {
            let _ = writeln!(out, "- {}: {}, `{}` in {} ({})", s.id, escape(&s.title), s.path, s.repo, s.date);
        }
        out.push('\n');
    }
    out
}

/// `**A → B → C** (TCP 443).`, or with a port after each hop when they differ.
fn path(r: &Resolution, flow: &crate::resolve::RoutedFlow) -> String {
    let label = |n: NodeId| r.catalog.nodes[n].label.clone();
    let Some(first) = flow.hops.first() else { return String::new() };
    let uniform = flow.hops.iter().all(|h| h.protocol == first.protocol && h.port == first.port);
    let port = |hop: &crate::resolve::RoutedHop| format!(" ({} {})", hop.protocol.id(), hop.port);
    let mut text = format!("**{}**", flow.path(label, |hop| if uniform { String::new() } else { port(hop) }));
    if uniform {
        text.push_str(&port(first));
    }
    text.push('.');
    text
}

/// The source ids of the rule at position `i` of the resolution's rules.
fn rule_sources(r: &Resolution, i: usize) -> String {
    r.catalog.rules[r.rules[i]].sources.join(", ")
}

/// Every source that the rules, steps and findings of `r` cite, in catalog order.
fn cited_sources(r: &Resolution) -> Vec<&crate::model::Source> {
    let catalog = &*r.catalog;
    let mut ids: Vec<&str> = Vec::new();
    ids.extend(r.rules.iter().flat_map(|&i| catalog.rules[i].sources.iter().map(String::as_str)));
    ids.extend(r.steps.iter().flat_map(|&i| catalog.steps[i].sources.iter().map(String::as_str)));
    ids.extend(r.findings.iter().flat_map(|&i| catalog.findings[i].sources.iter().map(String::as_str)));
    catalog.sources.iter().filter(|s| ids.contains(&s.id.as_str())).collect()
}

/// Escapes the characters that would break a table cell or start markup.
fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

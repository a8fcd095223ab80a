//! The requirements as plain semantic HTML: what a docs build puts inside `<vnet-flows>` so
//! readers without JavaScript (and everyone, while the widget loads) still get the rules.
//!
//! The fragment has no classes that need the widget's stylesheet, no scripts and no inline
//! styles: a table with a caption and header cells, then ordered and unordered lists. Every text
//! from the data is escaped.

use std::fmt::Write;

use super::Report;
use crate::model::NodeId;
use crate::resolve::Resolution;

/// Renders the resolution as an HTML fragment (a `<section>`), headed at level 3.
pub fn html(r: &Resolution) -> String {
    let report = Report::new(r);
    let catalog = &*r.catalog;
    let mut out = String::new();
    let settings: Vec<String> =
        report.config.0.iter().map(|(k, v)| format!("<code>{}={}</code>", escape(k), escape(v))).collect();
    // Writing to a String cannot fail; the results of write! are ignored below for that reason.
    let _ = writeln!(out, "<section class=\"vf-static\" data-scenario=\"{}\">", escape(&report.scenario));
    let _ = writeln!(out, "<h3>{}</h3>", escape(&r.scenario().title));
    let _ = writeln!(out, "<p>Configuration: {}</p>", settings.join(", "));
    for f in &report.findings {
        let label = f.severity.label();
        let _ = writeln!(out, "<p><strong>{label}:</strong> {}</p>", escape(&f.text));
    }

    if report.rules.is_empty() {
        out.push_str("<p>No inbound or outbound rules are needed.</p>\n");
    } else {
        let _ = writeln!(out, "<table>\n<caption>Network rules for {}</caption>", escape(&r.scenario().title));
        out.push_str("<thead><tr>");
        for head in [
            "#",
            "Direction",
            "Source",
            "Destination",
            "Service tag",
            "Host names",
            "Protocol",
            "Ports",
            "Why",
            "When",
            "Sources",
        ] {
            let _ = write!(out, "<th scope=\"col\">{head}</th>");
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (i, rule) in report.rules.iter().enumerate() {
            let direction = rule.direction.heading();
            let codes = |items: &[String]| {
                if items.is_empty() {
                    "–".to_string()
                } else {
                    items.iter().map(|s| format!("<code>{}</code>", escape(s))).collect::<Vec<_>>().join("<br>")
                }
            };
            let tag = codes(rule.service_tag.as_slice());
            let mut why = escape(&rule.purpose);
            if !rule.notes.is_empty() {
                why.push_str(" <em>(the docs differ: see the notes)</em>");
            }
            let sources = catalog.rules[r.rules[i]].sources.iter().map(|id| cite(r, id)).collect::<Vec<_>>().join(", ");
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{direction}</td><td>{}</td><td>{}</td><td>{tag}</td><td>{}</td><td>{}</td><td>{}</td><td>{why}</td><td>{}</td><td>{sources}</td></tr>",
                i + 1,
                escape(&rule.source),
                escape(&rule.destination),
                codes(&rule.fqdns),
                rule.protocol,
                escape(&rule.ports.join(", ")),
                escape(&rule.condition),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }

    if !r.flows.is_empty() {
        out.push_str("<h4>Traffic, in order</h4>\n<ol>\n");
        for flow in &r.flows {
            let label = |n: NodeId| escape(&catalog.nodes[n].label);
            let path = flow.path(label, |hop| format!(" ({} {})", hop.protocol.id(), hop.port));
            let blocked = if flow.blocked { " <strong>Blocked in this configuration.</strong>" } else { "" };
            let _ = writeln!(out, "<li>{path}: {}{blocked}</li>", escape(&catalog.flows[flow.flow].purpose));
        }
        out.push_str("</ol>\n");
    }
    let notes: Vec<(usize, &String)> =
        report.rules.iter().enumerate().flat_map(|(i, rule)| rule.notes.iter().map(move |n| (i + 1, n))).collect();
    if !notes.is_empty() {
        out.push_str("<h4>Notes, including where the docs disagree</h4>\n<ul>\n");
        for (n, note) in notes {
            let _ = writeln!(out, "<li>Rule {n}: {}</li>", escape(note));
        }
        out.push_str("</ul>\n");
    }
    if !r.steps.is_empty() {
        out.push_str("<h4>Setup that is not a rule</h4>\n<ul>\n");
        for &i in &r.steps {
            let step = &catalog.steps[i];
            let sources = step.sources.iter().map(|id| cite(r, id)).collect::<Vec<_>>().join(", ");
            let _ = writeln!(out, "<li>{}: {} ({sources})</li>", step.kind.label(), escape(&step.text));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
    out
}

/// A source id as a link to its article, with the article's date.
fn cite(r: &Resolution, id: &str) -> String {
    match r.catalog.source(id) {
        Some(s) => format!(
            "<a href=\"{}\" title=\"{}\">{}</a> ({})",
            escape(&s.url()),
            escape(&s.title),
            escape(&s.id),
            escape(&s.date)
        ),
        None => escape(id),
    }
}

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

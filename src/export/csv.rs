//! The requirements table as CSV (RFC 4180), one row per rule; list fields joined by `; `.

use super::Report;

/// Renders the rules of `report` as CSV with a header row.
pub fn csv(report: &Report) -> String {
    let mut out = String::from(
        "direction,source,destination,service_tag,fqdns,protocol,ports,purpose,condition,sources,notes\r\n",
    );
    for rule in &report.rules {
        let fields = [
            rule.direction.id().to_string(),
            rule.source.clone(),
            rule.destination.clone(),
            rule.service_tag.clone().unwrap_or_default(),
            rule.fqdns.join("; "),
            rule.protocol.to_string(),
            rule.ports.join("; "),
            rule.purpose.clone(),
            rule.condition.clone(),
            rule.sources.join("; "),
            rule.notes.join("; "),
        ];
        let quoted: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    }
    out
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(super::quote("443"), "443");
        assert_eq!(super::quote("a, b"), "\"a, b\"");
        assert_eq!(super::quote("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}

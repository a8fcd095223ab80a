//! The words of a check: which rule decided (file, set, name, priority), where a filter is, and
//! the reason a hop got its verdict.

use super::{Checker, Decision, Filter};
use crate::ruleset::eval::{DEFAULTS, RuleId, Verdict};
use crate::ruleset::legs::Leg;
use crate::ruleset::report::DecidedBy;

impl Checker {
    /// The file, set, name and priority of a rule.
    pub fn describe(&self, id: RuleId) -> DecidedBy {
        let nsg = |i: usize| &self.set.nsgs[i];
        match id {
            RuleId::Nsg { nsg: n, rule } => {
                let r = &nsg(n).rules[rule];
                DecidedBy {
                    file: r.origin.file.clone(),
                    set: nsg(n).name.clone(),
                    rule: r.name.clone(),
                    priority: Some(r.priority.into()),
                }
            }
            RuleId::NsgDefault { nsg: n, rule } => DecidedBy {
                file: nsg(n).origin.file.clone(),
                set: nsg(n).name.clone(),
                rule: DEFAULTS[rule].name.into(),
                priority: Some(DEFAULTS[rule].priority.into()),
            },
            RuleId::Firewall { firewall, collection, rule } => {
                let fw = &self.set.firewalls[firewall];
                let col = &fw.collections[collection];
                DecidedBy {
                    file: col.rules[rule].origin().file.clone(),
                    set: format!("{}/{}/{}", fw.name, col.group, col.name),
                    rule: col.rules[rule].name().to_string(),
                    priority: Some(col.priority),
                }
            }
            RuleId::FirewallDefault { firewall } => {
                let fw = &self.set.firewalls[firewall];
                DecidedBy {
                    file: fw.origin.file.clone(),
                    set: fw.name.clone(),
                    rule: "(no rule matched: denied)".into(),
                    priority: None,
                }
            }
        }
    }

    /// Where a filter is, for reasons: `NSG nsg-training (outbound)`.
    pub fn place(&self, filter: Filter) -> String {
        match filter {
            Filter::NsgOut(i) => format!("NSG {} (outbound)", self.set.nsgs[i].name),
            Filter::NsgIn(i) => format!("NSG {} (inbound)", self.set.nsgs[i].name),
            Filter::Firewall(i) => format!("firewall {}", self.set.firewalls[i].name),
            Filter::NoFirewall => "Azure Firewall".into(),
        }
    }

    pub(super) fn reason(&self, leg: &Leg, decisions: &[Decision], worst: &Decision) -> String {
        if worst.verdict() != Verdict::Allowed {
            return self.decision_text(leg, worst);
        }
        // Every filter allowed: one sentence per deciding rule, without the host names.
        let mut seen: Vec<(Filter, RuleId)> = Vec::new();
        let mut parts: Vec<String> = Vec::new();
        for d in decisions {
            let Some(o) = &d.outcome else { continue };
            if !seen.contains(&(d.filter, o.by)) {
                seen.push((d.filter, o.by));
                parts.push(self.decision_text(leg, &Decision { host: None, ..d.clone() }));
            }
        }
        parts.join(" ")
    }

    fn decision_text(&self, leg: &Leg, d: &Decision) -> String {
        let host = d.host.map(|h| format!(" for `{}`", leg.hosts[h])).unwrap_or_default();
        let place = self.place(d.filter);
        let Some(o) = &d.outcome else {
            return "This leg passes Azure Firewall (egress=firewall), but the files hold no firewall rules to check it against.".into();
        };
        let by = self.describe(o.by);
        let rule = match by.priority {
            Some(p) => format!("{} (priority {p})", by.rule),
            None => by.rule.clone(),
        };
        let why = o.why.as_deref().map(|w| format!(": {w}")).unwrap_or_default();
        match o.verdict {
            Verdict::Allowed => format!("{place}: allowed{host} by {rule}."),
            Verdict::Blocked => format!("{place}: blocked{host} by {rule}{why}."),
            Verdict::Unresolved => format!("{place}{host}: {rule} may or may not match{why}."),
        }
    }
}

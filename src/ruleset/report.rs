//! The report of `vnet-flows check`: plain data whose JSON is a public interface (documented in
//! the README), and its Markdown rendering.

use serde::Serialize;

use crate::export::Pairs;

/// The verdict on one configuration's flows against a rule set.
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    pub scenario: String,
    pub config: Pairs,
    /// The region checked, as given; `null` when the workspace's region was assumed.
    pub region: Option<String>,
    pub assumptions: Vec<String>,
    pub flows: Vec<FlowCheck>,
    pub unneeded: Vec<Unneeded>,
    pub obsolete: Vec<Obsolete>,
    pub errors: Vec<ErrorEntry>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HopVerdict {
    NotFiltered,
    Allowed,
    Unresolved,
    Blocked,
}

impl HopVerdict {
    pub fn id(self) -> &'static str {
        match self {
            HopVerdict::NotFiltered => "not-filtered",
            HopVerdict::Allowed => "allowed",
            HopVerdict::Unresolved => "unresolved",
            HopVerdict::Blocked => "blocked",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowVerdict {
    Allowed,
    Unresolved,
    Blocked,
}

impl FlowVerdict {
    pub fn id(self) -> &'static str {
        match self {
            FlowVerdict::Allowed => "allowed",
            FlowVerdict::Unresolved => "unresolved",
            FlowVerdict::Blocked => "blocked",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct FlowCheck {
    /// Index into `Resolution::flows` (its hops are that flow's, in order); not in the JSON.
    #[serde(skip)]
    pub index: usize,
    pub id: String,
    pub purpose: String,
    pub verdict: FlowVerdict,
    pub hops: Vec<HopCheck>,
}

impl FlowCheck {
    /// Where the rules stop this flow: the index and check of its worst hop, when that is
    /// blocked or unresolved.
    pub fn stopped_at(&self) -> Option<(usize, &HopCheck)> {
        let worst = self.hops.iter().enumerate().max_by_key(|(_, h)| h.verdict)?;
        (worst.1.verdict >= HopVerdict::Unresolved).then_some(worst)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NeedDirection {
    Inbound,
    Outbound,
}

/// What a hop asks of the rules.
#[derive(Clone, Debug, Serialize)]
pub struct Needs {
    pub direction: NeedDirection,
    pub service_tag: Option<String>,
    pub fqdns: Vec<String>,
}

/// The rule that decided: its file, its NSG or firewall collection, its name and priority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecidedBy {
    pub file: String,
    pub set: String,
    pub rule: String,
    pub priority: Option<u32>,
}

#[derive(Clone, Debug, Serialize)]
pub struct HopCheck {
    /// Node ids.
    pub from: String,
    pub to: String,
    pub protocol: &'static str,
    pub port: String,
    pub needs: Needs,
    pub verdict: HopVerdict,
    pub decided_by: Option<DecidedBy>,
    pub reason: String,
    /// For a blocked hop: the missing rule in the format of the file that blocked it.
    pub fix: Option<String>,
    /// Every rule that admitted a packet of this hop (an NSG rule and a firewall rule may both),
    /// for the widget's table and the tests; not part of the JSON.
    #[serde(skip)]
    pub admitted_by: Vec<DecidedBy>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Unneeded {
    pub file: String,
    pub set: String,
    pub rule: String,
    pub why: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Obsolete {
    pub file: String,
    pub set: String,
    pub rule: String,
    pub note: String,
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ErrorEntry {
    pub file: String,
    pub at: String,
    pub message: String,
}

/// The counts a summary line gives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub blocked: usize,
    pub unresolved: usize,
    pub allowed: usize,
    pub unneeded: usize,
    pub obsolete: usize,
}

impl CheckReport {
    pub fn counts(&self) -> Counts {
        let flows = |v| self.flows.iter().filter(|f| f.verdict == v).count();
        Counts {
            blocked: flows(FlowVerdict::Blocked),
            unresolved: flows(FlowVerdict::Unresolved),
            allowed: flows(FlowVerdict::Allowed),
            unneeded: self.unneeded.len(),
            obsolete: self.obsolete.len(),
        }
    }

    /// The command line's exit code: 3 when a flow is blocked, 4 when none is but some are
    /// unresolved, else 0.
    pub fn exit_code(&self) -> i32 {
        let c = self.counts();
        if c.blocked > 0 {
            3
        } else if c.unresolved > 0 {
            4
        } else {
            0
        }
    }

    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// `3 flows blocked, 1 unresolved, 12 allowed; 2 rules unneeded, 1 obsolete`.
    pub fn summary(&self) -> String {
        let c = self.counts();
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{} blocked, {} unresolved, {} allowed; {} unneeded, {} obsolete",
            plural(c.blocked, "flow", "flows"),
            c.unresolved,
            c.allowed,
            plural(c.unneeded, "rule", "rules"),
            c.obsolete
        )
    }
}

//! The reader's rule files checked against the configuration on show: the report, and what the
//! diagram and the table draw from it, made once per change of scenario or configuration.
//!
//! Pure, like the reducer that keeps it ([`crate::state::State::checked`]).

use std::rc::Rc;

use crate::model::RuleId;
use crate::resolve::Resolution;
use crate::ruleset::report::{CheckReport, DecidedBy, HopVerdict};
use crate::ruleset::verify::Checker;
use crate::scene::{Mark, Marks};

/// Rule files read once and prepared ([`Checker`]), and their report on the current
/// configuration.
#[derive(Clone)]
pub struct Checked {
    /// The files' names, in the order given.
    pub files: Vec<String>,
    pub checker: Rc<Checker>,
    pub report: Rc<CheckReport>,
    /// The report's verdicts as the diagram draws them, per flow and hop.
    pub marks: Rc<Marks>,
    /// Per rule of the configuration, what the files make of the hops that need it.
    pub rules: Rc<Vec<(RuleId, RuleVerdict)>>,
    /// Per flow of the resolution, where the files stop it, if they do.
    pub stops: Rc<Vec<Option<Stop>>>,
    /// The flows (indices into `Resolution::flows`) whose verdict has been announced.
    pub announced: Vec<usize>,
    /// Whether the report is whole. After a change of configuration the verdicts come at once
    /// and the rest (unneeded and retired rules, assumptions) a moment later
    /// ([`Checked::complete`]); until then the rest is the previous configuration's.
    pub complete: bool,
}

/// What the reader's rules make of one of the data's rules: the worst verdict over the hops
/// that need it, with what decided it.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleVerdict {
    pub verdict: HopVerdict,
    /// The file rules that admit its hops (for an allowed rule), or the one that blocks it.
    pub by: Vec<DecidedBy>,
    /// Why, in words, for a blocked or unresolved rule.
    pub reason: String,
    /// The missing rule, in the format of the file that blocks it.
    pub fix: Option<String>,
    /// The first flow (an index into `Resolution::flows`) that decides the verdict.
    pub flow: usize,
}

/// Where the reader's rules stop a flow: the verdict of its worst hop, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    pub verdict: HopVerdict,
    pub reason: String,
}

impl PartialEq for Checked {
    fn eq(&self, other: &Checked) -> bool {
        Rc::ptr_eq(&self.checker, &other.checker)
            && Rc::ptr_eq(&self.report, &other.report)
            && self.announced == other.announced
            && self.complete == other.complete
    }
}

impl std::fmt::Debug for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checked").field("files", &self.files).field("summary", &self.report.summary()).finish()
    }
}

impl Checked {
    /// `checker`'s whole report on `r`, and what is drawn from it.
    pub fn new(files: Vec<String>, checker: Rc<Checker>, r: &Resolution) -> Checked {
        let report = checker.check(r);
        Checked::of(files, checker, report, r, true)
    }

    /// The same rules on a new configuration `r`: its verdicts now, the rest of the last report
    /// kept until [`Checked::complete`] makes it again.
    pub fn moved(self, r: &Resolution) -> Checked {
        let mut report = self.checker.verdict_report(r);
        report.unneeded = self.report.unneeded.clone();
        report.obsolete = self.report.obsolete.clone();
        report.assumptions = self.report.assumptions.clone();
        Checked::of(self.files, self.checker, report, r, false)
    }

    /// The whole report on `r` (the configuration of the verdicts), if it is not yet. The
    /// verdicts are the same, so the marks, rule verdicts and stops are kept as they are (and
    /// the components that show only them do not render again).
    pub fn complete(&mut self, r: &Resolution) {
        if !self.complete {
            self.report = Rc::new(self.checker.check(r));
            self.complete = true;
        }
    }

    fn of(files: Vec<String>, checker: Rc<Checker>, report: CheckReport, r: &Resolution, complete: bool) -> Checked {
        let marks = marks(&report, r);
        let rules = Rc::new(rule_verdicts(&report, r));
        let stops = Rc::new(stops(&report, r));
        let (report, marks) = (Rc::new(report), Rc::new(marks));
        Checked { files, checker, report, marks, rules, stops, announced: Vec::new(), complete }
    }
}

/// The verdict on the data's rule `rule` among `verdicts`, when a checked hop needs it.
pub fn verdict_of(verdicts: &[(RuleId, RuleVerdict)], rule: RuleId) -> Option<&RuleVerdict> {
    verdicts.iter().find(|(id, _)| *id == rule).map(|(_, v)| v)
}

fn mark(verdict: HopVerdict) -> Mark {
    match verdict {
        HopVerdict::Blocked => Mark::Blocked,
        HopVerdict::Unresolved => Mark::Unresolved,
        HopVerdict::Allowed | HopVerdict::NotFiltered => Mark::Open,
    }
}

/// Per flow and hop of `r`, the mark of its verdict (open where the check did not judge it).
fn marks(report: &CheckReport, r: &Resolution) -> Marks {
    let mut marks: Marks = r.flows.iter().map(|f| vec![Mark::Open; f.hops.len()]).collect();
    for flow in &report.flows {
        let Some(list) = marks.get_mut(flow.index) else { continue };
        for (mark_of, hop) in list.iter_mut().zip(&flow.hops) {
            *mark_of = mark(hop.verdict);
        }
    }
    marks
}

/// Per flow of `r`, where the report says the rules stop it.
fn stops(report: &CheckReport, r: &Resolution) -> Vec<Option<Stop>> {
    let mut stops = vec![None; r.flows.len()];
    for flow in &report.flows {
        if let (Some(slot), Some((_, hop))) = (stops.get_mut(flow.index), flow.stopped_at()) {
            *slot = Some(Stop { verdict: hop.verdict, reason: hop.reason.clone() });
        }
    }
    stops
}

/// Per data rule that a checked hop needs, in the order first met: its worst verdict.
fn rule_verdicts(report: &CheckReport, r: &Resolution) -> Vec<(RuleId, RuleVerdict)> {
    let mut out: Vec<(RuleId, RuleVerdict)> = Vec::new();
    for flow in &report.flows {
        let Some(routed) = r.flows.get(flow.index) else { continue };
        for (hop, check) in routed.hops.iter().zip(&flow.hops) {
            let Some(rule) = hop.rule else { continue };
            let by = match check.verdict {
                HopVerdict::Allowed => check.admitted_by.clone(),
                _ => check.decided_by.iter().cloned().collect(),
            };
            let new = RuleVerdict {
                verdict: check.verdict,
                by,
                reason: check.reason.clone(),
                fix: check.fix.clone(),
                flow: flow.index,
            };
            match out.iter_mut().find(|(id, _)| *id == rule) {
                Some((_, old)) if new.verdict > old.verdict => *old = new,
                Some((_, old)) if new.verdict == old.verdict && old.verdict == HopVerdict::Allowed => {
                    for by in new.by {
                        if !old.by.contains(&by) {
                            old.by.push(by);
                        }
                    }
                }
                Some(_) => {}
                None => out.push((rule, new)),
            }
        }
    }
    out
}

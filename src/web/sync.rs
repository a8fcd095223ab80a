//! The hooks that keep the widget's state in step with the world around it: the system's
//! motion preference, the host (its requests in, every new state out) and the URL hash. Each
//! turns outside events into actions and state changes into outside effects; none decides
//! anything the reducer does not.

use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use yew::prelude::*;

use super::dom;
use crate::link;
use crate::ruleset::report::CheckReport;
use crate::state::{Action, Requests, RulesRequest, Snapshot, State};

/// The page's URL hash, with its `#`.
pub fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Follows the system's motion preference as it changes (`still` holds it at reduced).
#[hook]
pub fn use_motion_preference(still: bool, send: Callback<Action>) {
    use_effect_with((), move |_| {
        let query = web_sys::window().and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten());
        let listener = query.map(|q| {
            EventListener::new(&q, "change", move |_| send.emit(Action::ReducedMotion(still || dom::reduced_motion())))
        });
        move || drop(listener)
    });
}

/// Applies the host's new requests, once each and in order, tells the host how many are applied
/// (so it can let them go), and tells it every new state, marked with whether the reader made
/// it. What had to be ignored goes to the console too.
#[hook]
pub fn use_host(
    state: &UseReducerHandle<State>,
    requests: Rc<Requests>,
    on_applied: Option<Callback<usize>>,
    on_change: Option<Callback<(Snapshot, bool)>>,
    send: Callback<Action>,
) {
    use_effect_with(requests, move |requests| send.emit(Action::HostRequests(requests.clone())));
    use_effect_with(state.requests_seen, move |&applied| {
        if let Some(on_applied) = on_applied {
            on_applied.emit(applied);
        }
    });
    // One warning per change of notices, however many there are.
    use_effect_with(state.notices.clone(), |notices| {
        if !notices.is_empty() {
            gloo::console::warn!(format!("vnet-flows: {}", notices.join(" ")));
        }
    });
    let state = state.clone();
    use_effect_with(state.revision, move |_| {
        if let Some(on_change) = on_change {
            on_change.emit(state.report());
        }
    });
}

/// The hash: written after every change, read back when the reader edits it or goes back.
///
/// The starting state is not written, so a page's own anchor (`#dns`) stays as it came until
/// something changes, unless the hash already holds the widget's entries. The page's history
/// state is kept. Writing waits until changes pause for a moment: `history.replaceState` costs
/// about a millisecond, too much for every step of a quick succession of changes.
#[hook]
pub fn use_hash(state: &UseReducerHandle<State>, owned: bool, send: Callback<Action>) {
    let timer = use_mut_ref(|| None::<Timeout>);
    let state = state.clone();
    use_effect_with(state.revision, move |&revision| {
        let ours = || link::parse(&current_hash()).is_ours();
        if owned && (revision > 0 || ours()) {
            let write = move || {
                let hash = state.hash(&current_hash());
                if hash != current_hash()
                    && let Some(history) = web_sys::window().and_then(|w| w.history().ok())
                {
                    let data = history.state().unwrap_or(wasm_bindgen::JsValue::NULL);
                    let _ = history.replace_state_with_url(&data, "", Some(&hash));
                }
            };
            // Replacing the timeout cancels the write it would have made.
            *timer.borrow_mut() = Some(Timeout::new(150, write));
        }
    });
    use_effect_with(owned, move |&owned| {
        let listener = owned.then(|| {
            let window = web_sys::window().expect("a window");
            EventListener::new(&window, "hashchange", move |_| send.emit(Action::HashChanged(current_hash())))
        });
        move || drop(listener)
    });
}

/// What the host hears of a check: the number of its last rules request applied, and the report
/// on the configuration on show (`None` once the rules are cleared).
pub type CheckNews = (u64, Option<Rc<CheckReport>>);

/// Applies the host's `checkRules`/`clearRules` once each; after a change of configuration asks
/// for the rest of the report a moment later (so the change draws first); and tells the host
/// every whole report (the reader's checks and every change while rules are loaded) and every
/// clearing.
#[hook]
pub fn use_host_rules(
    state: &UseReducerHandle<State>,
    request: Option<Rc<RulesRequest>>,
    on_check: Option<Callback<CheckNews>>,
    send: Callback<Action>,
) {
    {
        let send = send.clone();
        use_effect_with(request, move |request| {
            if let Some(request) = request {
                fail_for_test(request);
                send.emit(Action::HostRules(request.clone()));
            }
        });
    }
    let report = state.checked.as_ref().map(|c| c.report.clone());
    let pointer = report.as_ref().map(|r| Rc::as_ptr(r) as usize);
    let pending = state.checked.as_ref().is_some_and(|c| !c.complete);
    use_effect_with((pending, pointer), move |&(pending, _)| {
        if pending {
            Timeout::new(0, move || send.emit(Action::CompleteCheck)).forget();
        }
    });
    let first = use_mut_ref(|| true);
    use_effect_with((state.rules_seen, pointer, pending), move |&(seen, _, pending)| {
        // Nothing to tell until something was checked (or the host asked), nor before the
        // report is whole.
        let quiet = std::mem::replace(&mut *first.borrow_mut(), false) && seen == 0 && report.is_none();
        if let (Some(on_check), false, false) = (on_check, quiet, pending) {
            on_check.emit((seen, report));
        }
    });
}

/// Test builds only (`--features test-panic`): a host check of a file named `fail-for-test`
/// fails as a bug in the check would, after `checkRules` has handed out its promise, so the
/// end-to-end tests can see that promise rejected.
fn fail_for_test(request: &RulesRequest) {
    #[cfg(feature = "test-panic")]
    if request.input.as_ref().is_some_and(|input| input.files.iter().any(|f| f.name == "fail-for-test")) {
        panic!("vnet-flows test build: failing during a check, on request");
    }
    #[cfg(not(feature = "test-panic"))]
    let _ = request;
}

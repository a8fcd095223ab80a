//! Browser tests: the widget mounted into its own element in headless Chromium, driven through
//! its controls, with `yew::scheduler::flush()` between steps instead of sleeps.
//!
//! Run by `scripts/test` as `cargo test --target wasm32-unknown-unknown --test web`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlCanvasElement, HtmlElement, HtmlSelectElement};

use std::cell::RefCell;
use std::rc::Rc;

use vnet_flows::web::{Data, Props, Request, Snapshot, mount};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh host element, wide enough for the laptop layout.
fn host() -> Element {
    let el = document().create_element("div").unwrap();
    el.set_attribute("style", "width:1100px").unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

/// The widget over a data file's text (loaded as the command line's `check-data` loads it).
fn still(data: &'static str) -> Props {
    Props {
        data: Data::from(vnet_flows::data::load(data).map(std::rc::Rc::new)),
        hash_state: false,
        still: true,
        theme: "light".into(),
        heading_level: Default::default(),
        requests: Default::default(),
        restore: None,
        failed: false,
        on_applied: None,
        on_change: None,
        rules: None,
        on_check: None,
        settings_beside: false,
    }
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

async fn click(el: &Element) {
    el.dyn_ref::<HtmlElement>().unwrap().click();
    yew::scheduler::flush().await;
}

async fn choose(root: &Element, key: &str, value: &str) {
    let select: HtmlSelectElement = find(root, &format!("select[data-key={key}]")).dyn_into().unwrap();
    let index = (0..select.length())
        .find(|&i| select.item(i).unwrap().get_attribute("value").as_deref() == Some(value))
        .unwrap_or_else(|| panic!("{key} has no value {value}"));
    select.set_selected_index(index as i32);
    select
        .dispatch_event(
            &web_sys::Event::new_with_event_init_dict("change", &{
                let init = web_sys::EventInit::new();
                init.set_bubbles(true);
                init
            })
            .unwrap(),
        )
        .unwrap();
    yew::scheduler::flush().await;
}

async fn tab(root: &Element, title_start: &str) {
    let tabs = root.query_selector_all(".vf-tab").unwrap();
    let tab = (0..tabs.length())
        .map(|i| tabs.item(i).unwrap().dyn_into::<Element>().unwrap())
        .find(|t| t.text_content().unwrap().starts_with(title_start))
        .unwrap_or_else(|| panic!("no tab {title_start}"));
    click(&tab).await;
}

fn canvas_pixels(root: &Element) -> String {
    let canvas: HtmlCanvasElement = find(root, "canvas.vf-canvas[role=img]").dyn_into().unwrap();
    canvas.to_data_url().unwrap()
}

/// The tag names (or `role=heading` levels) of the elements `selector` matches.
fn heading_tags(root: &Element, selector: &str) -> Vec<String> {
    let found = root.query_selector_all(selector).unwrap();
    (0..found.length())
        .map(|i| found.item(i).unwrap().dyn_into::<Element>().unwrap())
        .map(|el| match el.get_attribute("aria-level") {
            Some(level) => format!("level {level}"),
            None => el.tag_name().to_lowercase(),
        })
        .collect()
}

#[wasm_bindgen_test]
async fn headings_start_at_the_level_the_host_gives() {
    for (level, section, group) in [("", "h2", "h3"), ("4", "h4", "h5"), ("6", "h6", "level 7")] {
        let root = host();
        let props =
            Props { heading_level: vnet_flows::host::HeadingLevel::parse(level).0, ..still(vnet_flows::AML_DATA) };
        let app = mount(root.clone(), props);
        yew::scheduler::flush().await;
        yew::scheduler::flush().await;
        let sections = heading_tags(&root, ".vf-heading");
        assert!(sections.len() >= 3 && sections.iter().all(|t| *t == section), "level {level:?}: {sections:?}");
        let groups = heading_tags(&root, ".vf-group-title");
        assert!(!groups.is_empty() && groups.iter().all(|t| *t == group), "level {level:?}: {groups:?}");
        app.destroy();
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn compute_public_ip_changes_the_inbound_rules_and_the_picture() {
    let root = host();
    let _app = mount(root.clone(), still(vnet_flows::AML_DATA));
    yew::scheduler::flush().await;
    tab(&root, "Compute").await;
    yew::scheduler::flush().await;
    assert_eq!(count(&root, ".vf-group[data-direction=inbound] tr.vf-row"), 0, "no public IP: no inbound rule");
    let before = canvas_pixels(&root);

    choose(&root, "compute_public_ip", "on").await;
    let inbound = count(&root, ".vf-group[data-direction=inbound] tr.vf-row");
    assert!(inbound >= 1, "a public IP needs inbound rules");
    let text = find(&root, ".vf-group[data-direction=inbound]").text_content().unwrap();
    assert!(text.contains("44224") && text.contains("AzureMachineLearning"), "{text}");
    let after = canvas_pixels(&root);
    assert!(before.len() > 1000, "the diagram was drawn: {}", &before[..before.len().min(40)]);
    assert_ne!(after, before, "the diagram should change with the key");

    choose(&root, "compute_public_ip", "off").await;
    assert_eq!(count(&root, ".vf-group[data-direction=inbound] tr.vf-row"), 0);
}

#[wasm_bindgen_test]
async fn groups_collapse_and_expand() {
    let root = host();
    let _app = mount(root.clone(), still(vnet_flows::AML_DATA));
    yew::scheduler::flush().await;
    let toggle = find(&root, ".vf-group[data-direction=outbound] .vf-group-toggle");
    assert_eq!(toggle.get_attribute("aria-expanded").as_deref(), Some("true"));
    let rows = count(&root, ".vf-group[data-direction=outbound] tr.vf-row");
    assert!(rows > 0);

    click(&toggle).await;
    let toggle = find(&root, ".vf-group[data-direction=outbound] .vf-group-toggle");
    assert_eq!(toggle.get_attribute("aria-expanded").as_deref(), Some("false"));
    assert_eq!(count(&root, ".vf-group[data-direction=outbound] tr.vf-row"), 0);

    click(&toggle).await;
    assert_eq!(count(&root, ".vf-group[data-direction=outbound] tr.vf-row"), rows);

    // A row opens to its condition, sources and disagreements.
    click(&find(&root, ".vf-group[data-direction=outbound] tr.vf-row .vf-button")).await;
    let details = find(&root, ".vf-group[data-direction=outbound] tr.vf-details").text_content().unwrap();
    assert!(details.contains("When") && details.contains("Sources"), "{details}");
}

#[wasm_bindgen_test]
async fn stepping_forward_announces_the_step() {
    let root = host();
    let _app = mount(root.clone(), still(vnet_flows::AML_DATA));
    yew::scheduler::flush().await;
    let live = find(&root, "[aria-live=polite]");
    assert_eq!(live.text_content().unwrap(), "");
    click(&find(&root, "button.vf-next")).await;
    let said = live.text_content().unwrap();
    assert!(said.starts_with("Step 2 of "), "{said}");
    assert_eq!(count(&root, ".vf-flow[aria-current=step]"), 1);
    let current = find(&root, ".vf-flow[aria-current=step]");
    let second = find(&root, ".vf-flows ol li:nth-child(2)");
    assert!(current.is_same_node(Some(&second)));
}

#[wasm_bindgen_test]
async fn broken_data_shows_its_errors_in_place() {
    let root = host();
    let _app = mount(root.clone(), still("[[nodes]]\nid = 3\n"));
    yew::scheduler::flush().await;
    let text = find(&root, ".vf-errors").text_content().unwrap();
    assert!(text.contains("could not be read") && text.contains("line"), "{text}");
}

#[wasm_bindgen_test]
async fn an_unknown_key_in_the_hash_is_ignored_with_a_notice() {
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("keep&vf.scenario=compute&vf.warp_drive=on&vf.compute_public_ip=maybe")
        .unwrap();
    let root = host();
    let _app = mount(root.clone(), Props { hash_state: true, ..still(vnet_flows::AML_DATA) });
    yew::scheduler::flush().await;
    let notice = find(&root, ".vf-notice").text_content().unwrap();
    assert!(notice.contains("warp_drive") && notice.contains("maybe"), "{notice}");
    let selected = find(&root, ".vf-tab[aria-selected=true]").text_content().unwrap();
    assert!(selected.starts_with("Compute"), "{selected}");
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert!(hash.starts_with("#keep&vf.scenario=compute"), "the page's own part stays first: {hash}");
    web_sys::window().unwrap().location().set_hash("").unwrap();
}

/// The host's requests apply and are reported as the host's; the reader's changes are reported
/// as the reader's. This is what `<vnet-flows>` turns into properties and events.
#[wasm_bindgen_test]
async fn host_requests_apply_and_changes_are_reported() {
    let root = host();
    let seen: Rc<RefCell<Vec<(Snapshot, bool)>>> = Rc::default();
    let on_change = {
        let seen = seen.clone();
        yew::Callback::from(move |change: (Snapshot, bool)| seen.borrow_mut().push(change))
    };
    let first = Request {
        scenario: Some("compute".into()),
        settings: vec![("compute_public_ip".into(), "on".into())],
        merge: false,
    };
    let mut asked = vec![first];
    let mut props =
        Props { requests: Rc::new(asked.clone().into()), on_change: Some(on_change), ..still(vnet_flows::AML_DATA) };
    let mut app = mount(root.clone(), props.clone());
    yew::scheduler::flush().await;
    let (start, by_reader) = seen.borrow().last().cloned().expect("the first state is reported");
    assert!(!by_reader);
    assert_eq!(start.scenario, "compute");
    assert!(start.config.contains(&("compute_public_ip".into(), "on".into())), "{start:?}");
    assert!(find(&root, ".vf-group[data-direction=inbound]").text_content().unwrap().contains("44224"));

    // setConfig: merges into the current configuration; an unknown key is a notice.
    asked.push(Request {
        scenario: None,
        settings: vec![("egress".into(), "firewall".into()), ("warp_drive".into(), "on".into())],
        merge: true,
    });
    props.requests = Rc::new(asked.clone().into());
    app.update(props.clone());
    yew::scheduler::flush().await;
    let (now, by_reader) = seen.borrow().last().cloned().unwrap();
    assert!(!by_reader, "a host's change is not the reader's");
    assert!(now.config.contains(&("egress".into(), "firewall".into())), "{now:?}");
    assert!(now.config.contains(&("compute_public_ip".into(), "on".into())), "kept: {now:?}");
    assert!(find(&root, ".vf-notice").text_content().unwrap().contains("warp_drive"));

    // The reader changes a key: reported as the reader's.
    choose(&root, "compute_public_ip", "off").await;
    let (now, by_reader) = seen.borrow().last().cloned().unwrap();
    assert!(by_reader);
    assert!(now.config.contains(&("compute_public_ip".into(), "off".into())), "{now:?}");

    // Two requests before the next render both apply, in order: a new scenario keeps the shared
    // keys, then a setting.
    asked.push(Request { scenario: Some("aks".into()), settings: Vec::new(), merge: true });
    props.requests = Rc::new(asked.clone().into());
    app.update(props.clone());
    asked.push(Request { scenario: None, settings: vec![("aks_private".into(), "on".into())], merge: true });
    props.requests = Rc::new(asked.into());
    app.update(props);
    yew::scheduler::flush().await;
    let (now, _) = seen.borrow().last().cloned().unwrap();
    assert_eq!(now.scenario, "aks");
    assert!(now.config.contains(&("egress".into(), "firewall".into())), "{now:?}");
    assert!(now.config.contains(&("aks_private".into(), "on".into())), "{now:?}");
    let selected = find(&root, ".vf-tab[aria-selected=true]").text_content().unwrap();
    assert!(selected.starts_with("Azure Kubernetes"), "{selected}");
}

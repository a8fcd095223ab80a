//! Browser tests: the widget mounted into its own element in headless Chromium, driven through
//! its controls, with `yew::scheduler::flush()` between steps instead of sleeps.
//!
//! Run by `scripts/test` as `cargo test --target wasm32-unknown-unknown --test web`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlCanvasElement, HtmlElement, HtmlSelectElement};

use vnet_flows::web::{Props, mount};

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

fn still(data: &'static str) -> Props {
    Props { data: data.into(), hash_state: false, still: true }
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
    assert_eq!(count(&root, ".vf-step[aria-current=step]"), 1);
    let current = find(&root, ".vf-step[aria-current=step]");
    let second = find(&root, ".vf-steps ol li:nth-child(2)");
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
    let _app = mount(root.clone(), Props { data: vnet_flows::AML_DATA.into(), hash_state: true, still: true });
    yew::scheduler::flush().await;
    let notice = find(&root, ".vf-notice").text_content().unwrap();
    assert!(notice.contains("warp_drive") && notice.contains("maybe"), "{notice}");
    let selected = find(&root, ".vf-tab[aria-selected=true]").text_content().unwrap();
    assert!(selected.starts_with("Compute"), "{selected}");
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert!(hash.starts_with("#keep&vf.scenario=compute"), "the page's own part stays first: {hash}");
    web_sys::window().unwrap().location().set_hash("").unwrap();
}

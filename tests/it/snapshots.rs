//! Snapshot tests: the Markdown table of every scenario in its default configuration, kept in
//! `tests/it/snapshots/`. When the data changes on purpose, refresh them with
//! `UPDATE_EXPECT=1 cargo test` and review the diff like any other change.

use expect_test::expect_file;
use vnet_flows::export::markdown;

#[test]
fn markdown_of_every_scenario_in_its_default_configuration() {
    let catalog = super::catalog();
    for scenario in &catalog.scenarios {
        let r = super::resolve_with(&catalog, &scenario.id, &[]);
        expect_file![format!("snapshots/{}.md", scenario.id)].assert_eq(&markdown(&r));
    }
}

//! The browser entry point: Trunk builds this binary to wasm and the page runs it.
//!
//! It defines the `<vnet-flows>` custom element; each such element on the page then mounts its
//! own widget. Built natively it only says where it belongs.

fn main() {
    #[cfg(target_arch = "wasm32")]
    vnet_flows::web::start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("vnet-flows-widget runs in a browser: build it with `trunk build --release --offline` (see README.md)");
}

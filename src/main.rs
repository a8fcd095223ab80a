//! The `vnet-flows` binary: a thin shell around [`vnet_flows::cli::run`].

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = vnet_flows::cli::run(&args, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    std::process::exit(code);
}

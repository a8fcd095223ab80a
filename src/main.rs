//! The `vnet-flows` binary: a thin shell around [`vnet_flows::cli::run`].

fn main() {
    // `args_os` rather than `args`: an argument that is not UTF-8 must not panic. It is passed on
    // lossily, and the command line then reports it as an unknown scenario, key or file.
    let args: Vec<String> = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    let code = vnet_flows::cli::run(&args, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    std::process::exit(code);
}

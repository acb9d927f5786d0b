//! The `dhlint` binary: parse arguments, run, and map the outcome to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

// dhlint allocates many small values (tree nodes, findings) on several threads at once, which
// mimalloc serves faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = dhlint::cli::Args::parse();
    let level = match args.verbose {
        0 => log::LevelFilter::Warn,
        1 => log::LevelFilter::Info,
        _ => log::LevelFilter::Debug,
    };
    env_logger::Builder::new()
        .filter_level(level)
        .format(|buf, record| {
            let level = record.level().as_str().to_ascii_lowercase();
            writeln!(buf, "dhlint: {level}: {}", record.args())
        })
        .init();
    match dhlint::run(&args) {
        Ok(status) => ExitCode::from(status.code()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            log::error!("{error}");
            ExitCode::from(dhlint::ExitStatus::Error.code())
        }
    }
}

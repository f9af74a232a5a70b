use std::process::ExitCode;

fn main() -> ExitCode {
    stepup::commands::run(stepup::cli::parse())
}

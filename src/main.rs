use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = stepup::cli::Cli::parse();
    let result = match cli.command {
        stepup::cli::Command::Migrate(args) => stepup::commands::migrate::run(args),
        stepup::cli::Command::Check(args) => stepup::commands::check::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("stepup: {e:#}");
            ExitCode::from(stepup::commands::EXIT_ERROR)
        }
    }
}

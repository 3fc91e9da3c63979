//! The `pouch` binary: parses arguments and hands over to [`pouch_cli::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    match pouch_cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pouch: {e:#}");
            ExitCode::from(pouch_cli::EXIT_IO)
        }
    }
}

//! The `pouch` binary: parses arguments and hands over to [`pouch_cli::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    match pouch_cli::run() {
        Ok(code) => code,
        Err(e) => {
            // One line, whatever the error's own text (a TOML error spans several).
            let text = format!("{e:#}");
            let line: Vec<&str> = text.split_whitespace().collect();
            eprintln!("pouch: {}", line.join(" "));
            ExitCode::from(pouch_cli::class_of(&e).code())
        }
    }
}

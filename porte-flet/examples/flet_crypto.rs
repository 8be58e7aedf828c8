//! Flet-compatible encryption from the command line, for `scripts/flet-crypto-check.py`:
//!
//! ```text
//! flet_crypto encrypt <secret>   # stdin: the plaintext, taken byte for byte; stdout: the token
//! flet_crypto decrypt <secret>   # stdin: the token; stdout: the plaintext, nothing added
//! ```
//!
//! The plaintext is written without a trailing newline so that it round-trips exactly. Errors
//! go to stderr with exit status 1. The secret is an argument (visible to other local users in
//! the process list): this is a test tool, not for real secrets on shared machines.

use porte_flet as flet_crypto;
use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: flet_crypto encrypt|decrypt <secret>  (text on stdin)";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("flet_crypto: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, secret] = args.as_slice() else {
        return Err(USAGE.into());
    };
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("reading stdin: {e}"))?;
    let output = match mode.as_str() {
        "encrypt" => flet_crypto::encrypt(&input, secret) + "\n",
        "decrypt" => flet_crypto::decrypt(&input, secret).map_err(|e| e.to_string())?,
        _ => return Err(USAGE.into()),
    };
    std::io::stdout()
        .write_all(output.as_bytes())
        .map_err(|e| format!("writing stdout: {e}"))
}

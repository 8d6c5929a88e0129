//! `nobi`: bulk work with Nobi Pro's domain code, one record per line.
//!
//! ```text
//! nobi address                      one address per line on stdin -> one JSON object per line
//! nobi address --csv IN --column C  adds normalised address columns to a CSV
//! nobi phone                        one chat message per line on stdin -> one JSON object per line
//! nobi bench                        accuracy and speed report (used by ./build.sh bench)
//! ```

mod address_cmd;
mod bench;
mod campaign_bench;
mod outbox_bench;
mod phone_cmd;
mod search_bench;

use std::process::ExitCode;

const USAGE: &str = "usage: nobi <address|phone|bench> [options]
  nobi address                       read addresses on stdin, write JSON lines
  nobi address --csv IN --column C   add normalised address columns to a CSV (written to stdout)
  nobi phone                         read chat messages on stdin, write JSON lines
  nobi bench                         print the accuracy and speed table";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("address") => address_cmd::run(&args[1..]),
        Some("phone") => phone_cmd::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown command.\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("nobi: {message}");
            ExitCode::from(2)
        }
    }
}

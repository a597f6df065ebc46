//! `tmlookup`: the indicator finder on the command line.
//!
//! `tmlookup extract [--json] [FILE|-]` reads a file (or standard input) and
//! prints the indicators in it: grouped with counts for people, or as one
//! JSON object whose shape (`{"indicators": [{"kind", "value", "start",
//! "end", ...}], ...}`) other tools may rely on.

// The command line is native only (clap is not built for wasm32); the
// wasm build gets an empty `main` so the workspace still builds there.
// Building every target for wasm32 writes this binary's `tmlookup.wasm`
// over the library's, so build the library alone (`--lib`) until the
// binary has a name of its own.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::io::{BufWriter, Read, Write};
    use std::process::ExitCode;

    use clap::{Parser, Subcommand};
    use tmlookup::{Extraction, Finder};

    /// Finds indicators of compromise in threat reports.
    #[derive(Parser)]
    #[command(name = "tmlookup", version)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Print the indicators found in a file or standard input.
        Extract {
            /// Print one JSON object instead of a table.
            #[arg(long)]
            json: bool,
            /// The file to read; `-` or nothing reads standard input.
            file: Option<String>,
        },
    }

    /// The encoding to convert from, and why, when `input` looks like
    /// UTF-16: it starts with a byte-order mark, or in its first 4 KiB
    /// nearly every other byte is zero and nearly none of the rest, as in
    /// UTF-16 text of mostly ASCII characters.
    fn utf16(input: &[u8]) -> Option<(&'static str, &'static str)> {
        if input.starts_with(&[0xFF, 0xFE]) || input.starts_with(&[0xFE, 0xFF]) {
            return Some(("UTF-16", "it starts with a byte-order mark"));
        }
        let head = &input[..input.len().min(4096) & !1];
        let pairs = head.len() / 2;
        if pairs < 8 {
            return None;
        }
        let zeros = |parity: usize| {
            head.iter()
                .skip(parity)
                .step_by(2)
                .filter(|&&c| c == 0)
                .count()
        };
        let (even, odd) = (zeros(0), zeros(1));
        let why = "every other byte is zero";
        if odd * 10 >= pairs * 9 && even * 10 <= pairs {
            Some(("UTF-16LE", why))
        } else if even * 10 >= pairs * 9 && odd * 10 <= pairs {
            Some(("UTF-16BE", why))
        } else {
            None
        }
    }

    pub(crate) fn main() -> ExitCode {
        let Command::Extract { json, file } = Cli::parse().command;
        let input = match read(file.as_deref()) {
            Ok(input) => input,
            Err(message) => {
                eprintln!("tmlookup: {message}");
                return ExitCode::FAILURE;
            }
        };
        // UTF-16 text reads as a few stray ASCII letters between zero bytes,
        // so nothing would be found and nobody told why.
        if let Some((encoding, why)) = utf16(&input) {
            eprintln!(
                "tmlookup: the input looks like UTF-16 ({why}) and the finder reads \
                 UTF-8; convert it first, e.g. iconv -f {encoding} -t UTF-8"
            );
        }
        // Offsets stay byte offsets into the input as read, even when it is
        // not all text.
        let found = Finder::new().find_bytes(&input);
        let printed = if json {
            print_json(&found)
        } else {
            print_table(&found)
        };
        match printed {
            Ok(()) => ExitCode::SUCCESS,
            // A closed pipe (`| head`) is not worth a message.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("tmlookup: could not write the output: {e}");
                ExitCode::FAILURE
            }
        }
    }

    fn read(file: Option<&str>) -> Result<Vec<u8>, String> {
        let mut input = Vec::new();
        match file {
            None | Some("-") => std::io::stdin()
                .read_to_end(&mut input)
                .map_err(|e| format!("could not read standard input: {e}"))?,
            Some(path) => {
                input = std::fs::read(path).map_err(|e| {
                    format!("could not read {path}: {e}; check the path")
                })?;
                input.len()
            }
        };
        Ok(input)
    }

    fn print_json(found: &Extraction) -> std::io::Result<()> {
        // Standard output flushes at each newline, and the JSON has none
        // until its end: without a larger buffer it leaves in 1 KiB writes.
        let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        serde_json::to_writer(&mut out, found)?;
        writeln!(out)?;
        out.flush()
    }

    fn print_table(found: &Extraction) -> std::io::Result<()> {
        let mut out = BufWriter::new(std::io::stdout().lock());
        let mut groups = found.groups();
        groups.sort_by(|a, b| (a.kind, &a.value).cmp(&(b.kind, &b.value)));
        for g in &groups {
            let alternatives: Vec<&str> =
                g.alternatives.iter().map(|k| k.name()).collect();
            let alt = if alternatives.is_empty() {
                String::new()
            } else {
                format!("\t(or {})", alternatives.join(", "))
            };
            writeln!(out, "{:<12}\t{}\t{}{alt}", g.kind.name(), g.count, g.value)?;
        }
        out.flush()?;
        // Notes go to standard error, so that the table stays a table.
        if groups.is_empty() {
            eprintln!("tmlookup: no indicators found");
        }
        if found.truncated {
            eprintln!(
                "tmlookup: only the first {} bytes were read; split the input to read the rest",
                found.scanned_bytes
            );
        }
        Ok(())
    }
}

//! Times `Finder::find` alone, without reading files or writing JSON:
//! `cargo run --profile bench-native --example find_speed -- FILE [RUNS]`.
//! Prints the best of RUNS timings in MB/s (1 MB = 10^6 bytes), then the
//! time spent grouping and serializing the result, for comparison.

use std::time::Instant;

use tmlookup::extract::Finder;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: find_speed FILE [RUNS]");
    let runs: usize = args
        .next()
        .map_or(5, |r| r.parse().expect("RUNS is a number"));
    let bytes = std::fs::read(&path).expect("the file can be read");
    let text = String::from_utf8_lossy(&bytes);
    let finder = Finder::new();
    let mb = text.len() as f64 / 1e6;
    let best = |f: &mut dyn FnMut()| {
        (0..runs)
            .map(|_| {
                let t0 = Instant::now();
                f();
                t0.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let mut found = finder.find(&text);
    let find = best(&mut || found = finder.find(&text));
    if std::env::var_os("FIND_ONLY").is_some() {
        println!("find {:.1} MB/s", mb / find);
        return;
    }
    let groups = best(&mut || drop(found.groups()));
    let json = best(&mut || drop(serde_json::to_vec(&found).unwrap()));
    println!(
        "{mb:.1} MB, {} matches: find {:.1} MB/s ({:.1} ms), groups {:.1} ms, json {:.1} ms",
        found.indicators.len(),
        mb / find,
        find * 1e3,
        groups * 1e3,
        json * 1e3
    );
}

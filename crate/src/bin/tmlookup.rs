//! `tmlookup`: the indicator finder on the command line.

fn main() {
    let finder = tmlookup::Finder::new();
    let text = std::io::read_to_string(std::io::stdin()).unwrap_or_default();
    for m in finder.find(&text).indicators {
        println!("{:?}\t{}", m.kind, m.value);
    }
}

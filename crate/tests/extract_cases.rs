//! Runs the finder over the shared extraction cases: every expected value
//! must be found with its kind, and no forbidden value may be.

use std::collections::BTreeMap;

use serde_json::Value;
use tmlookup::{Finder, Match};

/// The shared case file, read from the sibling `shared` checkout.
const CASES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/cases/extraction.json"
);

/// Normalises a value as the cases' README says: domains, e-mail domains
/// and hashes lower case, URLs with scheme and host lower case.
fn normalise(kind: &str, value: &str) -> String {
    match kind {
        "domain" | "md5" | "sha1" | "sha256" | "sha384" | "sha512" => {
            value.to_lowercase()
        }
        "email" => match value.rsplit_once('@') {
            Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
            None => value.to_owned(),
        },
        "url" => match value.split_once("://") {
            Some((scheme, rest)) => {
                let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
                let (host, tail) = rest.split_at(host_end);
                format!("{}://{}{tail}", scheme.to_lowercase(), host.to_lowercase())
            }
            None => value.to_owned(),
        },
        _ => value.to_owned(),
    }
}

fn found_by_kind(found: &[Match]) -> BTreeMap<&'static str, Vec<String>> {
    let mut by_kind: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for m in found {
        let kind = m.kind.name();
        by_kind
            .entry(kind)
            .or_default()
            .push(normalise(kind, &m.value));
    }
    by_kind
}

fn values(v: &Value) -> impl Iterator<Item = (&str, &str)> {
    v.as_object()
        .into_iter()
        .flatten()
        .flat_map(|(kind, list)| {
            list.as_array()
                .into_iter()
                .flatten()
                .filter_map(move |x| Some((kind.as_str(), x.as_str()?)))
        })
}

#[test]
fn every_shared_case_passes() {
    let text = std::fs::read_to_string(CASES)
        .expect("the shared cases sit beside the repository");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("the case file is JSON");
    assert!(
        cases.len() >= 71,
        "expected at least 71 cases, got {}",
        cases.len()
    );
    let finder = Finder::new();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let input = case["input"].as_str().unwrap_or_default();
        let found = finder.find(input).indicators;
        let by_kind = found_by_kind(&found);
        let has = |kind: &str, value: &str| {
            let want = normalise(kind, value);
            by_kind.get(kind).is_some_and(|v| v.contains(&want))
        };
        for (kind, value) in values(&case["expect"]) {
            if !has(kind, value) {
                failures.push(format!(
                    "{name}: missing {kind} {value:?}; found {by_kind:?}"
                ));
            }
        }
        for (kind, value) in values(&case["forbid"]) {
            if has(kind, value) {
                failures.push(format!("{name}: forbidden {kind} {value:?} found"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

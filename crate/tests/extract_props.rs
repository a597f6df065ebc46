//! Laws of the finder, checked on generated values: refanging a defanged
//! value gives the value back, and prose around an indicator changes
//! nothing about what is found.

use std::collections::BTreeSet;

use proptest::prelude::*;
use tmlookup::{Finder, Kind};

/// A host label. The few English words that the refanger deliberately
/// leaves alone before a spelled-out ` dot ` ("the dot com bubble") are
/// left out.
fn label() -> impl Strategy<Value = String> {
    const PROSE: &[&str] = &[
        "the", "a", "of", "and", "or", "big", "first", "second", "new",
    ];
    "[a-z][a-z0-9-]{0,8}[a-z0-9]"
        .prop_filter("an English word", |l| !PROSE.contains(&l.as_str()))
}

fn domain() -> impl Strategy<Value = String> {
    let tld =
        prop::sample::select(vec!["com", "net", "org", "ru", "io", "co.uk", "info"]);
    (prop::collection::vec(label(), 1..4), tld)
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
}

/// Which defanged form each dot takes, by position.
fn choices() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..7, 1..8)
}

/// Writes each dot of `s` in one of the defanged forms `choices` picks.
fn defang_dots(s: &str, choices: &[usize]) -> String {
    const DOTS: &[&str] = &["[.]", "(.)", "{.}", "[dot]", "(dot)", " dot ", "."];
    let mut out = String::new();
    for (i, part) in s.split('.').enumerate() {
        if i > 0 {
            out.push_str(DOTS[choices[i % choices.len()] % DOTS.len()]);
        }
        out.push_str(part);
    }
    out
}

fn values(text: &str, kind: Kind) -> Vec<String> {
    Finder::new()
        .find(text)
        .indicators
        .into_iter()
        .filter(|m| m.kind == kind && m.derived_from.is_none())
        .map(|m| m.value)
        .collect()
}

proptest! {
    #[test]
    fn refang_of_defanged_domain(d in domain(), c in choices()) {
        let text = format!("seen {} today", defang_dots(&d, &c));
        prop_assert_eq!(values(&text, Kind::Domain), vec![d]);
    }

    #[test]
    fn refang_of_defanged_ipv4(a in any::<[u8; 4]>(), c in choices()) {
        let ip = std::net::Ipv4Addr::from(a).to_string();
        let text = format!("to {} now", defang_dots(&ip, &c));
        prop_assert_eq!(values(&text, Kind::Ipv4), vec![ip]);
    }

    #[test]
    fn refang_of_defanged_url(
        host in domain(),
        path in "(/[A-Za-z0-9_-]{1,8}){0,3}(/[a-z]{1,6}\\.(exe|php|js))?",
        scheme in prop::sample::select(vec![
            ("http://", "hxxp://"), ("https://", "hXXps://"), ("http://", "hxxp[://]"),
            ("https://", "hxxps[:]//"), ("https://", "http[s]://"),
            ("ftp://", "fxp://"),
        ]),
        c in choices(),
    ) {
        let url = format!("{}{host}{path}", scheme.0);
        let text = format!("fetch {}{}{path} then", scheme.1, defang_dots(&host, &c));
        prop_assert_eq!(values(&text, Kind::Url), vec![url]);
    }

    #[test]
    fn refang_of_defanged_email(
        local in "[a-z0-9]([a-z0-9._]{0,8}[a-z0-9])?",
        d in domain(),
        at in prop::sample::select(vec!["[at]", "[@]", "(at)", "@", "[AT]"]),
        c in choices(),
    ) {
        prop_assume!(!local.contains(".."));
        let text = format!("mail {local}{at}{} now", defang_dots(&d, &c));
        prop_assert_eq!(values(&text, Kind::Email), vec![format!("{local}@{d}")]);
    }

    #[test]
    fn prose_around_changes_nothing(
        ind in prop::sample::select(vec![
            "203.0.113[.]77", "hXXps://cdn-sync[.]com/a/b.PHP?id=1", "report.zip",
            "ops[at]bad-mailer[.]ru", "4aeebd4aa1cedd190731299c3810a5db",
            "HKCU\\Software\\Run\\upd", "CVE-2023-4966", "2001:db8::dead:beef",
            "Global\\ZXCVB-91", "C:\\ProgramData\\upd\\svc.dll", "evil-cdn.example.net",
        ]),
        before in prop::collection::vec("[a-zA-Z]{1,9}", 0..6),
        after in prop::collection::vec("[a-zA-Z]{1,9}", 0..6),
        open in prop::sample::select(vec!["", " ", "\n", "(", "\"", "'", "<"]),
        close in prop::sample::select(
            vec!["", " ", "\n", ")", ".", ",", "\"", ";", ">"]
        ),
    ) {
        let set = |text: &str| -> BTreeSet<(Kind, String)> {
            let found = Finder::new().find(text).indicators;
            found.into_iter().map(|m| (m.kind, m.value)).collect()
        };
        let alone = set(ind);
        let (before, after) = (before.join(" "), after.join(" "));
        let text = format!("{before} {open}{ind}{close} {after}");
        prop_assert!(!alone.is_empty());
        prop_assert_eq!(set(&text), alone, "in {:?}", text);
    }
}

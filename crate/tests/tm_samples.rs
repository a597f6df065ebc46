//! Every saved ThreatMiner answer decodes into the section its file name
//! says, with the values an analyst would look for.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::{json, Value};
use tmlookup::tm::{
    self, decode, email_query, plan, Endpoint, ErrorKind, Outcome, Request, SectionView,
};
use tmlookup::Kind;

const SAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/threatminer/samples"
);

fn samples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(SAMPLES)
        .expect("the samples folder sits next to the repository")
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("sample names are UTF-8")
}

fn body(file: &str) -> String {
    fs::read_to_string(Path::new(SAMPLES).join(file)).expect("the sample exists")
}

/// The requests a sample answers, read from its name: `<endpoint>-rt<n>-...`.
///
/// `any-404-...` answers any request; `pdns-rt2-...` mixes entries of the
/// domain and the host passive DNS.
fn requests_for(file: &str) -> Vec<(Endpoint, u8)> {
    let (prefix, rest) = file.split_once('-').expect("names have a dash");
    if prefix == "any" {
        return Endpoint::ALL
            .iter()
            .flat_map(|&e| (1..=e.sections().len() as u8).map(move |rt| (e, rt)))
            .collect();
    }
    let rt: u8 = rest
        .strip_prefix("rt")
        .and_then(|r| r.split('-').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{file}: no rt in the name"));
    match prefix {
        "pdns" => vec![(Endpoint::Domain, rt), (Endpoint::Host, rt)],
        other => {
            let e = Endpoint::from_name(other)
                .unwrap_or_else(|| panic!("{file}: endpoint"));
            vec![(e, rt)]
        }
    }
}

fn view_of(file: &str, endpoint: Endpoint, rt: u8) -> SectionView {
    match decode(endpoint, rt, 200, "application/json", &body(file)) {
        Outcome::Ok(found) => found.view,
        other => panic!("{file}: expected results, got {other:?}"),
    }
}

fn fact<'a>(view: &'a SectionView, label: &str) -> Vec<&'a str> {
    view.all_facts()
        .find(|f| f.label == label)
        .map(|f| f.values.iter().map(|c| c.text.as_str()).collect())
        .unwrap_or_default()
}

fn list(view: &SectionView) -> Vec<&str> {
    view.list.iter().map(|c| c.text.as_str()).collect()
}

fn column(view: &SectionView, index: usize) -> Vec<&str> {
    let table = view.table.as_ref().expect("a table");
    table.rows.iter().map(|r| r[index].text.as_str()).collect()
}

#[test]
fn every_sample_decodes_into_its_section() {
    let mut checked = 0;
    for path in samples() {
        let file = name(&path);
        if file.starts_with("fragments-") {
            // Not an answer body: example values pulled out of another
            // app's manifest, keyed by data path. Nothing to decode.
            continue;
        }
        let text = fs::read_to_string(&path).expect("readable sample");
        for (endpoint, rt) in requests_for(file) {
            let outcome = decode(endpoint, rt, 200, "application/json", &text);
            let want = if file.contains("-404-") {
                "empty"
            } else {
                "ok"
            };
            assert_eq!(
                outcome.state(),
                want,
                "{file} as {endpoint} rt={rt}: {outcome:?}"
            );
            if let Outcome::Ok(found) = &outcome {
                assert!(found.count > 0, "{file}");
                assert_eq!(found.view.title, endpoint.title(rt), "{file}");
                assert!(found.results.is_array(), "{file}: raw results kept");
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 30,
        "only {checked} decodes ran: samples missing?"
    );
}

#[test]
fn vwrm_whois_puts_the_registrar_and_dates_first() {
    for file in [
        "domain-rt1-vwrm-whois-asrabon-readme.json",
        "domain-rt1-vwrm-whois-mongodate-rapid7-help-2023.json",
    ] {
        let v = view_of(file, Endpoint::Domain, 1);
        assert_eq!(v.title, "WHOIS");
        // The key facts, and only they, come first; the rest is folded.
        let labels: Vec<&str> = v.facts.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Domain",
                "Registrar",
                "Created",
                "Expires",
                "Updated",
                "Registrant organization",
                "Registrant country",
                "Name servers",
            ],
            "{file}"
        );
        assert_eq!(fact(&v, "Registrar"), ["register.com, inc."]);
        assert_eq!(fact(&v, "Created"), ["1999-04-01 05:00:00"]);
        // WHOIS values start with a space on the wire.
        assert_eq!(
            fact(&v, "Registrant organization"),
            ["Valley Waste Resource Management"]
        );
        assert_eq!(fact(&v, "Registrant country"), ["Canada"]);
        assert_eq!(fact(&v, "Admin organization"), ["Aliant Telecom"]);
        let ns = &v
            .facts
            .iter()
            .find(|f| f.label == "Name servers")
            .expect("ns")
            .values;
        assert_eq!(ns[0].text, "onyx.nbnet.nb.ca");
        assert_eq!(
            ns[0].pivot.as_ref().map(|p| p.endpoint),
            Some(Endpoint::Domain)
        );
        assert_eq!(fact(&v, "WHOIS MD5"), ["f8c433f165d39ce655c18e91d685cca0"]);
    }
    let string_date = view_of(
        "domain-rt1-vwrm-whois-asrabon-readme.json",
        Endpoint::Domain,
        1,
    );
    assert_eq!(fact(&string_date, "Last updated"), ["2016-01-16 00:00:00"]);
    let mongo_date = view_of(
        "domain-rt1-vwrm-whois-mongodate-rapid7-help-2023.json",
        Endpoint::Domain,
        1,
    );
    assert_eq!(fact(&mongo_date, "Last updated"), ["2019-11-17 10:14:46"]);
}

#[test]
fn whois_folds_contact_details_behind_the_key_facts() {
    let v = view_of(
        "domain-rt1-vwrm-whois-asrabon-readme.json",
        Endpoint::Domain,
        1,
    );
    let first: Vec<&str> = v.facts.iter().map(|f| f.label.as_str()).collect();
    let folded: Vec<&str> = v.more_facts.iter().map(|f| f.label.as_str()).collect();
    assert!(first.contains(&"Registrar") && first.contains(&"Name servers"));
    assert!(folded.contains(&"Admin organization"), "{folded:?}");
    assert!(!first.contains(&"Admin organization"), "{first:?}");
}

#[test]
fn sanitized_whois_with_an_empty_md5_list_still_reads() {
    let v = view_of(
        "domain-rt1-whois-sanitized-example.com-rapid7-unit-test-fixture.json",
        Endpoint::Domain,
        1,
    );
    assert_eq!(fact(&v, "Domain"), ["example.com"]);
    assert!(fact(&v, "WHOIS MD5").is_empty(), "[] shows nothing");
    assert!(
        fact(&v, "Registrar").is_empty(),
        "blank values are left out"
    );
    assert_eq!(fact(&v, "Last updated"), ["2020-02-07 15:38:58"]);
}

#[test]
fn host_whois_names_the_network() {
    let v = view_of(
        "host-rt1-104.21.38.51-ip-whois-rapid7-help-2023.json",
        Endpoint::Host,
        1,
    );
    assert_eq!(fact(&v, "Organization"), ["Cloudflare, Inc."]);
    assert_eq!(fact(&v, "ASN"), ["13335"]);
    assert_eq!(fact(&v, "BGP prefix"), ["104.21.32.0/20"]);
    assert!(fact(&v, "AS name").is_empty());
}

#[test]
fn passive_dns_and_uris_pivot_on_hosts() {
    let v = view_of(
        "domain-rt2-vwrm-passive-dns-asrabon-readme.json",
        Endpoint::Domain,
        2,
    );
    let table = v.table.as_ref().expect("a table");
    assert_eq!(table.columns, ["IP address", "First seen", "Last seen"]);
    let ip = &table.rows[0][0];
    assert_eq!(ip.text, "209.29.221.235");
    assert_eq!(
        ip.pivot.as_ref().map(|p| p.href.as_str()),
        Some("results.html?q=209.29.221.235&as=host")
    );

    let mixed = view_of(
        "pdns-rt2-mixed-domain-and-host-entries-intelowl-test-fixture.json",
        Endpoint::Domain,
        2,
    );
    assert_eq!(
        column(&mixed, 0),
        ["69.172.200.235", "dns.google"],
        "newest first"
    );

    for file in [
        "domain-rt3-vwrm-uris-asrabon-readme.json",
        "domain-rt3-vwrm-uris-rapid7-help-2019-inner.json",
    ] {
        let v = view_of(file, Endpoint::Domain, 3);
        assert_eq!(
            column(&v, 0),
            ["http://vwrm.com/maps/iexplorer.zip", "http://vwrm.com/"]
        );
        let row = &v.table.as_ref().expect("a table").rows[0];
        assert!(
            row[0].pivot.is_none() && row[0].href.is_none(),
            "URIs are not links"
        );
        assert!(row[2].pivot.is_none(), "an empty IP is not a pivot");
    }
}

#[test]
fn lists_of_names_and_hashes_pivot() {
    let v = view_of(
        "domain-rt5-iitm.ac.in-subdomains-raw-compact-autorecon.json",
        Endpoint::Domain,
        5,
    );
    assert_eq!(v.list.len(), 6);
    assert_eq!(v.list[0].text, "alumni.iitm.ac.in");
    let v = view_of(
        "domain-rt5-vwrm-subdomains-asrabon-readme.json",
        Endpoint::Domain,
        5,
    );
    assert_eq!(list(&v), ["www.vwrm.com", "mail.vwrm.com"]);
    let v = view_of(
        "host-rt4-216.58.213.110-related-samples-asrabon-readme.json",
        Endpoint::Host,
        4,
    );
    assert_eq!(v.list.len(), 12);
    assert!(v.list.iter().all(|c| c
        .pivot
        .as_ref()
        .is_some_and(|p| p.endpoint == Endpoint::Sample)));
    let v = view_of("av-rt1-samples-rapid7-help-2023.json", Endpoint::Av, 1);
    assert_eq!(list(&v), ["44d88612fea8a8f36de82e1278abb02f"]);
    let v = view_of(
        "ssl-rt1-42a8d5b3-hosts-rapid7-help-2023.json",
        Endpoint::Ssl,
        1,
    );
    assert_eq!(list(&v), ["149.154.157.170", "149.154.157.171"]);
    assert_eq!(
        v.list[0].pivot.as_ref().map(|p| p.endpoint),
        Some(Endpoint::Host)
    );
    let v = view_of(
        "email-rt1-domains-rapid7-help-2023.json",
        Endpoint::Email,
        1,
    );
    assert_eq!(list(&v), ["my-dejanews.com"]);
    assert_eq!(v.title, "Domains (reverse WHOIS)");
}

#[test]
fn report_rows_link_to_the_report_and_its_page() {
    for (file, endpoint, rt, filename, year) in [
        (
            "domain-rt6-vwrm-report-tagging-asrabon-readme.json",
            Endpoint::Domain,
            6,
            "comment_crew_indicators_of_compromise.pdf",
            "2013",
        ),
        (
            "ssl-rt2-42a8d5b3-report-tagging-raw-escaped-rapid7-help-2023.json",
            Endpoint::Ssl,
            2,
            "fireeye-operation-ke3chang.pdf",
            "2013",
        ),
        (
            "reports-rt1-report-list-rapid7-help-2023.json",
            Endpoint::Reports,
            1,
            "shadows-in-the-cloud.pdf",
            "2010",
        ),
    ] {
        let v = view_of(file, endpoint, rt);
        let row = &v.table.as_ref().expect("a table").rows[0];
        let pivot = row[0].pivot.as_ref().expect("a report pivot");
        assert_eq!(pivot.endpoint, Endpoint::Report);
        assert_eq!(
            (pivot.value.as_str(), pivot.y.as_deref()),
            (filename, Some(year))
        );
        assert_eq!(row[1].text, year);
        let page =
            format!("https://www.threatminer.org/report.php?q={filename}&y={year}");
        assert_eq!(row[2].href.as_deref(), Some(page.as_str()), "{file}");
    }
}

#[test]
fn a_report_url_off_threatminer_is_not_linked_as_given() {
    let body = json!({"status_code": "200", "results": [
        {"filename": "x.pdf", "year": "2014", "URL": "javascript:alert(1)"}
    ]})
    .to_string();
    let Outcome::Ok(found) = decode(Endpoint::Domain, 6, 200, "", &body) else {
        panic!("a report row decodes");
    };
    let page = found.view.table.expect("a table").rows[0][2].href.clone();
    assert_eq!(
        page.as_deref(),
        Some("https://www.threatminer.org/report.php?q=x.pdf&y=2014")
    );
}

#[test]
fn sample_metadata_pivots_on_every_hash() {
    for file in [
        "sample-rt1-e6ff1bf0-metadata-asrabon-readme.json",
        "sample-rt1-e6ff1bf0-metadata-slashes-stripped-rapid7-unit-test-fixture.json",
    ] {
        let v = view_of(file, Endpoint::Sample, 1);
        let endpoint_of = |label: &str| {
            let f = v.facts.iter().find(|f| f.label == label).expect(label);
            f.values[0].pivot.as_ref().map(|p| p.endpoint)
        };
        assert_eq!(endpoint_of("MD5"), Some(Endpoint::Sample));
        assert_eq!(endpoint_of("SHA-1"), Some(Endpoint::Sample));
        assert_eq!(endpoint_of("SHA-256"), Some(Endpoint::Sample));
        assert_eq!(endpoint_of("ssdeep"), Some(Endpoint::Ssdeep));
        assert_eq!(endpoint_of("Imphash"), Some(Endpoint::Imphash));
        assert_eq!(fact(&v, "MD5"), ["e6ff1bf0821f00384cdd25efb9b1cc09"]);
        assert_eq!(fact(&v, "File name"), ["installaware.15-patch.exe"]);
        assert_eq!(fact(&v, "File size"), ["546304 bytes"]);
    }
}

#[test]
fn sample_traffic_hosts_mutexes_and_detections() {
    let v = view_of(
        "sample-rt2-e6ff1bf0-http-traffic-asrabon-readme.json",
        Endpoint::Sample,
        2,
    );
    assert_eq!(column(&v, 0), ["GET", "GET"]);
    assert_eq!(column(&v, 3), ["/", "/installaware/2011/style.css"]);
    assert!(column(&v, 4)[0].starts_with("Mozilla/4.0 (compatible; MSIE 8.0"));
    assert_eq!(column(&v, 5)[0], "Hybrid-analysis");

    let v = view_of(
        "sample-rt3-e6ff1bf0-hosts-asrabon-readme.json",
        Endpoint::Sample,
        3,
    );
    assert_eq!(column(&v, 0).len(), 7);
    assert_eq!(column(&v, 0)[0], "www.google-analytics.com");
    assert_eq!(list(&v), ["209.222.0.52", "72.32.150.153"]);
    assert_eq!(
        v.list[0].pivot.as_ref().map(|p| p.endpoint),
        Some(Endpoint::Host)
    );

    let v = view_of(
        "sample-rt4-e6ff1bf0-mutants-asrabon-readme.json",
        Endpoint::Sample,
        4,
    );
    assert_eq!(
        list(&v),
        [
            r"\Sessions\1\BaseNamedObjects\Local\MidiMapper_modLongMessage_RefCnt",
            r"\Sessions\1\BaseNamedObjects\Local\!IETld!Mutex",
        ]
    );

    let v = view_of(
        "sample-rt6-e6ff1bf0-av-detections-asrabon-readme.json",
        Endpoint::Sample,
        6,
    );
    assert_eq!(
        v.table.as_ref().expect("a table").columns,
        ["Vendor", "Detection"]
    );
    assert_eq!(column(&v, 0)[0], "MicroWorld-eScan");
    assert_eq!(column(&v, 1)[0], "Trojan.Generic.8175716");
}

#[test]
fn no_results_is_empty_in_either_key_order() {
    for file in [
        "any-404-no-results-rapid7-help-2019-inner.json",
        "any-404-no-results-rapid7-unit-test-fixture.json",
    ] {
        let o = decode(Endpoint::Domain, 1, 200, "application/json", &body(file));
        assert!(matches!(o, Outcome::Empty { .. }), "{file}");
    }
}

#[test]
fn status_code_as_number_or_text() {
    let number = decode(
        Endpoint::Av,
        1,
        200,
        "",
        &body("av-rt1-samples-rapid7-help-2023.json"),
    );
    let text = decode(
        Endpoint::Av,
        1,
        200,
        "",
        &body("av-rt1-samples-rapid7-unit-test-fixture.json"),
    );
    assert_eq!((number.state(), text.state()), ("ok", "ok"));
}

#[test]
fn each_failure_has_its_kind() {
    let cases: &[(u16, &str, &str, ErrorKind, bool)] = &[
        (
            500,
            "text/html",
            "<html>Internal</html>",
            ErrorKind::ServerError,
            false,
        ),
        (502, "text/html", "", ErrorKind::ServerError, false),
        (
            403,
            "text/html",
            "<html>Cloudflare</html>",
            ErrorKind::Blocked,
            // The CDN's challenge page pauses the queue like a 429.
            true,
        ),
        (204, "", "", ErrorKind::Throttled, true),
        (
            429,
            "text/plain",
            "Too Many Requests",
            ErrorKind::Throttled,
            true,
        ),
        (200, "application/json", "", ErrorKind::EmptyBody, false),
        (
            200,
            "text/html",
            "<html><body>Maintenance</body></html>",
            ErrorKind::NotJson,
            false,
        ),
        (
            200,
            "text/plain",
            "Database error",
            ErrorKind::NotJson,
            false,
        ),
        (
            200,
            "application/json",
            r#"{"status_code":"200","results":[{"ip":"1."#,
            ErrorKind::Truncated,
            false,
        ),
        (
            200,
            "application/json",
            r#""just a string""#,
            ErrorKind::UnexpectedShape,
            false,
        ),
        (
            200,
            "application/json",
            r#"{"error":"nope"}"#,
            ErrorKind::UnexpectedShape,
            false,
        ),
        (
            200,
            "application/json",
            r#"{"status_code":"200","results":"x"}"#,
            ErrorKind::UnexpectedShape,
            false,
        ),
        (
            400,
            "text/html",
            "<html>Bad</html>",
            ErrorKind::HttpStatus,
            false,
        ),
    ];
    for (status, ct, text, want, throttled) in cases {
        let Outcome::Error(e) = decode(Endpoint::Domain, 1, *status, ct, text) else {
            panic!("{status} {text:?} must fail");
        };
        assert_eq!(e.kind, *want, "{status} {text:?}");
        assert_eq!(e.throttled, *throttled, "{status} {text:?}");
        assert!(e.message.starts_with(char::is_uppercase) && e.message.ends_with('.'));
    }
    let Outcome::Error(e) = Outcome::timeout(30) else {
        panic!("a timeout is an error");
    };
    assert_eq!(e.message, "ThreatMiner did not answer within 30 s. Retry.");
    assert!(e.retryable);
}

#[test]
fn ssdeep_plus_and_slash_are_encoded() {
    let q = "1536:TJsNrChuG2K6IVOTjWko8a9P6W3OEHBQc4w4:TJs0oG2KSTj3o8a9PFeEHn4l";
    let url =
        Request::new(Endpoint::Ssdeep, "3072:HcR/rup+4/x:HEt", 1).url(tm::DEFAULT_BASE);
    assert_eq!(
        url,
        "https://api.threatminer.org/v2/ssdeep.php?q=3072%3AHcR%2Frup%2B4%2Fx%3AHEt&rt=1"
    );
    let p = plan(Kind::Ssdeep, q);
    assert_eq!(p.requests.len(), 2);
    assert!(!p.requests[0].url.contains(q));
}

#[test]
fn email_is_looked_up_by_its_sha1() {
    // Computed independently with Python's hashlib.
    let want = "006645f585f3fdf51ff1864383ef68fb6c92fff7";
    assert_eq!(email_query("janagreen2000@gmail.com"), want);
    assert_eq!(email_query("  JanaGreen2000@Gmail.com "), want);
    let p = plan(Kind::Email, "JanaGreen2000@gmail.com");
    assert_eq!(
        p.requests[0].url,
        format!("https://api.threatminer.org/v2/email.php?q={want}&rt=1")
    );
    assert_eq!(p.lookup_value, "janagreen2000@gmail.com");
}

#[test]
fn outcome_and_view_json_shapes() {
    let o = decode(
        Endpoint::Domain,
        6,
        200,
        "",
        &body("domain-rt6-vwrm-report-tagging-asrabon-readme.json"),
    );
    let json = serde_json::to_value(&o).expect("outcomes serialise");
    assert_eq!(json["state"], "ok");
    let view = &json["view"];
    for key in ["title", "facts", "table", "list", "list_title"] {
        assert!(view.get(key).is_some(), "view has {key}");
    }
    assert_eq!(view["table"]["rows"][0][0]["pivot"]["endpoint"], "report");
    assert_eq!(view["table"]["rows"][0][0]["pivot"]["y"], "2013");
    // The bindings hand views back from JS: they must read back unchanged.
    let back: SectionView =
        serde_json::from_value(view.clone()).expect("views deserialise");
    let Outcome::Ok(found) = o else { panic!("ok") };
    assert_eq!(back, found.view);
}

/// Any JSON value, biased towards the field names ThreatMiner uses so that
/// the section readers see familiar keys holding unfamiliar values.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::from),
    ];
    let keys = prop_oneof![
        Just("ip"),
        Just("domain"),
        Just("whois"),
        Just("last_updated"),
        Just("sec"),
        Just("nameservers"),
        Just("emails"),
        Just("mutants"),
        Just("http_traffic"),
        Just("av_detections"),
        Just("domains"),
        Just("hosts"),
        Just("URL"),
        Just("filename"),
        Just("year"),
        Just("md5"),
        Just("registrant_info"),
        Just("last_seen"),
        Just("registry_keys"),
        Just("x"),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(keys.clone(), inner, 0..6).prop_map(|m| {
                Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

fn endpoint() -> impl Strategy<Value = Endpoint> {
    (0..Endpoint::ALL.len()).prop_map(|i| Endpoint::ALL[i])
}

proptest! {
    #[test]
    fn arbitrary_bodies_never_panic(
        e in endpoint(), rt in 0u8..10, status in any::<u16>(),
        ct in ".{0,20}", text in ".{0,200}",
    ) {
        let _ = decode(e, rt, status, &ct, &text);
    }

    #[test]
    fn arbitrary_results_never_panic(
        e in endpoint(), rt in 0u8..10, code in prop_oneof![
            Just(json!("200")), Just(json!(200)), Just(json!("404")), Just(json!(null))
        ],
        results in json_value(),
    ) {
        let text = json!({"status_code": code, "results": results}).to_string();
        let outcome = decode(e, rt, 200, "application/json", &text);
        // Whatever the answer, it serialises for the extension.
        prop_assert!(serde_json::to_string(&outcome).is_ok());
    }

    #[test]
    fn cut_short_answers_are_never_ok(cut in 1usize..200) {
        let full = body("domain-rt1-vwrm-whois-asrabon-readme.json");
        let end = full.char_indices().map(|(i, _)| i).nth(cut).unwrap_or(full.len());
        let part = &full[..end];
        let outcome = decode(Endpoint::Domain, 1, 200, "application/json", part);
        prop_assert_eq!(outcome.state(), "error");
    }
}

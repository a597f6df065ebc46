//! Marked-up pages: each case is an input line followed by the same line
//! with every top-level match written as `[kind:raw text]`.
//!
//! Derived matches (a URL's host and path, an address's domain) and matches
//! nested inside an earlier one (a hash inside a URL) are left out of the
//! markup so each line stays readable; the unit tests cover those.

use tmlookup::{Extraction, Finder};

/// Renders `text` with the top-level matches bracketed and labelled.
fn markup(text: &str, found: &Extraction) -> String {
    let mut out = String::new();
    let mut at = 0;
    for m in &found.indicators {
        if m.derived_from.is_some() || m.start < at {
            continue;
        }
        out.push_str(&text[at..m.start]);
        out.push_str(&format!("[{}:{}]", m.kind.name(), &text[m.start..m.end]));
        at = m.end;
    }
    out.push_str(&text[at..]);
    out
}

const CASES: &str = r#"
Beacons went to 203.0.113[.]77 every five minutes.
Beacons went to [ipv4:203.0.113[.]77] every five minutes.

payload hXXps://files-drop[.]net/a/B/Loader.EXE?id=7 seen
payload [url:hXXps://files-drop[.]net/a/B/Loader.EXE?id=7] seen

get it (https://docs.example.net/guide/) now, or <http://short.example.org/x>.
get it ([url:https://docs.example.net/guide/]) now, or <[url:http://short.example.org/x]>.

it dropped report.zip, notes.docx and evil[.]zip
it dropped [filename:report.zip], [filename:notes.docx] and [domain:evil[.]zip]

contact ops[at]bad-mailer[.]ru or first.last(at)mailbox(.)org today
contact [email:ops[at]bad-mailer[.]ru] or [email:first.last(at)mailbox(.)org] today

tcp 0 0 192.0.2.15.4444 ESTABLISHED; release 4.12.3.9.2; 1256.10.10.10
tcp 0 0 [ipv4:192.0.2.15].4444 ESTABLISHED; release 4.12.3.9.2; 1256.10.10.10

flagged as W32/Emotet.BN!tr and Trojan:Win32/Qakbot.RK!MTB by config.py
flagged as W32/Emotet.BN!tr and Trojan:Win32/Qakbot.RK!MTB by [filename:config.py]

wrote HKLM\Software\Run and then contacted 198.51.100.3
wrote [registry_key:HKLM\Software\Run] and then contacted [ipv4:198.51.100.3]

Mutex: qazwsxedc_7731; also Global\ZXCVB-91.
Mutex: [mutex:qazwsxedc_7731]; also [mutex:Global\ZXCVB-91].

MD5 4AEEBD4AA1CEDD190731299C3810A5DB in CVE-2023-4966 exploit
MD5 [md5:4AEEBD4AA1CEDD190731299C3810A5DB] in [cve:CVE-2023-4966] exploit

UA Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0) TLP:AMBER
UA [user_agent:Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)] TLP:AMBER

C2 at 2001:db8:4f2::17 and [2001:db8::5]:8443, relay 2001[:]db8[:]:9
C2 at [ipv6:2001:db8:4f2::17] and [[ipv6:2001:db8::5]]:8443, relay [ipv6:2001[:]db8[:]:9]

POST /wp-content/plugins/wpx/gate.php HTTP/1.1
POST [url_path:/wp-content/plugins/wpx/gate.php] HTTP/1.1

staged at dl-mirror[.]net/bin/upd.exe and C:\ProgramData\upd\svc.dll
staged at [url:dl-mirror[.]net/bin/upd.exe] and [filename:C:\ProgramData\upd\svc.dll]

hash 52cb0c6abb02dced4eb9{ZWSP}7286d6f91d4c4d09dffcd60797f58a2915a53b981412 seen
hash [sha256:52cb0c6abb02dced4eb9{ZWSP}7286d6f91d4c4d09dffcd60797f58a2915a53b981412] seen

* `++http://ee.gallery-shop[.]co[.]za++` and `+hxxps://10.20.30[.]40/gate.php+`
* `++[url:http://ee.gallery-shop[.]co[.]za]++` and `+[url:hxxps://10.20.30[.]40/gate.php]+`

- hxxps[:]///news-portal[.]com[.]np/a/b and market[.]com[.]kh
- [url:hxxps[:]///news-portal[.]com[.]np/a/b] and [domain:market[.]com[.]kh]

write to ops [at] relay-mail [dot] ru or j (at) corp (dot) example (dot) org, not the office (.) com team
write to [email:ops [at] relay-mail [dot] ru] or [email:j (at) corp (dot) example (dot) org], not the office (.) com team
"#;

#[test]
fn marked_up_pages() {
    let finder = Finder::new();
    // `{ZWSP}` stands for a zero-width space, which would be invisible here.
    let cases = CASES.replace("{ZWSP}", "\u{200b}");
    let lines: Vec<&str> = cases.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len() % 2, 0, "each input needs its marked-up line");
    let mut failures = Vec::new();
    for pair in lines.chunks(2) {
        let got = markup(pair[0], &finder.find(pair[0]));
        if got != pair[1] {
            failures.push(format!(
                "input: {}\n want: {}\n  got: {got}",
                pair[0], pair[1]
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

//! One test per fault found while running the finder over real reports,
//! each named after the fault it pins.

use tmlookup::{Finder, Kind, Match};

fn find(text: &str) -> Vec<Match> {
    Finder::new().find(text).indicators
}

fn values(text: &str, kind: Kind) -> Vec<String> {
    find(text)
        .into_iter()
        .filter(|m| m.kind == kind)
        .map(|m| m.value)
        .collect()
}

#[test]
fn asciidoc_link_title_joined_to_url() {
    let text = "see https://blog.example.com/2016/11/02/moose/[Linux/Moose] for more";
    assert_eq!(
        values(text, Kind::Url),
        ["https://blog.example.com/2016/11/02/moose/"]
    );
}

#[test]
fn registry_key_kept_trailing_backslash() {
    let text = r"created HKLM\SYSTEM\CurrentControlSet\services\KBDMAI\ with";
    assert_eq!(
        values(text, Kind::RegistryKey),
        [r"HKLM\SYSTEM\CurrentControlSet\services\KBDMAI"]
    );
}

#[test]
fn registry_key_joined_bracketed_prose() {
    let text = concat!(
        r"[HKEY_CURRENT_USER\Software\Microsoft\Direct3D] or ",
        r"[HKEY_LOCAL_MACHINE\Software\Microsoft\Windows NT\CurrentVersion\Console]"
    );
    assert_eq!(
        values(text, Kind::RegistryKey),
        [
            r"HKEY_CURRENT_USER\Software\Microsoft\Direct3D",
            r"HKEY_LOCAL_MACHINE\Software\Microsoft\Windows NT\CurrentVersion\Console",
        ]
    );
}

#[test]
fn windows_path_joined_next_path_across_prose() {
    let text = r"wrote C:\ProgramData\upd\svc.dll and %APPDATA%\x\run.exe";
    assert_eq!(
        values(text, Kind::Filename),
        [r"C:\ProgramData\upd\svc.dll", r"%APPDATA%\x\run.exe"]
    );
}

#[test]
fn versioned_archive_read_as_domain() {
    for name in [
        "Bandicam_4.3.1.1490.zip",
        "offer.pdf.zip",
        "Textures.exe.zip",
        "03.22.2023.one",
    ] {
        let found = find(name);
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(found[0].kind, Kind::Filename, "{name}");
        assert_eq!(found[0].alternatives, [Kind::Domain], "{name}");
    }
}

#[test]
fn defanged_host_under_file_tld_read_as_file() {
    let found = find("C2 at evil-updates[.]zip and update[.]py");
    let kinds: Vec<(Kind, &str)> =
        found.iter().map(|m| (m.kind, m.value.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (Kind::Domain, "evil-updates.zip"),
            (Kind::Domain, "update.py")
        ]
    );
    assert_eq!(found[0].alternatives, [Kind::Filename]);
}

#[test]
fn framework_name_read_as_domain() {
    assert!(values("built on ASP.NET and VB.NET", Kind::Domain).is_empty());
    assert_eq!(values("host asp.net", Kind::Domain), ["asp.net"]);
}

#[test]
fn parenthesised_dot_in_prose_refanged() {
    let text = "the office (.) com team";
    assert!(values(text, Kind::Domain).is_empty());
}

#[test]
fn tail_of_unicode_word_read_as_domain() {
    assert!(values("Verlag B\u{fc}cher.de und \u{444}oo.ru", Kind::Domain).is_empty());
    assert_eq!(
        values("\u{201c}evil.com\u{201d}", Kind::Domain),
        ["evil.com"]
    );
}

#[test]
fn dot_com_era_read_as_domain() {
    assert!(values("after the dot com bubble burst", Kind::Domain).is_empty());
    assert_eq!(values("beacon to evil dot com", Kind::Domain), ["evil.com"]);
}

//! The command-line finder as a pipeline runs it: what it prints, where,
//! and its exit status.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tmlookup"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input)
        .expect("the input is written");
    child.wait_with_output().expect("the binary ends")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn json_offsets_point_into_the_input() {
    let input = "café then hxxps://evil[.]com/a".as_bytes();
    let out = run(&["extract", "--json", "-"], input);
    assert!(out.status.success());
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the output is JSON");
    let url = &json["indicators"][0];
    assert_eq!(url["kind"], "url");
    assert_eq!(url["value"], "https://evil.com/a");
    let (start, end) = (url["start"].as_u64().unwrap(), url["end"].as_u64().unwrap());
    assert_eq!(
        &input[start as usize..end as usize],
        b"hxxps://evil[.]com/a"
    );
}

#[test]
fn notes_go_to_standard_error() {
    let out = run(&["extract"], b"nothing to see here\n");
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("no indicators found"));
}

#[test]
fn utf16_input_is_named() {
    let mut input = vec![0xFF, 0xFE];
    for unit in "see evil.com".encode_utf16() {
        input.extend_from_slice(&unit.to_le_bytes());
    }
    let out = run(&["extract"], &input);
    assert!(
        text(&out.stderr).contains("UTF-16"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["extract"], b"see evil.com");
    assert!(!text(&out.stderr).contains("UTF-16"));
    assert!(text(&out.stdout).contains("evil.com"));
}

#[test]
fn utf16_without_a_byte_order_mark_is_named_with_its_byte_order() {
    let words = "the loader calls back to evil.com every hour";
    for (name, bytes) in [
        (
            "UTF-16LE",
            words
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
        ),
        (
            "UTF-16BE",
            words.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        ),
    ] {
        let out = run(&["extract"], &bytes);
        let said = text(&out.stderr);
        assert!(
            said.contains(&format!("iconv -f {name} ")),
            "{name}: {said}"
        );
    }
    // Binary that merely holds zero bytes here and there is not UTF-16.
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    assert!(!text(&run(&["extract"], &junk).stderr).contains("UTF-16"));
}

#[test]
fn a_missing_file_fails_with_its_path() {
    let out = run(&["extract", "/nonexistent/report.txt"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("/nonexistent/report.txt"));
}

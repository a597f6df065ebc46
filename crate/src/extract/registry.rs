//! Windows registry keys, from their hive (`HKLM`, `HKEY_CURRENT_USER`, ...)
//! to their last part.

use super::filename::backslash_path_end;
use super::scan::{before, find_either, is_word, trim_end, Cx, Found, Scanner};
use super::Kind;

/// Finds registry keys.
pub(crate) struct RegistryKeys;

impl Scanner for RegistryKeys {
    fn needs(&self) -> &'static [u8] {
        b"\\"
    }

    fn scan(&self, cx: &mut Cx<'_>) {
        let b = cx.b;
        let mut done = 0;
        for i in find_either(b, b"HK", b"hk") {
            if i < done || before(b, i).is_some_and(is_word) {
                continue;
            }
            let Some(parts) = hive_end(b, i) else {
                continue;
            };
            let end = backslash_path_end(b, parts, is_part);
            let mut end = trim_end(b, i, end);
            // `...\Services\Name\` names the same key as without the slash.
            while end > parts && b[end - 1] == b'\\' {
                end -= 1;
            }
            // A hive alone, or a hive and a trailing backslash, names no key.
            if end <= parts {
                continue;
            }
            done = end;
            cx.push(Found::new(
                Kind::RegistryKey,
                i,
                end,
                cx.text[i..end].to_owned(),
            ));
            cx.claim(i, end);
        }
    }
}

/// Hive names, long forms first so that `HKEY_USERS` is not read as `HKU`.
const HIVES: &[&[u8]] = &[
    b"hkey_local_machine",
    b"hkey_current_user",
    b"hkey_classes_root",
    b"hkey_current_config",
    b"hkey_users",
    b"hklm",
    b"hkcu",
    b"hkcr",
    b"hkcc",
    b"hku",
];

/// Whether `word` is a hive's name (`HKLM`, `hkey_users`), in any case.
pub(crate) fn is_hive(word: &[u8]) -> bool {
    HIVES.iter().any(|h| word.eq_ignore_ascii_case(h))
}

/// Where the first part of the key starts, if a hive and its backslash
/// (or PowerShell's `HKLM:\`) start at `i`.
fn hive_end(b: &[u8], i: usize) -> Option<usize> {
    let rest = b.get(i..)?;
    let hive = HIVES
        .iter()
        .find(|h| rest.len() > h.len() && rest[..h.len()].eq_ignore_ascii_case(h))?;
    let mut j = i + hive.len();
    if b.get(j) == Some(&b':') {
        j += 1;
    }
    (b.get(j) == Some(&b'\\')).then_some(j + 1)
}

/// Characters of a key part. Angle brackets stay for placeholders such as
/// `<SID>`; quotes, commas and semicolons end the key.
fn is_part(c: u8) -> bool {
    c > b' ' && !matches!(c, b'"' | b'\'' | b'`' | b',' | b';' | b'|')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        crate::Finder::new()
            .find(text)
            .indicators
            .into_iter()
            .filter(|m| m.kind == Kind::RegistryKey)
            .map(|m| m.value)
            .collect()
    }

    #[test]
    fn ends_and_spaces() {
        assert_eq!(
            keys(r"wrote HKLM\Software\Run and then"),
            [r"HKLM\Software\Run"]
        );
        assert_eq!(
            keys(r"sets HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon to"),
            [r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon"]
        );
        assert_eq!(
            keys(r#""HKEY_USERS\<SID>\Software\Run" key."#),
            [r"HKEY_USERS\<SID>\Software\Run"]
        );
        assert_eq!(keys(r"HKCU:\Software\x."), [r"HKCU:\Software\x"]);
        assert!(keys(r"HKLM\ alone, HKLMX\a").is_empty());
        assert_eq!(
            keys(
                r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options\sethc.exe was set"
            ),
            [
                r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options\sethc.exe"
            ]
        );
        assert_eq!(
            keys(r"keys HKLM\Software\Run and HKCU\Software\Run are set"),
            [r"HKLM\Software\Run", r"HKCU\Software\Run"]
        );
    }
}

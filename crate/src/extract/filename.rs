//! File names and paths: Windows paths (`C:\...`, `%APPDATA%\...`), Unix
//! paths with at least two parts, and bare names with a known extension.
//!
//! A name with a space in it is whole only inside a Windows path: a bare
//! `legal agreement.doc` gives `agreement.doc`.

use memchr::memmem;

use super::registry::is_hive;
use super::scan::{before, inside_word, is_word, trim_end, Cx, Found, Scanner};
use super::{tld, Kind};

/// Finds file names and paths.
pub(crate) struct Filenames;

impl Scanner for Filenames {
    fn needs(&self) -> &'static [u8] {
        b"./\\"
    }

    fn scan(&self, cx: &mut Cx<'_>) {
        windows_paths(cx);
        unix_paths(cx);
        bare_names(cx);
    }
}

/// Extensions that make a dotted word a file name, sorted.
///
/// Several are also TLDs (`zip`, `py`, `sh`, `md`, `mov`, `pl`): a two-part
/// name with one of those is reported as a filename that may be a domain.
const EXTENSIONS: &[&str] = &[
    "7z", "apk", "app", "asp", "aspx", "bat", "bin", "cab", "cfg", "cgi", "chm",
    "class", "cmd", "conf", "cpl", "crx", "csv", "dat", "db", "deb", "dll", "dmg",
    "doc", "docm", "docx", "dotm", "drv", "elf", "eml", "exe", "gif", "gz", "hta",
    "htm", "html", "img", "ini", "iso", "jar", "jpeg", "jpg", "js", "jse", "json",
    "jsp", "ko", "lnk", "log", "md", "mov", "msc", "msi", "one", "pdf", "php", "pl",
    "png", "ppt", "pptm", "pptx", "ps1", "psm1", "py", "pyc", "rar", "rtf", "scr",
    "sh", "so", "svg", "sys", "tar", "tgz", "tmp", "txt", "vbe", "vbs", "wsf", "xls",
    "xlsb", "xlsm", "xlsx", "xml", "xz", "zip",
];

/// Whether `ext` (any case) is a known file extension.
pub(crate) fn is_extension(ext: &str) -> bool {
    // Most dotted tokens end in a number (`3.5`, `1.2.3.4`): no extension
    // is all digits, so those are answered without a search.
    if !(1..=5).contains(&ext.len()) || ext.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    // Searched as numbers (see `tld::packed_lower`), which is several times
    // faster than comparing strings; a zero byte would pack like the end
    // of a shorter word.
    !ext.as_bytes().contains(&0)
        && PACKED_EXTENSIONS
            .binary_search(&tld::packed_lower(ext.as_bytes()))
            .is_ok()
}

/// [`EXTENSIONS`], packed (all are at most five bytes long).
const PACKED_EXTENSIONS: [u64; EXTENSIONS.len()] = {
    let mut out = [0; EXTENSIONS.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = tld::packed_lower(EXTENSIONS[i].as_bytes());
        i += 1;
    }
    out
};

/// Whether the last part of `path` has an extension of one to five
/// letters and digits with at least one letter: `svc.dll`, `a.ps1`.
fn has_extension(path: &str) -> bool {
    let last = path.rsplit(['\\', '/']).next().unwrap_or_default();
    match last.rsplit_once('.') {
        Some((name, ext)) => {
            !name.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.bytes().all(|c| c.is_ascii_alphanumeric())
                && ext.bytes().any(|c| c.is_ascii_alphabetic())
        }
        None => false,
    }
}

/// Characters a path part may hold. Quotes, pipes and the characters
/// Windows forbids in names end a path.
fn is_path(c: u8) -> bool {
    c > b' '
        && !matches!(
            c,
            b'"' | b'\'' | b'<' | b'>' | b'|' | b'*' | b'?' | b',' | b'`'
        )
}

/// The end of a backslash-separated path or key whose first part starts at
/// `i`. A part may hold a space, as in `Program Files` or `Image File
/// Execution Options`, when at most three more words lead straight to the
/// next backslash and the last of them is not a registry hive (`Run and
/// HKCU\...` is two keys); prose after the last part therefore does not
/// join it. A last part with spaces (`...\Main\Start Page`) cannot be told
/// from the prose after it and ends at its first space.
pub(crate) fn backslash_path_end(
    b: &[u8],
    mut i: usize,
    part: fn(u8) -> bool,
) -> usize {
    let limit = (i + 1024).min(b.len());
    loop {
        while i < limit && part(b[i]) {
            i += 1;
        }
        if i < limit && b[i] == b' ' {
            let mut j = i;
            let mut words = 0;
            // A part that already has an extension names a file: the
            // path ends there.
            let lo = i.saturating_sub(1024);
            let part_start = b[lo..i]
                .iter()
                .rposition(|&c| c == b'\\')
                .map_or(lo, |p| lo + p + 1);
            if b[part_start..i].contains(&b'.') {
                return i;
            }
            let mut word = j;
            while j < limit && b[j] == b' ' && words < 3 {
                j += 1;
                word = j;
                while j < limit && part(b[j]) && !b"\\%:[]".contains(&b[j]) {
                    j += 1;
                }
                words += 1;
                if b.get(j) == Some(&b'\\') {
                    break;
                }
            }
            if j < limit && b[j] == b'\\' && j > i + 1 && !is_hive(&b[word..j]) {
                i = j;
                continue;
            }
        }
        return i;
    }
}

fn windows_paths(cx: &mut Cx<'_>) {
    let b = cx.b;
    let mut starts = Vec::new();
    for sep in memmem::find_iter(b, b":\\") {
        // A drive letter that starts a word: `C:\`.
        if sep >= 1
            && b[sep - 1].is_ascii_alphabetic()
            && !before(b, sep - 1).is_some_and(is_word)
        {
            starts.push(sep - 1);
        }
    }
    for sep in memmem::find_iter(b, b"%\\") {
        // An environment variable: `%APPDATA%\`.
        let name = b[..sep]
            .iter()
            .rev()
            .take(32)
            .take_while(|&&c| is_word(c) || c == b'(' || c == b')')
            .count();
        if name > 0 && sep > name && b[sep - name - 1] == b'%' {
            starts.push(sep - name - 1);
        }
    }
    starts.sort_unstable();
    let mut done = 0;
    for start in starts {
        if start < done || cx.is_claimed(start, start + 1) {
            continue;
        }
        let end = quoted_path_end(b, start).unwrap_or_else(|| {
            trim_end(b, start, backslash_path_end(b, start, is_path))
        });
        done = end;
        let path = &cx.text[start..end];
        if has_extension(path) && path.contains('\\') {
            cx.push(Found::new(Kind::Filename, start, end, path.to_owned()));
            cx.claim(start, end);
        }
    }
}

/// The end of a quoted Windows path starting at `start`: the closing quote,
/// when it is on the same line and what it closes ends in an extension.
/// Inside quotes, a last part may hold spaces (`"C:\My Files\run me.exe"`),
/// which outside them cannot be told from prose.
fn quoted_path_end(b: &[u8], start: usize) -> Option<usize> {
    let quote = *b.get(start.checked_sub(1)?)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let rest = &b[start..(start + 1024).min(b.len())];
    let close = memchr::memchr2(quote, b'\n', rest).filter(|&i| rest[i] == quote)?;
    let inner = std::str::from_utf8(&rest[..close]).ok()?;
    let last = inner.rsplit('\\').next()?;
    let ext = last.rsplit_once('.')?.1;
    (is_extension(ext) && !inner.contains(['\t', '\r'])).then_some(start + close)
}

fn unix_paths(cx: &mut Cx<'_>) {
    let b = cx.b;
    let mut done = 0;
    for start in memchr::memchr_iter(b'/', b) {
        // A path starts after a space, a quote or an opening bracket, so
        // dates (`2024/05/01`), fractions and `and/or` are not paths.
        if start < done
            || !before(b, start).map_or(true, |c| {
                c.is_ascii_whitespace() || b"\"'(`=[<".contains(&c)
            })
        {
            continue;
        }
        let mut end = start;
        let mut parts = 0;
        while end < b.len() && b[end] == b'/' {
            let part = b[end + 1..]
                .iter()
                .take(255)
                .take_while(|&&c| c.is_ascii_alphanumeric() || b"._-~+@".contains(&c))
                .count();
            if part == 0 {
                break;
            }
            end += 1 + part;
            parts += 1;
        }
        let end = trim_end(b, start, end);
        done = end.max(start + 1);
        if parts < 2
            || cx.is_claimed(start, end)
            || !has_extension(&cx.text[start..end])
        {
            continue;
        }
        cx.push(Found::new(
            Kind::Filename,
            start,
            end,
            cx.text[start..end].to_owned(),
        ));
        cx.claim(start, end);
    }
}

/// Extensions that are also TLDs but name files far more often in reports.
const FILE_FIRST: &[&str] = &["md", "mov", "one", "py", "sh", "zip"];

/// Whether a name under a TLD that is also an extension is a file first.
///
/// A defanged name (`evil[.]zip`) is a host: nobody defangs a file name.
/// Otherwise `report.zip` is a file, and so is any name whose inner parts
/// look like a file's (`offer.pdf.zip`, `tool.v1.2.zip`); a longer name
/// under `.app` or `.pl` is left to the domain scanner.
fn file_first(cx: &Cx<'_>, start: usize, end: usize, stem: &str, ext: &str) -> bool {
    if cx.was_defanged(start, end) {
        return false;
    }
    let ext = ext.to_ascii_lowercase();
    !stem.contains('.')
        || FILE_FIRST.contains(&ext.as_str())
        || stem
            .split('.')
            .skip(1)
            .any(|part| is_extension(part) || part.bytes().all(|c| c.is_ascii_digit()))
}

fn bare_names(cx: &mut Cx<'_>) {
    for (start, end) in cx.dotted() {
        let name = &cx.text[start..end];
        // A byte search: `rsplit_once` with a `char` pattern cost more
        // than the rest of the checks on most tokens.
        let Some(dot) = memchr::memrchr(b'.', name.as_bytes()) else {
            continue;
        };
        let (stem, ext) = (&name[..dot], &name[dot + 1..]);
        if stem.is_empty()
            || !is_extension(ext)
            || cx.is_claimed(start, end)
            || inside_word(cx.text, start, end)
            || before(cx.b, start) == Some(b'@')
            || cx.b.get(end) == Some(&b'@')
        {
            continue;
        }
        let mut found = Found::new(Kind::Filename, start, end, name.to_owned());
        if tld::is_tld(ext) {
            if !file_first(cx, start, end, stem, ext) {
                continue;
            }
            found = found.alternative(Kind::Domain);
        }
        cx.push(found);
        cx.claim(start, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, Vec<Kind>)> {
        crate::Finder::new()
            .find(text)
            .indicators
            .into_iter()
            .filter(|m| m.kind == Kind::Filename)
            .map(|m| (m.value, m.alternatives))
            .collect()
    }

    #[test]
    fn extensions_sorted() {
        assert!(EXTENSIONS.windows(2).all(|w| w[0] < w[1]));
        assert!(EXTENSIONS.iter().all(|e| e.len() <= 5));
        assert!(PACKED_EXTENSIONS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn paths() {
        let f =
            found(r"wrote C:\ProgramData\upd\svc.dll and %APPDATA%\Micro soft\x.exe.");
        assert_eq!(f[0].0, r"C:\ProgramData\upd\svc.dll");
        assert_eq!(f[1].0, r"%APPDATA%\Micro soft\x.exe");
        assert_eq!(
            found("ran /var/lib/.cache/miner.sh hourly")[0].0,
            "/var/lib/.cache/miner.sh"
        );
        assert_eq!(
            found(r"C:\Program Files\App\a.exe was")[0].0,
            r"C:\Program Files\App\a.exe"
        );
    }

    #[test]
    fn quoted_paths_keep_their_spaces() {
        let f = found(r#"ran "C:\Users\Public\My Files\run me.exe" at boot"#);
        assert_eq!(
            f,
            [(r"C:\Users\Public\My Files\run me.exe".to_owned(), vec![])]
        );
        let f = found(r#"'%TEMP%\a b\c d.dll', "C:\x\y z" and "C:\a\b.exe"."#);
        let names: Vec<_> = f.into_iter().map(|(v, _)| v).collect();
        assert_eq!(names, [r"%TEMP%\a b\c d.dll", r"C:\a\b.exe"]);
    }

    #[test]
    fn ambiguous_names_say_so() {
        let f = found("report.zip and Invoice_0423.pdf.exe");
        assert_eq!(f[0], ("report.zip".to_owned(), vec![Kind::Domain]));
        assert_eq!(f[1], ("Invoice_0423.pdf.exe".to_owned(), vec![]));
    }

    #[test]
    fn not_paths() {
        assert!(found("on 2024/05/01 and/or 1/2").is_empty());
        assert!(found("see /usr/bin now").is_empty());
    }
}

//! URL paths of HTTP request lines (`POST /gate.php HTTP/1.1`). Paths of
//! full URLs are reported by the URL scanner; a slash in prose (dates,
//! fractions, `and/or`) is not a path.

use super::scan::{before, is_word, trim_end, Cx, Found, Scanner};
use super::Kind;

/// Finds the paths of HTTP request lines.
pub(crate) struct RequestLines;

/// Request methods, upper case as HTTP writes them.
const METHODS: &[&[u8]] = &[
    b"GET", b"POST", b"PUT", b"HEAD", b"DELETE", b"OPTIONS", b"PATCH", b"CONNECT",
];

impl Scanner for RequestLines {
    fn needs(&self) -> &'static [u8] {
        b"/"
    }

    fn scan(&self, cx: &mut Cx<'_>) {
        let b = cx.b;
        for slash in memchr::memchr_iter(b'/', b) {
            let Some(method_end) = slash.checked_sub(1).filter(|&s| b[s] == b' ')
            else {
                continue;
            };
            let is_method = METHODS.iter().any(|m| {
                method_end >= m.len()
                    && &b[method_end - m.len()..method_end] == *m
                    && !before(b, method_end - m.len()).is_some_and(is_word)
            });
            if !is_method {
                continue;
            }
            let len = b[slash..]
                .iter()
                .take(4096)
                .take_while(|&&c| is_path(c))
                .count();
            let end = trim_end(b, slash, slash + len);
            if end > slash + 1 {
                cx.push(Found::new(
                    Kind::UrlPath,
                    slash,
                    end,
                    cx.text[slash..end].to_owned(),
                ));
            }
        }
    }
}

/// Characters of a request path. The query and fragment are not part of
/// it, and `[` starts the placeholders reports write in place of long
/// values (`POST /fonts/[base64 string]`).
fn is_path(c: u8) -> bool {
    c > b' ' && c < 0x7f && !matches!(c, b'?' | b'#' | b'[' | b'"' | b'\'' | b'`')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<String> {
        crate::Finder::new()
            .find(text)
            .indicators
            .into_iter()
            .filter(|m| m.kind == Kind::UrlPath)
            .map(|m| m.value)
            .collect()
    }

    #[test]
    fn request_lines() {
        assert_eq!(paths("POST /wp/gate.php HTTP/1.1"), ["/wp/gate.php"]);
        assert_eq!(paths("\"GET /a/b?x=1 HTTP/1.0\""), ["/a/b"]);
        assert_eq!(paths("POST /fonts/[base64 string]"), ["/fonts/"]);
        assert!(paths("on 2024/05/01 about 1/2 and/or FORGET /x").is_empty());
    }
}

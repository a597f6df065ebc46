//! Mutex names: those in a kernel object namespace (`Global\x`,
//! `\Sessions\1\BaseNamedObjects\x`) and those the text labels as a mutex
//! (`Mutex: x`).
//!
//! Every named object in the `Global\` or `Local\` namespace is reported as
//! a mutex, though some are events or semaphores; telling them apart needs
//! the words around the list. Bare names under a "Mutexes" heading are not
//! found.

use super::scan::{before, is_word, trim_end, Cx, Found, Scanner};
use super::Kind;

/// Finds mutex names.
pub(crate) struct Mutexes;

impl Scanner for Mutexes {
    fn needs(&self) -> &'static [u8] {
        b"\\xX"
    }

    fn scan(&self, cx: &mut Cx<'_>) {
        namespaced(cx);
        labelled(cx);
    }
}

/// Characters of a mutex name.
fn is_name(c: u8) -> bool {
    c > b' ' && !matches!(c, b'"' | b'\'' | b'`' | b',' | b';' | b'|' | b'<' | b'>')
}

fn namespaced(cx: &mut Cx<'_>) {
    let b = cx.b;
    let mut done = 0;
    for slash in memchr::memchr_iter(b'\\', b) {
        if slash < done {
            continue;
        }
        let word = b[..slash]
            .iter()
            .rev()
            .take(7)
            .take_while(|&&c| c.is_ascii_alphabetic())
            .count();
        let start = slash - word;
        let prefix = &b[start..slash];
        let named = (prefix.eq_ignore_ascii_case(b"global")
            || prefix.eq_ignore_ascii_case(b"local"))
            && !before(b, start).is_some_and(|c| is_word(c) || c == b'\\' || c == b'/');
        // `\Sessions\` and `\BaseNamedObjects\` start an object path.
        let object = word == 0
            && !before(b, slash).is_some_and(is_word)
            && [&b"\\sessions\\"[..], b"\\basenamedobjects\\"]
                .iter()
                .any(|p| {
                    b[slash..].len() > p.len()
                        && b[slash..slash + p.len()].eq_ignore_ascii_case(p)
                });
        if !named && !object {
            continue;
        }
        let mut end = slash + 1;
        while end < b.len() && end - start < 512 && is_name(b[end]) {
            end += 1;
        }
        let end = trim_end(b, start, end);
        done = end;
        // The name after the last backslash must not be empty.
        if end <= slash + 1 || b[end - 1] == b'\\' || cx.is_claimed(start, end) {
            continue;
        }
        cx.push(Found::new(
            Kind::Mutex,
            start,
            end,
            cx.text[start..end].to_owned(),
        ));
        cx.claim(start, end);
    }
}

/// `Mutex: name`, `mutex = name`, `mutex "name"`, `mutex named name`.
fn labelled(cx: &mut Cx<'_>) {
    let b = cx.b;
    for x in memchr::memchr2_iter(b'x', b'X', b) {
        let Some(start) = x.checked_sub(4) else {
            continue;
        };
        if !b[start..=x].eq_ignore_ascii_case(b"mutex")
            || before(b, start).is_some_and(is_word)
        {
            continue;
        }
        let mut i = x + 1;
        // A plural or a trailing word (`mutexes are`) is prose.
        let skip_spaces = |mut i: usize| {
            while b.get(i).is_some_and(|&c| c == b' ' || c == b'\t') {
                i += 1;
            }
            i
        };
        i = skip_spaces(i);
        let quoted = matches!(b.get(i), Some(b'"' | b'\''));
        if matches!(b.get(i), Some(b':' | b'=')) {
            i = skip_spaces(i + 1);
        } else if at_word(b, i, b"named ") || at_word(b, i, b"called ") {
            i = skip_spaces(
                b[i..].iter().position(|&c| c == b' ').map_or(i, |p| i + p),
            );
        } else if !quoted {
            continue;
        }
        let open = b.get(i).copied().filter(|c| matches!(c, b'"' | b'\''));
        let name_start = i + usize::from(open.is_some());
        let mut end = name_start;
        // Inside quotes a name may hold spaces.
        let in_name =
            |c: u8| (is_name(c) || (open.is_some() && c == b' ')) && Some(c) != open;
        while end < b.len() && end - name_start < 256 && in_name(b[end]) {
            end += 1;
        }
        let end = trim_end(b, name_start, end);
        if end - name_start < 2 || cx.is_claimed(name_start, end) {
            continue;
        }
        let name = cx.text[name_start..end].to_owned();
        cx.push(Found::new(Kind::Mutex, name_start, end, name));
        cx.claim(name_start, end);
    }
}

fn at_word(b: &[u8], i: usize, w: &[u8]) -> bool {
    b.get(i..i + w.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mutexes(text: &str) -> Vec<String> {
        crate::Finder::new()
            .find(text)
            .indicators
            .into_iter()
            .filter(|m| m.kind == Kind::Mutex)
            .map(|m| m.value)
            .collect()
    }

    #[test]
    fn forms() {
        assert_eq!(mutexes(r"the mutex Global\MsWin0 on"), [r"Global\MsWin0"]);
        assert_eq!(mutexes("Mutex: qaz_77."), ["qaz_77"]);
        assert_eq!(mutexes(r#"a mutex named "a b""#), ["a b"]);
        assert_eq!(
            mutexes(r"opens \Sessions\1\BaseNamedObjects\x-1"),
            [r"\Sessions\1\BaseNamedObjects\x-1"]
        );
        assert_eq!(mutexes(r"Mutex Global\ZXCVB-91; key"), [r"Global\ZXCVB-91"]);
    }

    #[test]
    fn not_mutexes() {
        assert!(mutexes(
            r"a mutex is created in AppData\Local\Temp\x and mutexes: many"
        )
        .is_empty());
    }
}

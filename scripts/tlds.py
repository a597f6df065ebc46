"""Rewrites the list of top-level domains in crate/src/extract/tld.rs from a
copy of the Public Suffix List, and says what changed.

Usage: python3 scripts/tlds.py PUBLIC_SUFFIX_LIST.dat "WHERE THE COPY CAME FROM"

A current copy ships in the PyPI package publicsuffixlist:
    pip download --no-deps publicsuffixlist -d /tmp/psl
    unzip -o -q /tmp/psl/*.whl -d /tmp/psl
    python3 scripts/tlds.py /tmp/psl/publicsuffixlist/public_suffix_list.dat \\
        "the PyPI package publicsuffixlist 1.1.2.20261023"
"""

import re
import sys
from pathlib import Path

TLD_RS = Path(__file__).resolve().parent.parent / "crate/src/extract/tld.rs"


def icann_tlds(text):
    """The last label of every rule in the list's ICANN section, in ASCII."""
    section = text.split("// ===BEGIN ICANN DOMAINS===", 1)[1]
    section = section.split("// ===END ICANN DOMAINS===", 1)[0]
    tlds = set()
    for line in section.splitlines():
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        label = line.split()[0].lstrip("!").rsplit(".", 1)[-1].lower()
        tlds.add(label if label.isascii() else label.encode("idna").decode("ascii"))
    return sorted(tlds)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip())
    text = Path(sys.argv[1]).read_text(encoding="utf-8")
    version = re.search(r"^// VERSION: (\d{4}-\d\d-\d\d)", text, re.M)
    if not version:
        sys.exit(f"tlds: no '// VERSION:' line in {sys.argv[1]}")
    tlds = icann_tlds(text)

    source = TLD_RS.read_text(encoding="utf-8")
    head, rest = source.split("const TLDS: &[&str] = &[\n", 1)
    old_list, tail = rest.split("\n];\n", 1)
    old = set(re.findall(r'"([^"]+)"', old_list))

    source_line = f"//! Source: {sys.argv[2]} (list dated {version[1]}).\n"
    head, n = re.subn(r"^//! Source: .*\n", lambda _: source_line, head, count=1, flags=re.M)
    if n != 1:
        sys.exit(f"tlds: no '//! Source:' line in {TLD_RS}")
    body = "\n".join(f'    "{t}",' for t in tlds)
    TLD_RS.write_text(f"{head}const TLDS: &[&str] = &[\n{body}\n];\n{tail}", encoding="utf-8")
    print(f"{len(tlds)} TLDs, list dated {version[1]}")
    print("no longer listed:", " ".join(sorted(old - set(tlds))) or "none")
    print("newly listed:", " ".join(sorted(set(tlds) - old)) or "none")


if __name__ == "__main__":
    main()

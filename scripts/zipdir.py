"""Zips a folder reproducibly: sorted entries, a fixed date, fixed modes.

Usage: python3 scripts/zipdir.py DIR ARCHIVE
"""
import os
import sys
import zipfile

# The earliest date a zip entry can hold; any fixed date would do.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def main(src, archive):
    paths = []
    for root, dirs, files in os.walk(src):
        dirs.sort()
        paths.extend(os.path.join(root, f) for f in files)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path in sorted(paths):
            name = os.path.relpath(path, src).replace(os.sep, "/")
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(path, "rb") as f:
                z.writestr(info, f.read())


if __name__ == "__main__":
    main(*sys.argv[1:3])

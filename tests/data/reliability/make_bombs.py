"""Make the decompression-bomb fixtures of tests/test_reliability_grade.py (issue 16, item 3).

Each zip holds ``answers/m0-orientation.yaml`` compressed with bzip2 or LZMA from 200 MB of spaces,
with the declared uncompressed size patched down to 1,000 bytes, so a reader that trusts the
declared sizes lets it through. Run from this folder: ``python make_bombs.py``.
"""

import struct
import zipfile

CHUNK = b" " * (1024 * 1024)
DECLARED = 1000


def make(name: str, method: int) -> None:
    with zipfile.ZipFile(name, "w", compression=method) as zf:
        with zf.open("answers/m0-orientation.yaml", "w") as fh:
            fh.write(b"m0-which-command-checks: b\nm0-letter-name: ")
            for _ in range(200):
                fh.write(CHUNK)
    raw = bytearray(open(name, "rb").read())
    lh = raw.find(b"PK\x03\x04")
    struct.pack_into("<I", raw, lh + 22, DECLARED)  # local header: uncompressed size
    cd = raw.find(b"PK\x01\x02")
    struct.pack_into("<I", raw, cd + 24, DECLARED)  # central directory: uncompressed size
    open(name, "wb").write(bytes(raw))


make("bomb-bzip2.zip", zipfile.ZIP_BZIP2)
make("bomb-lzma.zip", zipfile.ZIP_LZMA)

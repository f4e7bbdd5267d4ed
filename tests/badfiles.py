"""Bad input files, written byte by byte (no network, no fixtures on disk)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def _page_array(seed: int = 0, size: tuple[int, int] = (320, 240)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (*size, 3), dtype=np.uint8)


def _jpeg_bytes(size: tuple[int, int] = (240, 320)) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(_page_array(1, (size[1], size[0]))).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


# -- minimal PDFs written byte by byte -------------------------------------------------


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
ONE_PAGE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def _page(points: int) -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] >>" % (points, points)


def _encrypted_pdf() -> bytes:
    """A PDF locked with an unknown user password (standard security handler, RC4)."""
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <%s> /U <%s> >>" % (
        b"11" * 32,
        b"22" * 32,
    )
    file_id = b"<00112233445566778899aabbccddeeff>"
    return _pdf(
        [CATALOG, ONE_PAGE, _page(595), encrypt],
        b"/Encrypt 4 0 R /ID [%s %s] " % (file_id, file_id),
    )


def _blank_png(path: Path, width: int, height: int) -> None:
    """A valid 1-bit PNG of any size, written without ever holding its pixels."""
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    rows_per_block = max(1, (8 << 20) // len(row))
    parts = []
    for start in range(0, height, rows_per_block):
        parts.append(compressor.compress(row * min(rows_per_block, height - start)))
    parts.append(compressor.flush())

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


def make_bad_book(book: Path, bomb: Path | None = None) -> dict[str, str]:
    """Write one bad page file of each kind into ``book``; their names and expected codes.

    ``bomb`` is an existing 30000×30000 PNG to link in (it is slow to write more than once).
    """
    book.mkdir(parents=True, exist_ok=True)
    (book / "0101.png").write_bytes(b"")
    (book / "0102.jpg").write_bytes(_jpeg_bytes()[:1500])
    (book / "0103.png").write_text("Đây không phải là ảnh\n", encoding="utf-8")
    (book / "0104.pdf").write_bytes(_encrypted_pdf())
    (book / "0105.pdf").write_bytes(_pdf([CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    Image.new("RGB", (1, 1), "white").save(book / "0106.png")
    (book / "0107.png").symlink_to(book / "no-such-file.png")
    expected = {
        "0101.png": "decode.empty_file",
        "0102.jpg": "decode.truncated",
        "0103.png": "decode.not_an_image",
        "0104.pdf": "pdf.encrypted",
        "0105.pdf": "pdf.empty",
        "0106.png": "decode.too_small",
        "0107.png": "decode.unreadable",
    }
    if bomb is not None:
        (book / "0108.png").symlink_to(bomb)
        expected["0108.png"] = "decode.too_large"
    return expected

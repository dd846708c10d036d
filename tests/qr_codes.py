"""Read a generated QR code back as a phone would: the PNG decoded here (zlib and the PNG row
filters, greyscale or palette, 1–8 bits), the symbol found by zxing-cpp."""

from __future__ import annotations

import struct
import zlib

import zxingcpp


def _unfilter(raw: bytes, width_bytes: int, height: int, step: int) -> list[bytearray]:
    rows: list[bytearray] = []
    prior = bytearray(width_bytes)
    for y in range(height):
        start = y * (width_bytes + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + width_bytes])
        for x in range(width_bytes):
            left = line[x - step] if x >= step else 0
            up, corner = prior[x], prior[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                near = min(
                    (abs(estimate - left), 0, left), (abs(estimate - up), 1, up), (abs(estimate - corner), 2, corner)
                )
                line[x] = (line[x] + near[2]) & 0xFF
        rows.append(line)
        prior = line
    return rows


def decode_png_qr(png: bytes) -> str:
    """The text of the one QR code in ``png``."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, data, palette = 8, b"", None
    width = height = depth = colour = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"PLTE":
            palette = [body[i : i + 3] for i in range(0, len(body), 3)]
        elif kind == b"IDAT":
            data += body
        pos += 12 + length
    assert colour in (0, 3) and depth <= 8, f"colour type {colour}, depth {depth}"
    rows = _unfilter(zlib.decompress(data), (width * depth + 7) // 8, height, 1)
    grey = bytearray(width * height)
    top = (1 << depth) - 1
    for y, line in enumerate(rows):
        for x in range(width):
            bit = x * depth
            value = (line[bit // 8] >> (8 - depth - bit % 8)) & top
            if colour == 3 and palette is not None:
                grey[y * width + x] = palette[value][0]
            else:
                grey[y * width + x] = value * 255 // top
    found = zxingcpp.read_barcodes(memoryview(bytes(grey)).cast("B", (height, width)))
    assert len(found) == 1, f"{len(found)} codes found"
    return str(found[0].text)

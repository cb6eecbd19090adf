"""Recognise an HEIF/HEIC or AVIF picture (an iPhone's "High Efficiency" photos),
which the portal cannot read, so that each upload can say how to send a JPG instead.

These files are ISO-BMFF: they start with an `ftyp` box (size, "ftyp", the major
brand, a minor version, then compatible brands). A video (MP4, MOV) has the same
box with other brands.
"""

HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
    | {b"avif", b"avis"}
)
_MAX_BOX = 64  # the brands of a real file fit in far less


def is_heif(data: bytes) -> bool:
    """Whether `data` starts with an `ftyp` box naming an HEIF or AVIF brand."""
    if data[4:8] != b"ftyp":
        return False
    end = min(int.from_bytes(data[:4], "big"), _MAX_BOX, len(data))
    brands = {data[8:12]} | {data[i : i + 4] for i in range(16, end - 3, 4)}
    return not brands.isdisjoint(HEIF_BRANDS)

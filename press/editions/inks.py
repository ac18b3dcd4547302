"""RGB colours of a press PDF written in the inks of its output intent.

WeasyPrint writes CSS and SVG colours in sRGB as DeviceRGB (``r g b rg``)
unless a stylesheet says ``device-cmyk()``; styles/press.css does for the
text, but artwork the book brings (the chronology's SVG timeline, a
barcode) keeps its own colours. A printer's RIP would separate RGB black
and grey into all four inks (rich black: blurred small type), and PDF/X-4
(ISO 15930-7, 6.2.4) wants device colours in the output intent's space.
So, as a preflight tool does, every DeviceRGB colour operator is rewritten
in CMYK: neutral greys as black ink alone (``0 0 0 k``, k = 1 - grey), other
colours through the output intent's ICC profile (relative colorimetric).
Raster images are left as they are.
"""

from __future__ import annotations

import functools
import io
import re

RGB_OPERATOR = re.compile(rb"^(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (rg|RG)$")
NEUTRAL = 0.002  # r, g and b this close are a grey


def to_output_intent(pdf) -> None:
    """Rewrite the DeviceRGB colour operators of every content stream of ``pdf`` (pydyf) in CMYK."""
    import pydyf

    profile = _output_profile(pdf)
    if profile is None:
        return
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") not in ("/Image", "/XML"):
            if "N" in obj.extra:  # an ICC profile's own data
                continue
            obj.stream = [_cmyk_operator(part, profile) if isinstance(part, bytes) else part
                          for part in obj.stream]


def _cmyk_operator(part: bytes, profile: bytes) -> bytes:
    match = RGB_OPERATOR.match(part)
    if match is None:
        return part
    r, g, b = (min(1.0, max(0.0, float(v))) for v in match.groups()[:3])
    if max(r, g, b) - min(r, g, b) <= NEUTRAL:
        c = m = y = 0.0
        k = 1.0 - (r + g + b) / 3
    else:
        c, m, y, k = _convert(profile, (round(r * 255), round(g * 255), round(b * 255)))
    operator = b"k" if match[4] == b"rg" else b"K"
    return b" ".join(f"{v:.4g}".encode() for v in (c, m, y, k)) + b" " + operator


@functools.lru_cache(maxsize=1024)
def _convert(profile: bytes, rgb: tuple[int, int, int]) -> tuple[float, ...]:
    from PIL import Image

    pixel = Image.new("RGB", (1, 1), rgb)
    return tuple(v / 255 for v in _transform(profile).apply(pixel).getpixel((0, 0)))


@functools.lru_cache(maxsize=2)
def _transform(profile: bytes):
    from PIL import ImageCms

    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                                   "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


def _output_profile(pdf) -> bytes | None:
    """The bytes of the output intent's DestOutputProfile, when it is a CMYK profile."""
    intents = pdf.catalog.get("OutputIntents")
    if not intents:
        return None
    number = int(bytes(intents[0]["DestOutputProfile"]).split()[0])  # b"12 0 R"
    stream = next(obj for obj in pdf.objects if obj.number == number)
    data = b"".join(part if isinstance(part, bytes) else bytes(part) for part in stream.stream)
    return data if data[16:20] == b"CMYK" else None

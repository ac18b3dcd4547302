#!/usr/bin/env python3
"""Make styles/icc/press-uncoated-cmyk.icc: our own generic CMYK output
profile for offset printing on uncoated white paper (CC0, styles/icc/README.md).

No printer was measured. The "measurements" are computed from an ink model
written here, and ArgyllCMS's ``colprof`` makes the profile from them, as it
would from a measured chart:

1. Sixteen Neugebauer primaries: the paper, the four inks and all their
   overprints, as CIELAB (D50, 2 degrees) -- typical values for process inks
   on uncoated white offset paper, of the order of the aims ISO 12647-2 gives
   for its uncoated paper types (4 in the 2004 edition, 5 in 2013). They are
   our own rounded figures (below), not a copy of the standard's tables or of
   anyone's characterization data.
2. Tone value increase (dot gain): every nominal tint t prints as a tone value
   t + 4 * TVI50 * t * (1 - t) (a parabola through 0 and 100 %), with TVI50 =
   16 % for cyan, magenta and yellow and 18 % for black -- typical of uncoated
   stock. The tone value is the Murray-Davies one a densitometer reports, on the
   ink's complementary channel (X for cyan, Y for magenta and black, Z for yellow).
3. Yule-Nielsen modified Neugebauer with Demichel weights (n = 2, a usual
   value for uncoated paper, where light scatters far in the sheet):
   XYZ^(1/n) = sum over primaries of weight * primary's XYZ^(1/n), the weights
   the products of each ink's effective coverage or its complement. The
   effective coverage of each ink is solved so that a tint of it alone shows
   exactly the tone value of step 2.
4. A chart of 4,374 patches (CMY 0-100 % in 9 steps, K in 6) plus single-ink
   ramps in 5 % steps, written as an ArgyllCMS .ti3 file (CGATS); colprof
   builds the profile with a total ink limit of 300 % and black at most 98 %,
   black generated along a ramp (-k r), perceptual and saturation tables
   gamut-mapped from sRGB (-S), the media marked matte (-Z m).

Usage (from the repository root; needs ArgyllCMS: ``apt-get install argyll``):

    python3 scripts/make-cmyk-profile.py                # writes styles/icc/press-uncoated-cmyk.icc
    python3 scripts/make-cmyk-profile.py --ti3 out.ti3  # only the model's chart

The profile's header date is fixed (SOURCE_DATE_EPOCH, else 2026-01-01), so
the same ArgyllCMS gives the same bytes. The build never runs this: the
profile is committed.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DESCRIPTION = "press generic uncoated CMYK"
COPYRIGHT = ("No rights reserved: CC0 1.0 Universal (public domain dedication). "
             "Made by the press project from its own ink model (scripts/make-cmyk-profile.py)")
OUT = Path(__file__).resolve().parent.parent / "styles" / "icc" / "press-uncoated-cmyk.icc"

# The Neugebauer primaries, CIELAB D50/2deg, over white backing: our typical
# values for process inks on uncoated white offset paper (see the docstring).
# Keys: the inks printed solid, in the order C, M, Y, K ("" is the paper).
PRIMARIES = {
    "":     (95.0, 0.0, -2.0),     # paper: white uncoated, no strong brightener
    "C":    (58.0, -25.0, -43.0),
    "M":    (54.0, 58.0, -2.0),
    "Y":    (86.0, -4.0, 75.0),
    "K":    (32.0, 1.0, 1.0),
    "CM":   (37.0, 10.0, -34.0),   # blue
    "CY":   (52.0, -43.0, 16.0),   # green
    "MY":   (52.0, 55.0, 28.0),    # red
    "CK":   (27.0, -5.0, -11.0),
    "MK":   (27.0, 9.0, -1.0),
    "YK":   (30.0, 0.0, 7.0),
    "CMY":  (36.0, 1.0, 0.0),      # three-colour grey: weak on uncoated stock
    "CMK":  (24.0, 3.0, -8.0),
    "CYK":  (25.0, -6.0, 2.0),
    "MYK":  (25.0, 7.0, 3.0),
    "CMYK": (23.0, 0.0, 0.0),      # the darkest the sheet can hold
}
INKS = "CMYK"
TVI50 = {"C": 0.16, "M": 0.16, "Y": 0.16, "K": 0.18}
CHANNEL = {"C": 0, "M": 1, "Y": 2, "K": 1}  # the densitometer's filter, as X, Y or Z
YULE_NIELSEN_N = 2.0
TOTAL_INK_LIMIT, BLACK_LIMIT = 300, 98  # per cent
WHITE_D50 = (96.422, 100.0, 82.521)
CMY_STEPS = (0, 10, 20, 30, 40, 55, 70, 85, 100)
K_STEPS = (0, 20, 40, 60, 80, 100)


def lab_to_xyz(lab: tuple[float, float, float]) -> tuple[float, ...]:
    """CIELAB to XYZ (0-100), D50 (CIE 15:2004, 8.2.1)."""
    lum, a, b = lab
    fy = (lum + 16) / 116
    fs = (fy + a / 500, fy, fy - b / 200)
    return tuple(w * (f ** 3 if f > 6 / 29 else 3 * (6 / 29) ** 2 * (f - 4 / 29)) for w, f in zip(WHITE_D50, fs))


def xyz_to_lab(xyz: tuple[float, ...]) -> tuple[float, ...]:
    """XYZ (0-100) to CIELAB, D50: the inverse of ``lab_to_xyz``."""
    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = (f(v / w) for v, w in zip(xyz, WHITE_D50))
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


XYZ = {key: lab_to_xyz(lab) for key, lab in PRIMARIES.items()}


def effective_coverage(ink: str, nominal: float) -> float:
    """The Yule-Nielsen coverage at which a tint of ``ink`` alone shows its tone value (step 2)."""
    tone = nominal + 4 * TVI50[ink] * nominal * (1 - nominal)
    i, n = CHANNEL[ink], YULE_NIELSEN_N
    paper, solid = XYZ[""][i], XYZ[ink][i]
    reflectance = paper - tone * (paper - solid)  # Murray-Davies, inverted
    return (paper ** (1 / n) - reflectance ** (1 / n)) / (paper ** (1 / n) - solid ** (1 / n))


def predict(cmyk: tuple[float, ...]) -> tuple[float, ...]:
    """XYZ (0-100) of a patch of nominal ink coverages ``cmyk`` (0-1), by the model of the docstring."""
    coverage = [effective_coverage(ink, value) for ink, value in zip(INKS, cmyk)]
    n = YULE_NIELSEN_N
    total = [0.0, 0.0, 0.0]
    for solids in itertools.product((False, True), repeat=4):
        weight = 1.0
        for on, a in zip(solids, coverage):
            weight *= a if on else 1 - a
        key = "".join(ink for ink, on in zip(INKS, solids) if on)
        for i in range(3):
            total[i] += weight * XYZ[key][i] ** (1 / n)
    return tuple(v ** n for v in total)


def chart() -> list[tuple[float, ...]]:
    """The patches, in per cent: a grid, then each ink alone in 5 % steps (highlights and ramps)."""
    patches = [(c, m, y, k) for k in K_STEPS for c in CMY_STEPS for m in CMY_STEPS for y in CMY_STEPS]
    for i in range(4):
        for step in range(5, 100, 5):
            patch = [0, 0, 0, 0]
            patch[i] = step
            if tuple(patch) not in patches:
                patches.append(tuple(patch))
    return patches


def write_ti3(path: Path) -> None:
    """The model's chart as an ArgyllCMS CTI3 file (CGATS.17), device values in %, XYZ 0-100."""
    rows = [f"{n} {' '.join(f'{v:.2f}' for v in patch)} {' '.join(f'{v:.4f}' for v in predict([v / 100 for v in patch]))}"
            for n, patch in enumerate(chart(), 1)]
    path.write_text("\n".join([
        "CTI3", "",
        'DESCRIPTOR "Argyll Calibration Target chart information 3"',
        f'ORIGINATOR "{Path(__file__).name}: Yule-Nielsen Neugebauer model of CMYK on uncoated paper"',
        'CREATED "model"',
        'KEYWORD "DEVICE_CLASS"', 'DEVICE_CLASS "OUTPUT"',
        'KEYWORD "COLOR_REP"', 'COLOR_REP "CMYK_XYZ"',
        'KEYWORD "TOTAL_INK_LIMIT"', f'TOTAL_INK_LIMIT "{TOTAL_INK_LIMIT:.1f}"', "",
        "NUMBER_OF_FIELDS 8", "BEGIN_DATA_FORMAT",
        "SAMPLE_ID CMYK_C CMYK_M CMYK_Y CMYK_K XYZ_X XYZ_Y XYZ_Z", "END_DATA_FORMAT", "",
        f"NUMBER_OF_SETS {len(rows)}", "BEGIN_DATA", *rows, "END_DATA", ""]), "ascii")


def srgb_v2_profile() -> bytes:
    """A version 2 sRGB matrix/TRC profile (ICC.1:2001-04): colprof's source gamut for its perceptual tables.

    ArgyllCMS 2.3 reads no version 4 profile (Pillow's sRGB is one; colprof
    crashes on it). The colorants are sRGB's primaries (IEC 61966-2-1)
    adapted to D50 with the Bradford transform, as ICC profiles give them.
    """
    def tag_text(sig: bytes, text: str) -> bytes:
        raw = text.encode("ascii") + b"\0"
        if sig == b"desc":  # textDescriptionType: ASCII, then empty Unicode and ScriptCode parts
            return b"desc" + bytes(4) + struct.pack(">I", len(raw)) + raw + bytes(8) + bytes(3 + 67)
        return b"text" + bytes(4) + raw

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + struct.pack(">3i", *(round(v * 65536) for v in (x, y, z)))

    curve = [(v / 1023 / 12.92 if v / 1023 <= 0.04045 else ((v / 1023 + 0.055) / 1.055) ** 2.4) for v in range(1024)]
    trc = b"curv" + bytes(4) + struct.pack(">I", len(curve)) + struct.pack(f">{len(curve)}H",
                                                                         *(round(v * 65535) for v in curve))
    tags = [(b"desc", tag_text(b"desc", "sRGB (IEC 61966-2-1), gamut source")), (b"cprt", tag_text(b"cprt", "CC0")),
            (b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
            (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)), (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
            (b"rTRC", trc), (b"gTRC", trc), (b"bTRC", trc)]
    offset, table, body = 128 + 4 + 12 * len(tags), b"", b""
    for sig, data in tags:
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data + bytes(-len(data) % 4)
    size = offset + len(body)
    header = (struct.pack(">I", size) + bytes(4) + bytes((2, 0x10, 0, 0)) + b"mntrRGB XYZ " + bytes(12) + b"acsp"
              + bytes(28) + struct.pack(">3i", 63190, 65536, 54061) + bytes(48))
    return header + struct.pack(">I", len(tags)) + table + body


def colprof(work: Path) -> Path:
    """Run ArgyllCMS's colprof on ``work``/model.ti3; the perceptual tables map sRGB's gamut."""
    (work / "srgb.icc").write_bytes(srgb_v2_profile())
    command = ["colprof", "-v", "-nc", "-qm", "-bm", "-kr", "-Zm", f"-l{TOTAL_INK_LIMIT}", f"-L{BLACK_LIMIT}",
               "-S", "srgb.icc", "-cmt", "-dpp", "-D", DESCRIPTION, "-C", COPYRIGHT,
               "-O", "profile.icc", "model"]
    print(" ".join(command), file=sys.stderr)
    subprocess.run(command, cwd=work, check=True)
    return work / "profile.icc"


def fix_header_date(data: bytes) -> bytes:
    """Set the ICC header's creation date (ICC.1:2010, 7.2.1, bytes 24-35) to SOURCE_DATE_EPOCH.

    colprof writes a version 2 profile with no profile ID (bytes 84-99 zero),
    so nothing else depends on the date.
    """
    stamp = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", "1767225600")))  # 2026-01-01
    date = struct.pack(">6H", stamp.tm_year, stamp.tm_mon, stamp.tm_mday, stamp.tm_hour, stamp.tm_min,
                       stamp.tm_sec)
    if data[84:100] != bytes(16):
        raise SystemExit("make-cmyk-profile: the profile has an ID; recompute it after changing the date")
    return data[:24] + date + data[36:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ti3", type=Path, help="only write the model's chart to this .ti3 file")
    parser.add_argument("--out", type=Path, default=OUT, help=f"the profile (default {OUT})")
    args = parser.parse_args()
    if args.ti3:
        write_ti3(args.ti3)
        return 0
    if shutil.which("colprof") is None:
        raise SystemExit("make-cmyk-profile: colprof not found; install ArgyllCMS (apt-get install argyll)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_ti3(work / "model.ti3")
        args.out.write_bytes(fix_header_date(colprof(work).read_bytes()))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

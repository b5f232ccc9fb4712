"""Read the pen trajectories of UCI's "Pen-Based Recognition of Handwritten Digits".

The file is UNIPEN text (see ../shared/data/pendigits/README.md): a
``.SEGMENT DIGIT ... "8"`` line opens each digit, ``.COMMENT label writer x``
names its writer, and every stroke is the ``x y`` lines between ``.PEN_DOWN``
and ``.PEN_UP``. The tablet's y grows upward, so it is flipped here: every
stroke comes out in screen coordinates (y down), as the page records them.
Writers are the unit of generalization: split by writer, never by digit.
"""
from __future__ import annotations

import gzip
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ENV_VAR = "PENDIGITS_DATA"
DEFAULT_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "pendigits"
FILE = "pendigits-orig.tra.gz"
TABLET = 500  # the tablet's coordinate box; y_screen = TABLET - y
WRITERS = tuple(range(1, 31))  # the file's 30 writers, numbered 1..30 by its .COMMENT lines
# Writers are held out in folds, each fold the writers whose number leaves this remainder:
# recipes are compared on the mean over all folds, never on one split they were tuned to.
N_FOLDS = 5


def fold_writers(fold: int) -> tuple:
    """The writers held out in ``fold`` (0..N_FOLDS-1): every writer is held out in exactly one fold."""
    if not 0 <= fold < N_FOLDS:
        raise ValueError(f"fold {fold} is not one of 0..{N_FOLDS - 1}")
    return tuple(w for w in WRITERS if w % N_FOLDS == fold)


# Writers kept out of the shipped network's training (fold 0): it is judged on people it has never seen.
HELD_OUT_WRITERS = fold_writers(0)


class PendigitsError(ValueError):
    """A pen-digits file that is missing or not in the expected UNIPEN form."""


@dataclass(frozen=True)
class PenDigit:
    label: int
    writer: int
    strokes: tuple  # of (n, 2) float32 arrays of x, y (y down), one per pen-down


def data_dir(arg=None) -> Path:
    """The folder to read: the argument, else $PENDIGITS_DATA, else ../shared/data/pendigits."""
    return Path(arg or os.environ.get(ENV_VAR) or DEFAULT_DIR)


def _text(path: Path) -> str:
    found = path
    if not found.is_file() and path.suffix == ".gz":
        found = path.with_suffix("")  # the unzipped file is fine too
    if not found.is_file():
        raise PendigitsError(f"pen-digits file not found: {path} "
                             f"(set --pendigits or ${ENV_VAR} to the folder holding {FILE})")
    raw = found.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise PendigitsError(f"{found}: not a readable gzip file ({exc})") from None
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise PendigitsError(f"{found}: not UNIPEN text (a non-ASCII byte at offset {exc.start})") from None


def parse(text: str, name: str = "<text>") -> list[PenDigit]:
    """Every digit in a UNIPEN text, in file order; a PendigitsError names the first bad line."""
    digits = []
    label = writer = None
    strokes, points = [], None

    def fail(lineno, why):
        raise PendigitsError(f"{name} line {lineno}: {why}")

    def finish(lineno):
        if label is None:
            return
        if points is not None:
            fail(lineno, "a stroke is not closed by .PEN_UP")
        if writer is None:
            fail(lineno, f"digit '{label}' has no .COMMENT naming its writer")
        if not strokes:
            fail(lineno, f"digit '{label}' has no strokes")
        digits.append(PenDigit(label, writer, tuple(strokes)))

    for lineno, line in enumerate(text.splitlines(), 1):
        word = line.split()
        if not word:
            continue
        key = word[0]
        if key == ".SEGMENT":
            finish(lineno)
            quoted = line.rsplit('"', 2)
            if len(quoted) != 3 or len(quoted[1]) != 1 or not quoted[1].isdigit():
                fail(lineno, f"expected .SEGMENT DIGIT ... \"0\"..\"9\", got {line.strip()[:60]!r}")
            label, writer, strokes, points = int(quoted[1]), None, [], None
        elif key == ".COMMENT" and label is not None:
            if len(word) < 3 or not word[1].isdigit() or not word[2].isdigit():
                fail(lineno, f"expected .COMMENT LABEL WRITER ..., got {line.strip()[:60]!r}")
            if int(word[1]) != label:
                fail(lineno, f".COMMENT says digit {word[1]} but .SEGMENT said {label}")
            writer = int(word[2])
        elif key == ".PEN_DOWN":
            if label is None:
                fail(lineno, ".PEN_DOWN before any .SEGMENT")
            if points is not None:
                fail(lineno, ".PEN_DOWN inside a stroke")
            points = []
        elif key == ".PEN_UP":
            if points is None:
                fail(lineno, ".PEN_UP without .PEN_DOWN")
            if not points:
                fail(lineno, "a stroke with no points")
            xy = np.array(points, dtype=np.float32)
            xy[:, 1] = TABLET - xy[:, 1]
            strokes.append(xy)
            points = None
        elif key.startswith("."):
            if points is not None:
                fail(lineno, f"{key} inside a stroke")
        elif points is not None:
            if len(word) != 2 or not all(w.lstrip("-").isdigit() for w in word):
                fail(lineno, f"expected two integers 'x y', got {line.strip()[:60]!r}")
            points.append((int(word[0]), int(word[1])))
        else:
            fail(lineno, f"a line outside any stroke: {line.strip()[:60]!r}")
    finish(lineno + 1 if text else 1)
    if not digits:
        raise PendigitsError(f"{name}: no digits found")
    return digits


def load(folder=None) -> list[PenDigit]:
    """Every digit of the file in ``folder`` (default: see data_dir)."""
    path = data_dir(folder) / FILE
    return parse(_text(path), str(path))


def split_by_writer(digits, held_out=HELD_OUT_WRITERS):
    """(training digits, held-out digits): whole writers on one side or the other."""
    held = set(held_out)
    return [d for d in digits if d.writer not in held], [d for d in digits if d.writer in held]

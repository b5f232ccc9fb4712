"""The link-preview picture (Open Graph image): the drawing and the network's answer, as a PNG.

Anyone can make a new valid share link, so every render must be cheap, not only
cached ones (issue 14: the first version cost ~73 ms of CPU, as much as ~80
predictions). What makes it cheap:
- the picture is a palette image: one byte a pixel, few distinct rows, so the PNG
  encoder has a third of the bytes of RGB to filter and compress, and no
  ``optimize`` pass (that alone doubled the cost);
- everything that never changes (titles, labels, the frame, bar backgrounds) is
  drawn once, antialiased, into a template; the eleven possible answers ("0".."9",
  "?") are drawn once as masks;
- a render copies the template and writes the grid, the answer and ten bars
  into it with NumPy;
- ``PreviewCache`` keeps the PNG of recent drawings (every chat app a link is
  posted in asks for the same picture), one cache for every network's pictures.
``benchmarks/preview_speed.py`` prints the CPU per render.

The picture speaks the link's language (``?lang=``): its words are the catalogs' (static/i18n,
PREVIEW_KEYS), drawn with Pillow's bundled font, or, for a language that font cannot write
(Chinese), with a font shipped here (FONTS: web/fonts/, a subset made by tools/preview_font.py,
licence in web/fonts/OFL.txt). Should that font be missing or unreadable, the picture is drawn
in English rather than with boxes for glyphs.
"""
from __future__ import annotations

import functools
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from mlp.digit import N_CLASSES, SIDE
from mlp.preprocess import to_bytes

from .language import I18N_DIR, LANGUAGES, translate
from .reply import infer
from .sharelink import canonical_silenced

WIDTH, HEIGHT = 1200, 630  # the size chat apps expect for og:image
BACKGROUND = (8, 12, 28)
INK = (255, 255, 255)
ACCENT = (88, 196, 255)
MUTED = (140, 150, 175)
LABEL = (230, 235, 245)
FRAME = (60, 70, 100)
BAR_BACK = (22, 28, 52)
BAR_OTHER = (70, 90, 140)
CACHE_SIZE = 512  # ~20-30 KB a picture: ~15 MB at most per process

# Layout: the grid on the left, the answer and the ten probabilities on the right.
CELL, GRID_LEFT, GRID_TOP = 20, 45, 35
TEXT_LEFT = GRID_LEFT + SIDE * CELL + 60
ANSWER_AT = (TEXT_LEFT, 80)
BAR_TOP, BAR_H, BAR_W, BAR_GAP = 318, 20, 430, 4
BAR_LEFT = TEXT_LEFT + 30


# The palette: a ramp from the background to each colour text or ink is drawn in
# (antialiased edges are a step of the ramp), then the solid fills.
def _ramp(colour, n):
    t = np.linspace(0.0, 1.0, n)[:, None]
    return np.rint(np.asarray(BACKGROUND) * (1 - t) + np.asarray(colour) * t).astype(np.uint8)


GRID_LEVELS = 128  # finer than the eye tells apart on a 20-pixel square
_RAMPS = {"ink": (INK, GRID_LEVELS), "muted": (MUTED, 32), "accent": (ACCENT, 32), "label": (LABEL, 32)}
_START = {}
_colours = []
for _name, (_colour, _n) in _RAMPS.items():
    _START[_name] = sum(len(c) for c in _colours)
    _colours.append(_ramp(_colour, _n))
_SOLID = {}
for _name, _colour in (("frame", FRAME), ("bar_back", BAR_BACK), ("bar_other", BAR_OTHER)):
    _SOLID[_name] = sum(len(c) for c in _colours)
    _colours.append(np.asarray([_colour], dtype=np.uint8))
_SOLID["accent"] = _START["accent"] + _RAMPS["accent"][1] - 1
_SOLID["muted"] = _START["muted"] + _RAMPS["muted"][1] - 1
PALETTE = np.concatenate(_colours).tobytes()
assert len(PALETTE) <= 256 * 3


def _lut(ramp):
    """Mask value 0..255 -> palette index on that colour's ramp (0 stays the background)."""
    n = _RAMPS[ramp][1]
    return (_START[ramp] + np.rint(np.arange(256) * (n - 1) / 255)).astype(np.uint8)


# The picture's words: these catalog keys (static/i18n/<lang>.json), in the link's language.
PREVIEW_KEYS = ("preview.reads", "preview.nothing", "preview.silencedOne", "preview.silenced", "preview.about")
# A language Pillow's bundled font cannot write has its own font (only the glyphs PREVIEW_KEYS need).
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONTS = {"zh-TW": FONT_DIR / "preview-zh-TW.otf"}


@dataclass(frozen=True)
class Words:
    """The picture's words in one language, and the font file to draw them with (None: Pillow's own)."""
    lang: str
    reads: str
    nothing: str
    silenced_one: str
    silenced: str
    about: str
    font: str | None = None


@functools.cache
def _readable(path) -> bool:
    try:
        ImageFont.truetype(str(path), 20)
    except OSError:
        return False
    return True


def words_for(catalogs, lang) -> Words:
    """The picture's words in ``lang`` (from ``catalogs``, {lang: catalog}); in English when that
    language needs a font that cannot be read (a truthful picture, never boxes instead of glyphs)."""
    font = FONTS.get(lang)
    if lang not in catalogs or (font is not None and not _readable(font)):
        lang, font = LANGUAGES[0], None
    c = catalogs[lang]
    return Words(lang, *(c[key] for key in PREVIEW_KEYS), font=None if font is None else str(font))


@functools.cache
def english() -> Words:
    """The English words (the default, and the fallback)."""
    catalog = json.loads((I18N_DIR / f"{LANGUAGES[0]}.json").read_text(encoding="utf-8"))
    return words_for({LANGUAGES[0]: catalog}, LANGUAGES[0])


@functools.cache
def _font(size, face=None):
    # Pillow's bundled font: present on every machine, no file to ship; `face`: a font file of ours.
    return ImageFont.load_default(size=size) if face is None else ImageFont.truetype(face, size)


def _mask(text, size, face=None):
    """(mask as uint8 array, (dx, dy)): the text's antialiased coverage, cropped to its ink."""
    font = _font(size, face)
    left, top, right, bottom = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), text, font=font)
    image = Image.new("L", (right - left, bottom - top))
    ImageDraw.Draw(image).text((-left, -top), text, font=font, fill=255)
    return np.asarray(image), (left, top)


def _put(canvas, text, size, at, ramp, face=None):
    """Write antialiased text into an index canvas, over the background."""
    mask, (dx, dy) = _mask(text, size, face)
    x, y = at[0] + dx, at[1] + dy
    region = canvas[y:y + mask.shape[0], x:x + mask.shape[1]]
    np.copyto(region, _lut(ramp)[mask], where=mask > 0)


def _rect(canvas, box, index):
    """A filled rectangle, corners inclusive (as PIL's ImageDraw.rectangle)."""
    x0, y0, x1, y1 = box
    canvas[y0:y1 + 1, x0:x1 + 1] = index


def _bar_y(digit):
    return BAR_TOP + digit * (BAR_H + BAR_GAP)


def about(sizes, n_params, words=None) -> str:
    """The footer: the network's layer sizes and parameter count, e.g. "784 - 16 - 16 - 10 network, 13,002 ..."."""
    words = words or english()
    return translate({"w": words.about}, "w", sizes=" - ".join(str(n) for n in sizes), params=f"{n_params:,}")


def silenced_words(n_silenced, words=None) -> str:
    """Beside the answer when the link silenced hidden neurons: the answer is not the whole network's."""
    words = words or english()
    return translate({"w": words.silenced_one if n_silenced == 1 else words.silenced}, "w", n=n_silenced)


@functools.cache
def _template(sizes, n_params, words):
    """Everything that is the same on every picture of a network, as palette indices (built once per process)."""
    canvas = np.zeros((HEIGHT, WIDTH), dtype=np.uint8)  # index 0: the background
    g0x, g0y, g1x, g1y = GRID_LEFT - 2, GRID_TOP - 2, GRID_LEFT + SIDE * CELL + 1, GRID_TOP + SIDE * CELL + 1
    _rect(canvas, (g0x, g0y, g1x, g1y), _SOLID["frame"])  # a 2-pixel frame around the grid
    _rect(canvas, (g0x + 2, g0y + 2, g1x - 2, g1y - 2), 0)
    _put(canvas, words.reads, 34, (TEXT_LEFT, 40), "muted", words.font)
    for digit in range(N_CLASSES):
        y = _bar_y(digit)
        _put(canvas, str(digit), 20, (TEXT_LEFT, y - 1), "label")
        _rect(canvas, (BAR_LEFT, y, BAR_LEFT + BAR_W, y + BAR_H), _SOLID["bar_back"])
    # The bundled font has no arrow glyph: keep the footer to plain characters.
    _put(canvas, about(sizes, n_params, words), 20, (TEXT_LEFT, HEIGHT - 42), "muted", words.font)
    canvas.setflags(write=False)
    return canvas


@functools.cache
def _answer(text, words):
    """The big answer ("0".."9" or "?") and, for "?", the words beside it: [(mask, (x, y))]."""
    mask, (dx, dy) = _mask(text, 220)
    parts = [(mask, (ANSWER_AT[0] + dx, ANSWER_AT[1] + dy))]
    if text == "?":
        nothing, (wx, wy) = _mask(words.nothing, 30, words.font)
        parts.append((nothing, (TEXT_LEFT + 150 + wx, 170 + wy)))
    return parts


def render(pixels, prediction, probabilities, network, n_silenced=0, words=None) -> bytes:
    """PNG bytes: the 28x28 grid as big square pixels, the answer and the ten probabilities;
    the footer names ``network``'s layer sizes and parameters (whatever stack of layers it has);
    beside the answer, how many hidden neurons were silenced for it (``n_silenced``), if any;
    the words in ``words``'s language (default: English)."""
    words = words or english()
    canvas = _template(tuple(network.sizes), network.n_params, words).copy()

    grid = np.clip(np.asarray(pixels, dtype=np.float32).reshape(SIDE, SIDE), 0, 1)
    levels = np.rint(grid * (GRID_LEVELS - 1)).astype(np.uint8) + _START["ink"]
    # Each of the 784 inputs a visible square, as in the video.
    canvas[GRID_TOP:GRID_TOP + SIDE * CELL, GRID_LEFT:GRID_LEFT + SIDE * CELL] = \
        np.repeat(np.repeat(levels, CELL, axis=0), CELL, axis=1)

    ramp = "muted" if prediction is None else "accent"
    for mask, (x, y) in _answer("?" if prediction is None else str(int(prediction)), words):
        region = canvas[y:y + mask.shape[0], x:x + mask.shape[1]]
        np.copyto(region, _lut(ramp)[mask], where=mask > 0)

    if n_silenced:
        _put(canvas, silenced_words(n_silenced, words), 26, (TEXT_LEFT + 150, 240), "muted", words.font)

    for digit, p in enumerate(np.asarray(probabilities, dtype=np.float64)):
        if p > 0:
            y = _bar_y(digit)
            colour = _SOLID["accent"] if digit == prediction else _SOLID["bar_other"]
            _rect(canvas, (BAR_LEFT, y, BAR_LEFT + max(2, int(BAR_W * float(p))), y + BAR_H), colour)

    image = Image.frombuffer("P", (WIDTH, HEIGHT), canvas, "raw", "P", 0, 1)
    image.putpalette(PALETTE)
    out = io.BytesIO()
    # zlib level 1: a palette picture this plain compresses almost as well as at 6, at a fraction of the CPU.
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


class PreviewCache:
    """The preview PNG of a drawing read by one of the networks, with the most recent ``size``
    pictures kept (least recently used out), whichever network drew them.

    ``networks``: ``{id: network}`` (any mapping: web.networks gives one that trains a recipe id when
    first asked), the first the default; or one network alone. One cache for all of them, keyed by
    (network id, the drawing's 784 grey levels: what a link holds): two links of the same drawing
    and network share one entry (an id names one set of weights for good, a recipe id too), and the
    memory it may take stays that of ``size`` pictures however many networks there are. Safe to
    use from several threads.
    """

    def __init__(self, networks, size: int = CACHE_SIZE):
        self.networks = networks if isinstance(networks, Mapping) else {None: networks}
        self.default = next(iter(self.networks))
        self._png = functools.lru_cache(maxsize=size)(self._render)

    def png(self, pixels, network=None, silenced=(), words=None) -> bytes:
        """The picture of ``pixels`` read by the network of id ``network`` (None: the default) with the
        hidden neurons ``silenced`` ([(layer, index), ...], checked by the caller) held at 0, in
        ``words``'s language (words_for; default: English)."""
        key = tuple(canonical_silenced(silenced))
        return self._png(self.default if network is None else network, to_bytes(pixels).tobytes(), key,
                         words or english())

    def info(self):
        return self._png.cache_info()

    def _render(self, network_id, levels: bytes, silenced: tuple, words: Words) -> bytes:
        network = self.networks[network_id]
        reply = infer(network, np.frombuffer(levels, dtype=np.uint8).astype(np.float32) / np.float32(255),
                      silenced=list(silenced))
        return render(reply["activations"][0], reply["prediction"], reply["probabilities"], network, len(silenced),
                      words)

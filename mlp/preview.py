"""The link-preview picture (Open Graph image): the drawing and the network's answer, as a PNG."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630  # the size chat apps expect for og:image
BACKGROUND = (8, 12, 28)
INK = np.array([255, 255, 255], dtype=np.float32)
ACCENT = (88, 196, 255)
MUTED = (140, 150, 175)


def _font(size):
    # Pillow's bundled font: present on every machine, no file to ship.
    return ImageFont.load_default(size=size)


def render(pixels, prediction, probabilities) -> bytes:
    """PNG bytes: the 28x28 grid as big square pixels, the answer and the ten probabilities."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(canvas)

    grid = np.clip(np.asarray(pixels, dtype=np.float32).reshape(28, 28), 0, 1)
    cell, left, top = 20, 45, 35
    rgb = (np.asarray(BACKGROUND, dtype=np.float32) * (1 - grid[..., None]) + INK * grid[..., None]).astype(np.uint8)
    # NEAREST keeps each of the 784 inputs a visible square, as in the video.
    canvas.paste(Image.fromarray(rgb, "RGB").resize((28 * cell, 28 * cell), Image.Resampling.NEAREST), (left, top))
    draw.rectangle((left - 2, top - 2, left + 28 * cell + 1, top + 28 * cell + 1), outline=(60, 70, 100), width=2)

    x0 = left + 28 * cell + 60
    draw.text((x0, 40), "The network reads", font=_font(34), fill=MUTED)
    answer = "?" if prediction is None else str(int(prediction))
    draw.text((x0, 80), answer, font=_font(220), fill=ACCENT if prediction is not None else MUTED)
    if prediction is None:
        draw.text((x0 + 150, 170), "nothing drawn", font=_font(30), fill=MUTED)

    probs = np.asarray(probabilities, dtype=np.float64)
    bar_top, bar_h, bar_w = 318, 20, 430
    for digit, p in enumerate(probs):
        y = bar_top + digit * (bar_h + 4)
        draw.text((x0, y - 1), str(digit), font=_font(20), fill=(230, 235, 245))
        draw.rectangle((x0 + 30, y, x0 + 30 + bar_w, y + bar_h), fill=(22, 28, 52))
        if p > 0:
            colour = ACCENT if digit == prediction else (70, 90, 140)
            draw.rectangle((x0 + 30, y, x0 + 30 + max(2, int(bar_w * float(p))), y + bar_h), fill=colour)
    # The bundled font has no arrow glyph: keep the footer to plain characters.
    draw.text((x0, HEIGHT - 42), "784 - 16 - 16 - 10 network, 13,002 weights and biases", font=_font(20), fill=MUTED)

    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()

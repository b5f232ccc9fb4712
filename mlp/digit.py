"""The digit's facts: the one place Python states them.

The network reads MNIST's digits, so the page, the normalization, the pen
strokes and the training data all share these numbers. The page gets them from
the server (templates/index.html renders ``FACTS`` as JSON in <meta name="digit-facts">);
tests/e2e/test_e2e_digit_facts.py fails when the browser's modules disagree.
"""
from __future__ import annotations

SIDE = 28                 # the grid is SIDE x SIDE pixels
N_PIXELS = SIDE * SIDE    # 784: one input neuron a pixel, row by row
N_CLASSES = 10            # the digits 0..9: one output neuron each
BOX = 20                  # MNIST fitted each digit's ink box into 20x20, keeping its aspect ratio
CENTRE = 14.0             # MNIST's mean centre of mass, in pixel indices (row, col), measured on its 60,000 digits
PEN = 2.4                 # the page's pen width, in grid pixels (MNIST's upright 1s are 2.2-2.6 px wide)
SUPERSAMPLE = 10          # strokes are drawn at 10x, then each 10x10 block is averaged
MIN_EXTENT = 1e-6         # strokes closer together than this are one dot (nothing to scale up)
INK = 0.1                 # a pixel brighter than this is ink (the ink box; an empty drawing has none)
GREY_LEVELS = 255         # pixels are 8-bit grey, k/255, as MNIST stores them

# What the page is told (templates/index.html), by the names static/js uses.
FACTS = {"SIDE": SIDE, "N_PIXELS": N_PIXELS, "N_CLASSES": N_CLASSES, "BOX": BOX, "CENTRE": CENTRE, "PEN": PEN,
         "SUPERSAMPLE": SUPERSAMPLE, "MIN_EXTENT": MIN_EXTENT, "INK": INK, "GREY_LEVELS": GREY_LEVELS}

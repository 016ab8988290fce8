#!/usr/bin/env python3
"""The peer `scripts/bench-plot` times complex-repl's plot against: numpy computes the
same grid and the same colouring (mpmath's cplot default, vectorised) and Pillow
writes the PNG.

usage: scripts/plot-numpy.py OUTPUT.png [SIZE]   (the expression (z**2-1)/(z**2+1) over -2-2j … 2+2j)
"""
import sys

import numpy as np
from PIL import Image

size = int(sys.argv[2]) if len(sys.argv) > 2 else 400
step = 4 / size
re = -2 + (np.arange(size) + 0.5) * step
im = 2 - (np.arange(size) + 0.5) * step
z = re[np.newaxis, :] + 1j * im[:, np.newaxis]
with np.errstate(all="ignore"):
    w = (z**2 - 1) / (z**2 + 1)
    h = ((np.angle(w) + np.pi) / (2 * np.pi) + 0.5) % 1.0
    l = 1.0 - 1 / (1.0 + np.abs(w) ** 0.3)
s = 0.8
m2 = np.where(l <= 0.5, l * (1.0 + s), l + s - l * s)
m1 = 2.0 * l - m2


def channel(hue):
    hue = hue % 1.0
    return np.select([hue < 1 / 6, hue < 0.5, hue < 2 / 3],
                     [m1 + (m2 - m1) * hue * 6.0, m2, m1 + (m2 - m1) * (2 / 3 - hue) * 6.0], m1)


rgb = np.stack([channel(h + 1 / 3), channel(h), channel(h - 1 / 3)], axis=-1)
infinite = np.isinf(w.real) | np.isinf(w.imag)
nan = ~infinite & (np.isnan(w.real) | np.isnan(w.imag))
rgb[infinite] = 1.0
rgb[nan] = 0.5
Image.fromarray(np.round(rgb * 255).astype(np.uint8), "RGB").save(sys.argv[1])

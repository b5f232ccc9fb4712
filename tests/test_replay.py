"""mlp.training.replay: a pen digit as the pad records it when drawn small near an edge."""
import numpy as np

from mlp.training import replay


def test_small_drawing_fits_a_quarter_of_the_pad_near_its_corner_at_whole_pixels():
    strokes = [np.array([[100.0, 50.0], [100.4, 50.2], [300.0, 450.0]]), np.array([[120.0, 200.0], [260.0, 210.0]])]
    out = replay.drawn_small(strokes)
    pts = np.concatenate(out)
    margin = replay.EDGE_MARGIN * replay.PAD_SIDE
    assert np.array_equal(pts, np.round(pts)), "the pointer reports whole pixels"
    assert pts.min() >= np.floor(margin) and pts[:, 1].max() == np.floor(margin + replay.SMALL * replay.PAD_SIDE + 0.5)
    assert pts[:, 0].max() < pts[:, 1].max(), "the aspect is kept (the digit is taller than wide)"
    assert len(out[0]) == 2, "a move within the same pixel adds no point"
    assert len(out[1]) == 2


def test_small_digits_keep_label_and_writer():
    from mlp.training.pendigits import PenDigit
    digit = PenDigit(7, 12, (np.array([[0.0, 0.0], [40.0, 80.0]], dtype=np.float32),))
    (small,) = replay.small_digits([digit], size=0.5, pad=100)
    assert (small.label, small.writer) == (7, 12)
    assert np.array_equal(small.strokes[0], [[3.0, 3.0], [28.0, 53.0]])

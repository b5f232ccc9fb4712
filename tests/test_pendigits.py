"""mlp.training.pendigits: reading the UNIPEN pen trajectories, checked on small files and on the real data."""
import gzip

import numpy as np
import pytest

from mlp.training import pendigits
from mlp.training.pendigits import PendigitsError, parse

GOOD = """.INCLUDE        dene.doc
.LEXICON "0" "1" "2" "3" "4" "5" "6" "7" "8" "9"
.HIERARCHY      DIGIT

.SEGMENT DIGIT    0 ? "7"
.COMMENT 7 3  224
.PEN_DOWN
 100  400
 300  400
.PEN_UP
.DT 100
.PEN_DOWN
 300  400
 200  100
.PEN_UP

.SEGMENT DIGIT    1 ? "1"
.COMMENT 1 4  12
.PEN_DOWN
 250  450
.PEN_UP
"""


def test_parses_digits_strokes_and_writers():
    seven, one = parse(GOOD)
    assert (seven.label, seven.writer, len(seven.strokes)) == (7, 3, 2)
    assert (one.label, one.writer, len(one.strokes)) == (1, 4, 1)
    assert one.strokes[0].shape == (1, 2)


def test_y_is_flipped_to_screen_coordinates():
    seven, _ = parse(GOOD)
    # The tablet's y grows upward: the 7's bar at y = 400 is at the top of the screen (500 - 400).
    np.testing.assert_array_equal(seven.strokes[0], [[100, 100], [300, 100]])
    np.testing.assert_array_equal(seven.strokes[1], [[300, 100], [200, 400]])


@pytest.mark.parametrize("text, says", [
    ("", "no digits"),
    ('.SEGMENT DIGIT 0 ? "x"\n', "expected .SEGMENT"),
    ('.SEGMENT DIGIT 0 ? "3"\n.COMMENT 4 1 0\n', "says digit 4"),
    ('.SEGMENT DIGIT 0 ? "3"\n.PEN_DOWN\n 1 2\n.PEN_UP\n', "no .COMMENT"),
    ('.SEGMENT DIGIT 0 ? "3"\n.COMMENT 3 1 0\n', "no strokes"),
    ('.SEGMENT DIGIT 0 ? "3"\n.COMMENT 3 1 0\n.PEN_DOWN\n 1 2\n', "not closed"),
    ('.SEGMENT DIGIT 0 ? "3"\n.COMMENT 3 1 0\n.PEN_UP\n', "without .PEN_DOWN"),
    ('.SEGMENT DIGIT 0 ? "3"\n.COMMENT 3 1 0\n.PEN_DOWN\n.PEN_UP\n', "no points"),
    ('.SEGMENT DIGIT 0 ? "3"\n.COMMENT 3 1 0\n.PEN_DOWN\n 1 2.5\n.PEN_UP\n', "two integers"),
    ('.SEGMENT DIGIT 0 ? "3"\n.COMMENT 3 1 0\n.PEN_DOWN\n 1 2 3\n.PEN_UP\n', "two integers"),
    ('.SEGMENT DIGIT 0 ? "3"\n.COMMENT 3 1 0\n.PEN_DOWN\n.PEN_DOWN\n', "inside a stroke"),
    ('.PEN_DOWN\n 1 2\n.PEN_UP\n', "before any .SEGMENT"),
    (' 1 2\n', "outside any stroke"),
    ('.SEGMENT DIGIT 0 ? "3"\n.COMMENT three 1 0\n', "expected .COMMENT"),
])
def test_bad_text_names_the_problem(text, says):
    with pytest.raises(PendigitsError, match=says):
        parse(text, "f.tra")


def test_error_names_the_line():
    with pytest.raises(PendigitsError, match=r"f\.tra line 9:"):
        parse(GOOD.replace(" 300  400\n.PEN_UP\n.DT", " 300  x\n.PEN_UP\n.DT"), "f.tra")


def test_load_reads_gzip_or_plain_and_refuses_broken_files(tmp_path):
    (tmp_path / pendigits.FILE).write_bytes(gzip.compress(GOOD.encode()))
    assert len(pendigits.load(tmp_path)) == 2
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / pendigits.FILE.removesuffix(".gz")).write_text(GOOD)
    assert len(pendigits.load(plain)) == 2
    (tmp_path / pendigits.FILE).write_bytes(b"\x1f\x8b" + b"not gzip at all")
    with pytest.raises(PendigitsError, match="not a readable gzip"):
        pendigits.load(tmp_path)
    (tmp_path / pendigits.FILE).write_bytes(gzip.compress("caf\u00e9".encode()))
    with pytest.raises(PendigitsError, match="non-ASCII"):
        pendigits.load(tmp_path)
    with pytest.raises(PendigitsError, match="not found"):
        pendigits.load(tmp_path / "nowhere")


@pytest.fixture(scope="module")
def real():
    folder = pendigits.data_dir()
    if not (folder / pendigits.FILE).is_file():
        pytest.fail(f"pen-digits data missing: {folder / pendigits.FILE} (set ${pendigits.ENV_VAR})")
    return pendigits.load(folder)


def test_real_file_has_every_digit_of_30_writers(real):
    assert len(real) == 7494
    assert sorted({d.writer for d in real}) == list(range(1, 31))
    assert np.bincount([d.label for d in real]).tolist() == [780, 779, 780, 719, 780, 720, 720, 778, 719, 719]
    assert sum(len(s) for d in real for s in d.strokes) == 304216


def test_real_digits_start_at_their_top(real):
    """The README's check of the y flip: almost every digit starts in its upper half (flipped wrongly: 5 %)."""
    def start(d):
        ys = np.concatenate(d.strokes)[:, 1]
        return (d.strokes[0][0, 1] - ys.min()) / max(np.ptp(ys), 1)
    assert np.mean([start(d) < 0.5 for d in real]) > 0.9


def test_split_keeps_whole_writers_apart(real):
    train, held = pendigits.split_by_writer(real)
    assert {d.writer for d in held} == set(pendigits.HELD_OUT_WRITERS)
    assert not {d.writer for d in train} & {d.writer for d in held}
    assert len(train) + len(held) == len(real) and len(held) > 1400


def test_folds_hold_out_every_writer_once():
    """Five folds of six writers each: every writer of the file is held out in exactly one fold, and
    fold 0 is the shipped network's held-out writers."""
    held = [w for k in range(pendigits.N_FOLDS) for w in pendigits.fold_writers(k)]
    assert sorted(held) == list(pendigits.WRITERS) == list(range(1, 31))
    assert pendigits.fold_writers(0) == pendigits.HELD_OUT_WRITERS == (5, 10, 15, 20, 25, 30)
    with pytest.raises(ValueError, match="fold 5"):
        pendigits.fold_writers(5)


def test_the_file_has_exactly_the_folds_writers(real):
    assert {d.writer for d in real} == set(pendigits.WRITERS)

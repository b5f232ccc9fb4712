"""Helpers for the tests and the benchmarks (never used by the app): start the app on a free port
and wait for it (server.py), open Chromium (browser.py), draw digits on the pad (drawing.py);
and digit_survey.py, a report of what the network reads of many drawings."""

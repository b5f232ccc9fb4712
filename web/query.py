"""Checks on a query string's values (a share link's ?d= and &off=, ?network=, ?snapshot=).

A query string holds text only, so each value is read in its own form here, then checked
as a body's value is (web/inputs.py), with the same messages.
"""
from __future__ import annotations

import re

from . import sharelink
from .inputs import InputError, check_silenced_count, checked_network_id, checked_silenced, checked_snapshot

MAX_SNAPSHOT_DIGITS = 4  # more than any snapshot count: a longer number is refused unread
# A number in a query is ASCII digits only: str.isdigit() also takes "²", "①" or "₁" (which int()
# then refuses: a 500) and int() reads "٣" or "３" as 3 (issue 23, 2).
_SNAPSHOT = re.compile(f"[0-9]{{1,{MAX_SNAPSHOT_DIGITS}}}")


def drawing_from_query(args):
    """(code, pixels) from a share link's ?d=; a bad link is a sharelink.LinkError."""
    code = args.get("d", "")
    return code, sharelink.decode(code)


def network_from_query(args, known_ids) -> str | None:
    """?network=ID (None: the default); an id not in ``known_ids`` is refused by name."""
    return checked_network_id(args["network"], known_ids) if "network" in args else None


def snapshot_from_query(args, count) -> int | None:
    """?snapshot=K, in digits: 0 (the random start) to count - 1 (trained)."""
    value = args.get("snapshot")
    if value is None:
        return None
    if _SNAPSHOT.fullmatch(value):
        value = int(value)
    return checked_snapshot(value, count)


def silenced_from_query(args, network) -> list:
    """A link's &off= (web.sharelink's form): the hidden neurons to silence, each checked against
    the network ([] without one); what is wrong is an InputError."""
    if sharelink.SILENCED_PARAM not in args:
        return []
    text = args[sharelink.SILENCED_PARAM]
    if text:  # counted before it is read: a link names each neuron once, joined by "_"
        check_silenced_count(text.count("_") + 1, network, sharelink.SILENCED_PARAM)
    try:
        pairs = sharelink.decode_silenced(text)
    except ValueError as exc:
        raise InputError(f"'{sharelink.SILENCED_PARAM}': {exc}") from None
    return checked_silenced(pairs, network, sharelink.SILENCED_PARAM)

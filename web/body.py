"""Reading a request body safely, whatever framing the client chose.

A body sent with ``Transfer-Encoding: chunked`` has no Content-Length to check
up front. Read naively, werkzeug silently stops at MAX_CONTENT_LENGTH and the
app parses the first 64 KiB as if that were all; and a malformed chunk (bad
size, missing terminator) raises from inside the WSGI server's reader, which
became a 500 with a traceback (issue 14). Here both are the client's error:
413 and 400. (In production nginx already refuses both before the app; this
keeps ``python app.py`` and bare gunicorn honest too.)
"""
from __future__ import annotations

from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType
from werkzeug.sansio.utils import get_content_length

try:  # gunicorn's body reader raises its own ParseException (InvalidChunkSize, ChunkMissingTerminator...)
    from gunicorn.http.errors import ParseException as ServerParseError
except ImportError:  # e.g. Windows, where only `python app.py` runs
    ServerParseError = ValueError

# What reading a broken body raises: gunicorn's parse errors and NoMoreData (an OSError),
# werkzeug's dev-server dechunker (OSError/ValueError).
BODY_ERRORS = (OSError, ValueError, ServerParseError)


def read_body(request, limit: int) -> bytes:
    """The whole body, at most ``limit`` bytes: 413 when longer, 400 when its framing is broken, 415
    when it says it is compressed (Content-Encoding: the app reads JSON as it is sent, nothing else)."""
    # The headers and the body straight from the WSGI environ (what request.headers, .content_length
    # and .stream read, through wrappers that cost more than the read itself on every prediction).
    environ = request.environ
    encoding = environ.get("HTTP_CONTENT_ENCODING", "")
    if encoding.strip().lower() not in ("", "identity"):
        raise UnsupportedMediaType(f"the body is compressed (Content-Encoding: {encoding[:40]}): "
                                   "send the JSON itself, uncompressed")
    declared = get_content_length(environ.get("CONTENT_LENGTH"), environ.get("HTTP_TRANSFER_ENCODING"))
    if declared is not None and declared > limit:
        raise RequestEntityTooLarge()
    stream = environ["wsgi.input"]
    try:
        if environ.get("wsgi.input_terminated"):
            # The server ends the body (gunicorn always; werkzeug's when chunked, de-chunking it): read
            # one byte past the limit to know if it was passed.
            data = _read_at_most(stream, limit + 1)
        elif declared is not None:
            data = _read_at_most(stream, declared)
        else:
            data = b""  # neither a length nor a server that ends it: no body
        if declared is not None and len(data) < declared:
            raise EOFError  # the client stopped before the length it declared
    except (*BODY_ERRORS, EOFError):
        raise BadRequest("the body could not be read: its chunked transfer encoding is malformed "
                         "or it ended early") from None
    if len(data) > limit:
        raise RequestEntityTooLarge()
    return data


def _read_at_most(stream, n: int) -> bytes:
    parts, got = [], 0
    while got < n:
        part = stream.read(n - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)

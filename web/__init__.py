"""The web layer's small helpers for app.py: start-up checks, request bodies, absolute links."""

"""The web layer around the network in mlp/: request checks, replies, share links, previews,
languages, headers and start-up checks for app.py. mlp/ never imports from here."""

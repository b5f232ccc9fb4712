"""Start-up checks: a file the page needs that is missing or broken stops the server with one line.

Without them such a server starts "healthy" and answers 500 on its first page
(issue 14). ``StartupError``'s text names the file and the problem; app.py's
``create_app_or_exit`` prints it and exits with status 1.
"""
from __future__ import annotations

import json
from pathlib import Path

from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError


class StartupError(Exception):
    """A file or setting the app cannot start with; ``str()`` is the one line to print."""


def _shown(path: Path) -> str:
    """The path as a person would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_catalogs(folder: Path, languages) -> dict:
    """Every language's catalog of visible strings; each must exist, be a JSON object of strings,
    and hold every key of the first (reference) language's catalog."""
    catalogs = {}
    for lang in languages:
        path = folder / f"{lang}.json"
        try:
            catalog = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StartupError(f"i18n catalog {_shown(path)}: missing") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise StartupError(f"i18n catalog {_shown(path)}: cannot be read ({exc})") from None
        except json.JSONDecodeError as exc:
            raise StartupError(f"i18n catalog {_shown(path)}: not valid JSON "
                               f"({exc.msg} at line {exc.lineno} column {exc.colno})") from None
        if not isinstance(catalog, dict) or not all(isinstance(v, str) for v in catalog.values()):
            raise StartupError(f"i18n catalog {_shown(path)}: must be a JSON object of strings")
        catalogs[lang] = catalog
    reference = languages[0]
    for lang in languages[1:]:
        missing = [key for key in catalogs[reference] if key not in catalogs[lang]]
        if missing:
            shown = ", ".join(f"'{key}'" for key in missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise StartupError(f"i18n catalog {_shown(folder / f'{lang}.json')}: {len(missing)} key(s) of "
                               f"{reference}.json missing: {shown}")
    return catalogs


def check_page(app, endpoint, template, languages):
    """Render a page once in each language, so a missing or broken template, or one that asks for
    a string a catalog lacks, is found now and not by the first visitor."""
    folder = Path(app.root_path) / (app.template_folder or "templates")
    if not (folder / template).is_file():
        raise StartupError(f"template {_shown(folder / template)}: missing")
    trusted = app.config.get("TRUSTED_HOSTS")
    base_url = f"http://{trusted[0].lstrip('.')}/" if trusted else None  # a Host the app accepts
    for lang in languages:
        try:
            with app.test_request_context("/", base_url=base_url, query_string={"lang": lang}):
                app.view_functions[endpoint]()
        except TemplateNotFound as exc:
            raise StartupError(f"template {_shown(folder / exc.name)}: missing (used by {template})") from None
        except TemplateSyntaxError as exc:
            raise StartupError(f"template {_shown(folder / (exc.name or template))}: {exc.message} "
                               f"at line {exc.lineno}") from None
        except TemplateError as exc:
            raise StartupError(f"template {_shown(folder / template)}: {exc.message}") from None
        except KeyError as exc:
            raise StartupError(f"template {_shown(folder / template)}: asks for the string {exc} that the "
                               f"{lang} catalog does not have") from None

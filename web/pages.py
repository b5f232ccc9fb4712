"""The page (``/``, in the visitor's language) and a share link's preview picture (``/preview.png``)."""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, request, url_for

from mlp.digit import FACTS as DIGIT_FACTS
from mlp.network import Network
from mlp.registry import Entry
from mlp.training import recipe as recipes

from . import public_url, sharelink
from .inputs import InputError
from .language import LANGUAGES, asked_language, page_language, translate
from .preview import words_for
from .query import drawing_from_query, network_from_query, silenced_from_query
from .reply import infer

MAX_SHOWN_ID = 40  # an unknown ?network= is named in the page's note, cut to this many characters
VIDEO_SIZES = (784, 16, 16, 10)  # the video's network: the pickers call it so
ACTIVATION_NAMES = {"sigmoid": "sigmoid", "relu": "ReLU"}  # a trained network's, as its label writes it

blueprint = Blueprint("pages", __name__)


def percent(accuracy):
    """A test accuracy (a fraction, or already a percentage) as the page shows it: "96.1", or None."""
    return None if accuracy is None else f"{accuracy * 100 if accuracy <= 1 else accuracy:.1f}"


def choice(net_id, network, snapshots, shipped):
    """One network as the pickers list it: its figures, and its label (a catalog key and its arguments).
    A trained network's label says its recipe (static/js/panels/train/recent.js labels the ones this
    browser trained the same way)."""
    sizes, pct = "-".join(map(str, network.sizes)), percent(network.meta.get("test_accuracy"))
    args = {"sizes": sizes, "pct": pct}
    if shipped:
        key = "network.optionPlain" if pct is None else (
            "network.optionVideo" if network.sizes == VIDEO_SIZES else "network.option")
    else:
        recipe = recipes.parse(net_id)
        args.update(activation=ACTIVATION_NAMES[recipe.activation], images=f"{recipe.images:,}",
                    epochs=recipe.epochs, seed=recipe.seed)
        key = "train.optionPlain" if pct is None else "train.option"
    return {"id": net_id, "sizes": sizes, "params": f"{network.n_params:,}", "pct": pct,
            "video": network.sizes == VIDEO_SIZES and shipped, "snapshots": snapshots, "key": key, "args": args}


def network_choices(networks, shown, snapshots=None):
    """The networks for the page's pickers, the default first, with the figures they show; the shown
    network last when it is not one of them (a trained one: its id is its recipe). ``snapshots``: the
    shown network's count when its entry does not hold them yet (a recipe not trained here yet)."""
    shipped = networks.ids()
    rows = [choice(e.id, e.network, len(e.snapshots), True) for e in networks]
    if shown.id not in shipped:
        rows.append(choice(shown.id, shown.network, len(shown.snapshots) if snapshots is None else snapshots, False))
    return rows


@blueprint.app_context_processor
def language_context():
    lang = page_language(request)
    catalog = current_app.extensions["catalogs"][lang]
    return {"lang": lang, "languages": LANGUAGES, "digit_facts": DIGIT_FACTS,
            "t": lambda key, **params: translate(catalog, key, **params)}


def link_preview(networks, entry, silenced, catalog, lang, read=True):
    """The og tags of a share link (?d=): its preview picture and the answer in the title, both in the
    page's language ``lang``; None for a link that cannot be opened (the page itself tells the person,
    in their language). ``read=False``: the network is not here yet (a recipe this process has not
    trained): the title says no answer; the picture, which trains it when asked, still has it."""
    try:
        code, pixels = drawing_from_query(request.args)
    except sharelink.LinkError:
        return None
    answer = infer(entry.network, pixels, silenced=silenced)["prediction"] if read else None
    image = url_for(".preview_png", d=code, **({} if entry is networks.default else {"network": entry.id}),
                    **({sharelink.SILENCED_PARAM: sharelink.encode_silenced(silenced)} if silenced else {}),
                    **({sharelink.LANG_PARAM: lang} if lang != LANGUAGES[0] else {}))
    return {"image": public_url.absolute(image, current_app.config["PUBLIC_URL"], request),
            "title": translate(catalog, "og.title.blank") if answer is None
            else translate(catalog, "og.title.answer", digit=answer)}


@blueprint.get("/")
def index():
    networks = current_app.extensions["networks"]
    # ?network=ID shows that network; none (or an empty one) the default; an unknown one the
    # default with a note saying so (a page, never an error: the API refuses unknown ids).
    # A trained network's id (its recipe) is trained now if this process has not got it yet
    # (a 429 when it is training another); on a server that cannot train, it is unknown.
    asked_id = request.args.get("network", "")
    recipe = untrained_recipe(networks, asked_id)
    if recipe is not None:
        return untrained_page(networks, recipe)
    entry = networks.get(asked_id)
    unknown = asked_id[:MAX_SHOWN_ID] if asked_id and entry is None else None
    entry = entry or networks.default
    net = entry.network
    # &off= silences hidden neurons of the link's network (none when that network is unknown:
    # the default's neurons are other ones); what cannot be used is a note (never echoed), and
    # every neuron stays on.
    silenced, bad_off = [], False
    if unknown is None:
        try:
            silenced = silenced_from_query(request.args, net)
        except InputError:
            bad_off = True
    lang = page_language(request)
    catalog = current_app.extensions["catalogs"][lang]
    og = link_preview(networks, entry, silenced, catalog, lang) if "d" in request.args else None
    accuracy = net.meta.get("test_accuracy")
    response = make_response(render_template(
        "index.html", network_id=entry.id, default_network=networks.default.id, sizes=net.sizes,
        n_params=net.n_params, test_accuracy=accuracy, test_pct=percent(accuracy), og=og,
        networks=network_choices(networks, entry), unknown_network=unknown, silenced=silenced, bad_silenced=bad_off))
    response.vary.update(("Accept-Language", "Cookie"))  # the language is chosen from these
    return response


def untrained_recipe(networks, net_id):
    """The recipe of ``net_id`` when it is one this process can train but has not (else None)."""
    if not (recipes.is_recipe_id(net_id) and networks.can_train) or net_id in networks.trained_ids():
        return None
    try:
        return recipes.parse(net_id)
    except recipes.RecipeError:
        return None  # the page says it is unknown


def untrained_page(networks, recipe):
    """The page of a recipe's network this process has not trained yet, at once rather than after its
    training (seconds, the first time a process reads MNIST): all it shows before the weights comes from
    the recipe (its layers, its parameter count), and it says the network is being trained while its
    script fetches the weights, which trains it (static/js/panels/train/panel.js). A share link's preview
    tags name the picture (/preview.png trains the network when asked) under a title without the answer,
    which needs the weights."""
    shape = Network.random(recipe.sizes, activations=recipe.activations)  # the recipe's layers; never run
    silenced, bad_off = [], False
    try:
        silenced = silenced_from_query(request.args, shape)
    except InputError:
        bad_off = True
    entry = Entry(recipe.id, recipe.id, shape, path=None)
    lang = page_language(request)
    og = link_preview(networks, entry, silenced, current_app.extensions["catalogs"][lang], lang, read=False) \
        if "d" in request.args else None
    response = make_response(render_template(
        "index.html", network_id=recipe.id, default_network=networks.default.id, sizes=shape.sizes,
        n_params=shape.n_params, test_accuracy=None, og=og, untrained=True,
        networks=network_choices(networks, entry, snapshots=recipes.SNAPSHOTS), unknown_network=None,
        silenced=silenced, bad_silenced=bad_off))
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@blueprint.get("/preview.png")
def preview_png():
    _, pixels = drawing_from_query(request.args)
    networks = current_app.extensions["networks"]
    entry = networks.entry(network_from_query(request.args, networks.ids()))
    silenced = silenced_from_query(request.args, entry.network)
    words = words_for(current_app.extensions["catalogs"], asked_language(request.args))  # ?lang=, else English
    response = current_app.response_class(networks.preview_png(pixels, entry, silenced, words), mimetype="image/png")
    response.cache_control.public = True
    response.cache_control.max_age = 86400  # the picture of a link never changes
    return response

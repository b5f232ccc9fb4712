// The page's two languages, English and Traditional Chinese (Taiwan). Every
// visible string is in one catalog per language, static/i18n/<lang>.json: the
// server renders the page in the chosen one (no flash of English), and this
// module uses the same catalog for what changes live. Elements rendered by the
// template name their key (data-i18n, data-i18n-aria-label, data-i18n-title,
// with data-i18n-args for placeholders), so a switch re-renders them in place.
//
// The choice: ?lang= in the address wins, then what the person picked before
// (localStorage, mirrored in a cookie the server reads), then the browser's
// Accept-Language (already applied by the server: <html lang>).

export const LANGUAGES = ['en', 'zh-TW'];
const STORE = 'nn-lang';
const COOKIE = 'lang';
const ATTRS = [['i18nAriaLabel', 'aria-label'], ['i18nTitle', 'title']];

const events = new EventTarget();
const catalogs = new Map();
let current = null;
let strings = {};

/** 'en' or 'zh-TW' for a value naming one of them (any letter case), else null. */
export function supported(value) {
  const v = String(value || '').toLowerCase();
  return LANGUAGES.find((lang) => lang.toLowerCase() === v) || null;
}

function stored() {
  try { return supported(window.localStorage.getItem(STORE)); } catch { return null; }
}

function remember(lang) {
  try { window.localStorage.setItem(STORE, lang); } catch { /* private mode: the cookie still works */ }
  document.cookie = `${COOKIE}=${lang}; path=/; max-age=31536000; samesite=lax`;
}

async function catalog(lang) {
  if (!catalogs.has(lang)) {
    const url = new URL(`../../i18n/${lang}.json`, import.meta.url);
    catalogs.set(lang, fetch(url, { credentials: 'same-origin' }).then((r) => {
      if (!r.ok) throw new Error(`${url.pathname}: ${r.status}`);
      return r.json();
    }));
  }
  try {
    return await catalogs.get(lang);
  } catch (err) {
    catalogs.delete(lang); // try again next time
    throw err;
  }
}

/** The current language ('en' or 'zh-TW'). */
export const language = () => current;

/** The string for `key`, its {name} placeholders filled from `params`. */
export function t(key, params = {}) {
  const s = strings[key];
  if (typeof s !== 'string') {
    console.error(`i18n: no string for "${key}" in ${current}`);
    return key;
  }
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Call `listener(lang)` after every language switch (to re-render live text). */
export function onLanguageChange(listener) {
  events.addEventListener('change', () => listener(current));
}

/** Re-render every element that names its key (all of them under `root`). */
export function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n], [data-i18n-aria-label], [data-i18n-title]')) {
    let args = {};
    if (el.dataset.i18nArgs) {
      try { args = JSON.parse(el.dataset.i18nArgs); } catch { /* the template's own JSON: always valid */ }
    }
    if (el.dataset.i18n) el.textContent = t(el.dataset.i18n, args);
    for (const [data, attr] of ATTRS) if (el.dataset[data]) el.setAttribute(attr, t(el.dataset[data], args));
  }
}

function markToggle() {
  for (const a of document.querySelectorAll('[data-lang]')) {
    if (a.dataset.lang === current) a.setAttribute('aria-current', 'true');
    else a.removeAttribute('aria-current');
  }
}

/** Switch the page to `lang` in place; `remember`: the person chose it (keep it, put it in the address). */
export async function setLanguage(lang, { remember: keep = false } = {}) {
  lang = supported(lang) || LANGUAGES[0];
  if (keep) {
    remember(lang);
    const url = new URL(window.location.href);
    url.searchParams.set('lang', lang); // shared links carry it
    window.history.replaceState(window.history.state, '', url.href);
  }
  if (lang === current) return;
  strings = await catalog(lang);
  current = lang;
  document.documentElement.lang = lang;
  translate();
  markToggle();
  events.dispatchEvent(new Event('change'));
}

/** Load the page's catalog (before anything is drawn) and wire the language links. */
export async function initLanguage() {
  const rendered = supported(document.documentElement.lang) || LANGUAGES[0];
  const asked = supported(new URL(window.location.href).searchParams.get('lang'));
  let lang = asked || stored() || rendered;
  try {
    strings = await catalog(lang);
  } catch (err) {
    // The page itself is already in `rendered` (server-side); without its catalog the
    // live texts cannot be said, but the page still works.
    console.error(`i18n: ${err.message}`);
    lang = rendered;
    strings = await catalog(rendered).catch(() => ({}));
  }
  current = lang;
  if (lang !== rendered) { // the server did not know (no cookie yet): switch now
    document.documentElement.lang = lang;
    translate();
    markToggle();
  }
  for (const a of document.querySelectorAll('[data-lang]')) {
    a.addEventListener('click', (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return; // a new tab: let the link go
      e.preventDefault();
      setLanguage(a.dataset.lang, { remember: true }).catch((err) => console.error(err));
    });
  }
}

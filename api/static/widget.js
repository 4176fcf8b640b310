/* ccin-search widget v1.0.0 */
/*
 * Search the CCIN Knowledge Base from any page:
 *   <script src="https://HOST/widget.js" defer></script>
 *   <ccin-search api="https://HOST"></ccin-search>
 *
 * Attributes
 *   api          API base URL (default: the folder widget.js was loaded from, so a /kb/widget.js calls /kb/search)
 *   k            results per page (default 5); "Previous" and "Next" page through the rest by offset
 *   principle    fixed principle id: hides the chips and always filters
 *   placeholder  input placeholder
 *   mode         passed to /search as mode (hybrid | bm25 | dense)
 *   target       where result links open: _self (default) or _blank / a window name
 *   label        accessible name of the input (default "Search CCIN policy reports")
 *   query        initial query, searched when the element connects
 *   offset       initial offset of that first search (a shared address of a later page opens on that page)
 *   variant      "page": full-page results, no chips, "About this document" buttons
 *   council, year-from, year-to, type   passed to /search as council, year_from, year_to, type
 *   group        passed to /search as group: document (default: one result per document, with up to two
 *                more of its passages listed beneath) or passage
 *   passage-role passed to /search as role: navigation (contents, reading lists, covers) is left out unless
 *                this says "any", "navigation" or a kind of navigation
 *   no-chips     boolean: never show the principle chips
 *   interpret    "false": search the words as typed (default: the API reads a council, years or a document
 *                type from the query as filters, and the widget says so, offering to search as typed instead)
 * Events (bubble, composed)
 *   ccin-search   {query, params}        a search request starts
 *   ccin-results  {query, count, error?, total?, offset?, facets?, interpreted?, weak?, notices?}
 *                 after each render (results, none, error or clear); facets are the API's counts by value
 *   ccin-about    {documentId, citation} "About this document" clicked (variant="page")
 * CSS custom properties (defaults)
 *   --ccin-font     font family (system-ui stack)   --ccin-accent   links, focus, chips (#0f766e)
 *   --ccin-bg       background (#fff)               --ccin-fg       text (#1f2933)
 *   --ccin-muted    secondary text (#5b6675)        --ccin-mark-bg  match highlight (#fde68a)
 *   --ccin-radius   corner radius (10px)            --ccin-border   borders (#d6dbe1)
 * Parts: container field input clear chips chip (+selected) status notes interpreted search-as-typed as-typed
 *   weak-match notice
 *   listbox (+weak) result title meta caveat (+ocr, +inferred) snippet mark principles principle also-in also-in-document about
 *   pager previous next
 * Properties/methods: el.query (get/set), el.search(q?), el.clear(), el.focus()
 */
(() => {
'use strict';
const SRC = document.currentScript && document.currentScript.src;
let DEFAULT_API;
// The folder widget.js came from: https://host/kb/widget.js calls https://host/kb/search.
try { DEFAULT_API = new URL('.', SRC).href; } catch (e) { DEFAULT_API = location.origin; }
if (!window.customElements || customElements.get('ccin-search')) return;

const ENT = { amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'" };
const unescapeHtml = (s) => s.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (_, e) => ENT[e]);
const INFERRED = { title: 'title', year: 'year', lead_council: 'council' };
const listed = (xs) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}` : xs.join(''));
const FILTERS = [['mode', 'mode'], ['council', 'council'], ['year-from', 'year_from'], ['year-to', 'year_to'], ['type', 'type'], ['passage-role', 'role']];

// Tiny DOM builder: every value lands via textContent or setAttribute, never as markup.
function h(tag, props, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'text') n.textContent = v;
    else n.setAttribute(k, v === true ? '' : v);
  }
  n.append(...kids.filter((x) => x != null && x !== ''));
  return n;
}

// The snippet is escaped text whose only markup is <mark>…</mark>: rebuild exactly that, nothing else.
// Paragraph breaks (a heading above its text, list items) stay as single line breaks (.snip is pre-line).
const lines = (s) => s.replace(/[^\S\n]*\n\s*/g, '\n');
function snippetNodes(s) {
  const out = document.createDocumentFragment();
  let mark = null;
  for (const p of String(s).split(/(<mark>|<\/mark>)/)) {
    if (p === '<mark>' && !mark) out.append((mark = h('mark', { part: 'mark' })));
    else if (p === '</mark>' && mark) mark = null;
    else if (p) (mark || out).append(lines(unescapeHtml(p)));
  }
  return out;
}

function safeUrl(u, base) {
  if (!u) return null;
  try { const x = new URL(u, base); return /^https?:$/.test(x.protocol) ? x.href : null; } catch (e) { return null; }
}

function errorText(res, data) {
  if (res.status === 429) {
    const v = res.headers.get('Retry-After'); // cross-origin: needs Access-Control-Expose-Headers: Retry-After
    let s = v && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v ? (Date.parse(v) - Date.now()) / 1000 : NaN;
    s = Number.isFinite(s) ? Math.max(1, Math.ceil(s)) : 0;
    return `Too many searches — please wait ${s ? `${s} second${s === 1 ? '' : 's'}` : 'a few seconds'} and try again.`;
  }
  const e = data && data.error;
  const msg = (e && (e.message || (typeof e === 'string' && e))) || (data && typeof data.detail === 'string' && data.detail);
  if (res.status < 500) return msg ? String(msg) : `The search service refused this search (HTTP ${res.status}).`;
  return `Search is unavailable right now (the search service answered HTTP ${res.status}).`;
}

const TYPE_PLURAL = { toolkit: 'toolkits', report: 'reports', 'case-study': 'case studies', 'policy-lab': 'policy labs',
  'policy-prototype': 'policy prototypes', 'members-pack': "members' packs", 'web-page': 'web pages' };
const andList = (xs) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

// "Showing toolkits from Kirklees, since 2020 only" and "Search all councils, years and types instead", from the
// API's `interpreted` (council, year_from/year_to, type); null when it read nothing.
function readLine(it) {
  if (!it || !Object.keys(it).length) return null;
  const year = (v) => (Number.isInteger(v) ? v : null);
  const from = year(it.year_from);
  const to = year(it.year_to);
  let years = null;
  if (from != null && to != null) years = from === to ? String(from) : `${from}–${to}`;
  else if (from != null) years = `since ${from}`;
  else if (to != null) years = `up to ${to}`;
  const council = it.council != null && it.council !== '' ? String(it.council) : null;
  const type = it.type != null && it.type !== '' ? String(it.type) : null;
  let text = `Showing ${type ? TYPE_PLURAL[type] || `${type.replace(/-/g, ' ')} documents` : 'results'}`;
  if (council) text += ` from ${council}${years ? `, ${years}` : ''}`;
  else if (years) text += /^\d/.test(years) ? ` from ${years}` : ` ${years}`;
  const all = [council && 'councils', years && 'years', type && 'types'].filter(Boolean);
  if (!all.length) return { text: 'Showing results narrowed by words in your search', undo: 'Search as typed instead' };
  return { text: `${text} only`, undo: `Search all ${andList(all)} instead` };
}

const CSS = `
:host{all:initial;display:block;font-family:var(--ccin-font,system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif);font-size:medium;line-height:1.5;
--_a:var(--ccin-accent,#0f766e);--_bg:var(--ccin-bg,#fff);--_fg:var(--ccin-fg,#1f2933);--_mu:var(--ccin-muted,#5b6675);
--_mk:var(--ccin-mark-bg,#fde68a);--_r:var(--ccin-radius,10px);--_bd:var(--ccin-border,#d6dbe1);color:var(--_fg)}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.box{color:var(--_fg);min-width:0;container-type:inline-size}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.field{position:relative;display:flex;align-items:center}
.icon{position:absolute;left:.85em;width:1.1em;height:1.1em;fill:none;stroke:var(--_mu);stroke-width:2.4;stroke-linecap:round;pointer-events:none}
input{font:inherit;color:inherit;width:100%;min-width:0;margin:0;padding:.65em 2.6em .65em 2.5em;border:1px solid var(--_bd);border-radius:var(--_r);background:var(--_bg);outline:none;box-shadow:0 1px 2px rgba(16,24,40,.06)}
input::placeholder{color:var(--_mu);opacity:1}
input:focus{border-color:var(--_a);outline:2px solid var(--_a);outline-offset:1px}
button{font:inherit;color:inherit;cursor:pointer}
.clear{position:absolute;right:.4em;width:2em;height:2em;border:0;border-radius:50%;background:none;color:var(--_mu);font-size:1.05em;line-height:1}
.clear:hover{background:color-mix(in srgb,var(--_mu) 14%,transparent);color:var(--_fg)}
button:focus-visible,a:focus-visible{outline:2px solid var(--_a);outline-offset:2px}
.chips{display:flex;flex-wrap:wrap;gap:.35em;margin-top:.6em}
@container (max-width:480px){.chips{flex-wrap:nowrap;overflow-x:auto;scrollbar-width:thin;padding-bottom:.3em}.chip{flex:none}}
.chip{font-size:.8em;padding:.25em .75em;border:1px solid var(--_bd);border-radius:999px;background:var(--_bg);color:var(--_fg)}
.chip:hover{border-color:var(--_a);color:var(--_a)}
.chip[aria-pressed=true]{background:var(--_a);border-color:var(--_a);color:var(--_bg)}
.status{font-size:.82em;color:var(--_mu);margin:.55em .15em 0}
.status:empty{margin:0}
.status.err{color:#9b1c1c;background:#fef2f2;border:1px solid #f8caca;border-radius:var(--_r);padding:.55em .8em}
ul{list-style:none;margin:.5em 0 0;padding:0;display:grid;gap:.5em}
.opt{padding:.75em .9em;border:1px solid var(--_bd);border-radius:var(--_r);background:var(--_bg);min-width:0;overflow-wrap:anywhere;transition:border-color .15s}
.opt:hover{border-color:var(--_a)}
.opt[aria-selected=true]{outline:3px solid var(--_a);outline-offset:0;border-color:var(--_a);background:color-mix(in srgb,var(--_a) 5%,var(--_bg))}
.busy ul{opacity:.55}
.title{font-weight:650;color:var(--_a);text-decoration:none;line-height:1.3}
a.title:hover{text-decoration:underline}
.meta{font-size:.8em;color:var(--_mu);margin:.2em 0 .35em}
.meta span{white-space:nowrap}
.meta .caveat{font-style:italic}
.snip{margin:0;font-size:.9em;line-height:1.55;white-space:pre-line}
mark{background:var(--_mk);color:inherit;padding:0 .1em;border-radius:2px}
.pr{display:flex;flex-wrap:wrap;gap:.3em;margin-top:.5em}
.pr span{font-size:.72em;padding:.1em .6em;border-radius:999px;border:1px solid color-mix(in srgb,var(--_a) 30%,var(--_bg));background:color-mix(in srgb,var(--_a) 8%,var(--_bg));color:var(--_a)}
.also{font-size:.8em;color:var(--_mu);margin:.45em 0 0}
.also a{color:var(--_a)}
.about{margin-top:.6em;font-size:.8em;padding:.3em .8em;border:1px solid var(--_bd);border-radius:var(--_r);background:var(--_bg);color:var(--_a);font-weight:600}
.about:hover{border-color:var(--_a)}
.notes{margin:.45em 0 0;display:grid;gap:.35em;font-size:.85em}
.notes:empty{display:none}
.notes p{margin:0;overflow-wrap:anywhere}
.interp{color:var(--_fg)}
.interp button{font:inherit;border:0;background:none;padding:0;color:var(--_a);text-decoration:underline;text-underline-offset:2px}
.weakmsg{padding:.55em .8em;border:1px solid #e9d8a6;border-left:4px solid #b7791f;border-radius:var(--_r);background:#fffbeb;color:#5c3d0a}
.notice{padding:.55em .8em;border:1px solid var(--_bd);border-left:4px solid var(--_mu);border-radius:var(--_r);background:color-mix(in srgb,var(--_mu) 6%,var(--_bg))}
ul.weak .opt{border-style:dashed;background:color-mix(in srgb,var(--_mu) 5%,var(--_bg))}
ul.weak .title{color:var(--_mu);font-weight:600}
ul.weak .snip{color:var(--_mu)}
ul.weak .pr span{color:var(--_mu);border-color:var(--_bd);background:none}
.pager{display:flex;justify-content:space-between;gap:.5em;margin-top:.6em}
.pager:not(:has(button:not([hidden]))){display:none}
.pager button{padding:.5em 1em;font-size:.88em;font-weight:600;border:1px solid var(--_bd);border-radius:var(--_r);background:var(--_bg);color:var(--_a)}
.pager button:hover{border-color:var(--_a)}
.pager .next{margin-left:auto}
:host([variant=page]) input{font-size:1.1em;padding-top:.75em;padding-bottom:.75em}
:host([variant=page]) ul{gap:.75em}
:host([variant=page]) .opt{padding:1em 1.15em}
@media (forced-colors:active){.opt[aria-selected=true]{outline-color:Highlight}.chip[aria-pressed=true]{border-width:3px}}`;

const HTML = `<style>${CSS}</style><div id="box" class="box" part="container" role="search">
<label class="sr" for="q" id="lbl"></label>
<div class="field" part="field"><svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><circle cx="10.5" cy="10.5" r="6.5"/><path d="m20 20-4.7-4.7"/></svg>
<input id="q" part="input" type="text" role="combobox" autocomplete="off" aria-autocomplete="list" aria-expanded="false" aria-controls="lb" enterkeyhint="search">
<button id="x" class="clear" part="clear" type="button" aria-label="Clear search" hidden>✕</button></div>
<div id="chips" class="chips" part="chips" role="group" aria-label="Filter by principle" hidden></div>
<div id="st" class="status" part="status" role="status" aria-live="polite"></div>
<div id="notes" class="notes" part="notes" aria-live="polite"></div>
<ul id="lb" role="listbox" part="listbox" aria-label="Search results" hidden></ul>
<nav id="pager" class="pager" part="pager" aria-label="Result pages">
<button id="prev" class="prev" part="previous" type="button" hidden><span aria-hidden="true">← </span>Previous</button>
<button id="next" class="next" part="next" type="button" hidden>Next<span aria-hidden="true"> →</span></button></nav></div>`;

const FILTER_ATTRS = ['query', 'k', 'principle', 'api', 'mode', 'council', 'year-from', 'year-to', 'type', 'passage-role', 'group', 'interpret'];

class CcinSearch extends HTMLElement {
  static get observedAttributes() { return [...FILTER_ATTRS, 'placeholder', 'label', 'variant', 'no-chips']; }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = HTML; // static markup only: API data never goes through innerHTML
    const e = (this._e = {});
    for (const id of ['q', 'x', 'chips', 'st', 'notes', 'lb', 'pager', 'prev', 'next', 'lbl', 'box']) e[id] = root.getElementById(id);
    Object.assign(this, { _results: [], _active: -1, _open: false, _offset: 0, _asTyped: false, _chip: '' });
    e.q.addEventListener('input', () => this._onInput());
    e.q.addEventListener('keydown', (ev) => this._onKey(ev));
    e.x.addEventListener('click', () => { this.clear(); e.q.focus(); });
    e.prev.addEventListener('click', () => this._page(-1));
    e.next.addEventListener('click', () => this._page(1));
  }

  connectedCallback() {
    this._ready = true;
    this._sync();
    const q = this.getAttribute('query');
    if (q != null && !this._e.q.value) this._set(q);
    const offset = Number.parseInt(this.getAttribute('offset') || '', 10);
    if (offset > 0 && offset < 10000) this._offset = offset;
    if (this.query.length >= 2) this._run();
  }

  disconnectedCallback() {
    this._ready = false;
    this._abort();
  }

  attributeChangedCallback(name, old, val) {
    if (!this._ready || old === val) return;
    if (name === 'api') this._principles = null;
    this._sync();
    if (name === 'query') this._set(val);
    if (FILTER_ATTRS.includes(name)) {
      this._offset = 0;
      if (name === 'query') this._asTyped = false;
      if (this.query.length >= 2) this._schedule(0); // coalesces several attribute changes into one search
      else if (name === 'query') this.clear();
    }
  }

  get apiBase() {
    let b;
    try { b = new URL(this.getAttribute('api') || DEFAULT_API, location.href).href; } catch (err) { b = DEFAULT_API; }
    return b.replace(/\/+$/, '');
  }

  get query() { return this._e.q.value.trim(); }
  set query(v) { this.search(v); }
  focus(opts) { this._e.q.focus(opts); }
  search(q) {
    if (q != null && String(q).trim() !== this.query) { this._set(q); this._asTyped = false; }
    this._offset = 0;
    return this._run(true);
  }

  clear() {
    this._abort();
    this._set('');
    Object.assign(this, { _results: [], _data: null, _offset: 0, _asTyped: false });
    this._render();
    this._status('');
    this._emit('ccin-results', { query: '', count: 0 });
  }

  _set(v) { this._e.q.value = v == null ? '' : String(v); this._e.x.hidden = !this._e.q.value; }

  _abort() {
    clearTimeout(this._t);
    if (this._ctl) this._ctl.abort();
    this._ctl = null;
    this._busy(false);
  }

  _busy(on) {
    this._e.box.classList.toggle('busy', on);
    if (on) this._e.lb.setAttribute('aria-busy', 'true'); else this._e.lb.removeAttribute('aria-busy');
  }

  _pageK() { const k = parseInt(this.getAttribute('k'), 10); return k > 0 ? Math.min(k, 100) : 5; }

  _sync() {
    const e = this._e;
    e.q.placeholder = this.getAttribute('placeholder') || 'Search CCIN policy reports…';
    e.lbl.textContent = this.getAttribute('label') || 'Search CCIN policy reports';
    const want = !this.hasAttribute('principle') && !this.hasAttribute('no-chips') && this.getAttribute('variant') !== 'page';
    e.chips.hidden = !want || !this._principles;
    if (want && !this._principles && !this._loading) this._loadChips();
  }

  async _loadChips() {
    this._loading = true;
    const api = this.apiBase;
    try {
      const r = await fetch(`${api}/principles`, { headers: { Accept: 'application/json' } });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const data = await r.json();
      if (api !== this.apiBase) return;
      this._principles = Array.isArray(data) ? data : (data && data.principles) || [];
      this._e.chips.replaceChildren(this._chipBtn('All principles', '', 'Search every principle'),
        ...this._principles.map((p) => this._chipBtn(String(p.name), String(p.id), p.description)));
    } catch (err) {
      // chips are optional: without /principles the widget still searches
    } finally {
      this._loading = false;
      this._sync();
    }
  }

  _chipBtn(name, id, desc) {
    const b = h('button', { type: 'button', class: 'chip', 'data-id': id, title: desc, text: name });
    b.addEventListener('click', () => {
      this._chip = this._chip === id ? '' : id;
      this._pressChips();
      this._offset = 0;
      if (this.query.length >= 2) this._run();
    });
    this._pressChips(b);
    return b;
  }

  _pressChips(only) {
    for (const c of only ? [only] : this._e.chips.children) {
      const on = c.getAttribute('data-id') === this._chip;
      c.setAttribute('aria-pressed', String(on));
      c.setAttribute('part', on ? 'chip selected' : 'chip');
    }
  }

  _params(q) {
    const p = new URLSearchParams({ q, k: String(this._pageK()) });
    if (this._offset > 0) p.set('offset', String(this._offset));
    p.set('group', (this.getAttribute('group') || '').trim() || 'document');
    const pr = (this.getAttribute('principle') || '').trim() || this._chip;
    if (pr) p.set('principle', pr);
    for (const [attr, name] of FILTERS) {
      const v = (this.getAttribute(attr) || '').trim();
      if (v) p.set(name, v);
    }
    if (this._asTyped || (this.getAttribute('interpret') || '').trim().toLowerCase() === 'false') p.set('interpret', 'false');
    return p;
  }

  _onInput() {
    this._set(this._e.q.value);
    this._offset = 0;
    this._asTyped = false;
    if (this.query.length >= 2) return this._schedule(250);
    this._abort();
    if (this._results.length || this._e.st.textContent) { this._results = []; this._data = null; this._render(); this._status(''); }
  }

  _schedule(ms) {
    clearTimeout(this._t);
    this._t = setTimeout(() => this._run(), ms);
  }

  async _run(explicit) {
    const q = this.query;
    this._abort();
    if (q.length < 2) {
      if (explicit) this._status(q ? 'Type at least 2 characters to search.' : '');
      return;
    }
    const ctl = (this._ctl = new AbortController());
    const params = this._params(q);
    this._status('Searching…');
    this._busy(true);
    this._emit('ccin-search', { query: q, params: Object.fromEntries(params) });
    let res, data, err;
    try {
      res = await fetch(`${this.apiBase}/search?${params}`, { headers: { Accept: 'application/json' }, signal: ctl.signal });
      data = await res.json().catch(() => null);
    } catch (e) {
      err = 'Search is unavailable right now (could not reach the search service).';
    }
    if (ctl !== this._ctl) return; // a newer search (or a clear) took over
    this._ctl = null;
    this._busy(false);
    if (!err && !res.ok) err = errorText(res, data);
    const ok = !err && data != null && typeof data === 'object';
    const list = ok && Array.isArray(data.results) ? data.results : [];
    const n = list.length;
    const offset = ok && Number.isInteger(data.offset) ? data.offset : this._offset;
    const total = ok && Number.isInteger(data.total) ? data.total : offset + n;
    this._offset = offset;
    this._total = total;
    this._results = list;
    this._data = ok ? { query: q, asTyped: params.get('interpret') === 'false', weak: data.weak === true,
      interpreted: data.interpreted && typeof data.interpreted === 'object' ? data.interpreted : {},
      notices: Array.isArray(data.notices) ? data.notices.filter((x) => x != null && x !== '').map(String) : [] } : null;
    this._open = true;
    this._render();
    if (err) this._status(err, true);
    else if (n) this._status(`Showing ${offset + 1}–${offset + n} of ${total} result${total === 1 ? '' : 's'} for “${q}”`);
    else if (offset > 0 && total > 0) this._status(`No more results for “${q}” (${total} in all).`);
    else if (this._data && this._data.notices.length) this._status(`No results for “${q}”.`); // the notice says why
    else this._status(`No results for “${q}”. Try fewer words or remove the principle filter.`);
    const d = this._data;
    this._emit('ccin-results', err ? { query: q, count: 0, error: err }
      : { query: q, count: n, total, offset, facets: data.facets || null, interpreted: d.interpreted, weak: d.weak, notices: d.notices });
  }

  _page(step) {
    const which = step > 0 ? 'next' : 'prev';
    this._offset = Math.max(0, this._offset + step * this._pageK());
    return this._run().then(() => {
      const e = this._e;
      e.st.scrollIntoView({ block: 'nearest' });
      if (e[which].hidden) (e[which === 'next' ? 'prev' : 'next'].hidden ? e.q : e[which === 'next' ? 'prev' : 'next']).focus();
    });
  }

  _searchAsTyped() {
    this._asTyped = true;
    this._offset = 0;
    this._e.q.focus();
    return this._run();
  }

  // What the API read from the query's words, what it could not match, and whether the results are close at all:
  // every sentence is built from text nodes, so a query or council name that looks like markup stays text.
  _renderNotes() {
    const d = this._open ? this._data : null;
    const out = [];
    if (d) {
      const line = readLine(d.interpreted);
      if (line) {
        const b = h('button', { type: 'button', part: 'search-as-typed', text: line.undo });
        b.addEventListener('click', () => this._searchAsTyped());
        out.push(h('p', { class: 'interp', part: 'interpreted' }, `${line.text} — `, b));
      } else if (d.asTyped) out.push(h('p', { class: 'interp', part: 'as-typed', text: 'Searched as typed.' }));
      for (const text of d.notices) out.push(h('p', { class: 'notice', part: 'notice', text }));
      if (d.weak && this._results.length) {
        out.push(h('p', { class: 'weakmsg', part: 'weak-match', text: `No close match for “${d.query}”. These are the nearest passages, not answers.` }));
      }
    }
    this._e.notes.replaceChildren(...out);
    const weak = !!(d && d.weak);
    this._e.lb.classList.toggle('weak', weak);
    this._e.lb.setAttribute('part', weak ? 'listbox weak' : 'listbox');
    this._e.lb.setAttribute('aria-label', weak ? 'Nearest passages (no close match)' : 'Search results');
  }

  _status(text, isErr) {
    const st = this._e.st;
    st.textContent = text;
    st.classList.toggle('err', !!isErr);
    st.setAttribute('part', isErr ? 'status error' : 'status');
  }

  _emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail })); }

  _url(c) { return safeUrl(c && c.url, this.apiBase + '/'); }

  _link(c, cls, text, id) {
    const href = this._url(c);
    const tgt = this.getAttribute('target');
    return h(href ? 'a' : 'span', { id, class: cls, part: cls && 'title', href, text,
      target: href && tgt, rel: href && tgt && tgt !== '_self' ? 'noopener' : null });
  }

  _render() {
    const page = this.getAttribute('variant') === 'page';
    this._e.lb.replaceChildren(...this._results.map((r, i) => this._option(r || {}, i, page)));
    this._active = -1;
    this._setOpen(this._open);
  }

  _option(r, i, page) {
    const c = r.citation || {};
    const id = `opt-${i}`;
    let pg = null;
    // A web page, Markdown or text file has no pages: the API's label then ends without "p. N", so neither do we.
    const paged = c.label == null || /, pp?\. \d+(–\d+)?$/.test(String(c.label));
    if (c.page != null && paged) pg = c.page_end != null && c.page_end !== c.page ? `pp. ${c.page}–${c.page_end}` : `p. ${c.page}`;
    const meta = h('div', { id: `${id}-m`, class: 'meta', part: 'meta' });
    [c.lead_council, c.year, pg, page && c.type ? String(c.type).replace(/-/g, ' ') : null]
      .filter((x) => x != null && x !== '').forEach((x, j) => meta.append(j ? ' · ' : '', h('span', { text: String(x) })));
    // How far to trust the line: text read by OCR may hold misread words; uncatalogued details were inferred.
    const inferred = Array.isArray(c.inferred_fields) ? c.inferred_fields.filter((f) => INFERRED[f]) : [];
    const caveats = [
      r.ocr === true ? ['ocr', 'text read from a scanned page', 'Read by OCR from a scanned page: some words may be misread.'] : null,
      inferred.length ? ['inferred', `${listed(inferred.map((f) => INFERRED[f]))} inferred`, 'Not in the catalogue: inferred from the file itself.'] : null,
    ].filter(Boolean);
    caveats.forEach(([part, text, title]) => meta.append(meta.childNodes.length ? ' · ' : '', h('span', { class: 'caveat', part: `caveat ${part}`, text, title })));
    const pr = Array.isArray(r.principles) && r.principles.length
      ? h('div', { class: 'pr', part: 'principles' },
        ...r.principles.map((p) => h('span', { part: 'principle', text: String(p.name != null ? p.name : `Principle ${p.id}`) })))
      : null;
    let also = null;
    if (Array.isArray(r.also_in) && r.also_in.length) {
      also = h('p', { class: 'also', part: 'also-in' }, 'Also in: ');
      r.also_in.forEach((a, j) => also.append(j ? '; ' : '', this._link(a, null, String((a && (a.label || a.title)) || 'another document'))));
    }
    let more = null;
    if (Array.isArray(r.also_in_document) && r.also_in_document.length) {
      more = h('p', { class: 'also', part: 'also-in-document' }, 'Also in this document: ');
      r.also_in_document.forEach((a, j) => {
        const at = paged && a && a.page != null ? (a.page_end != null && a.page_end !== a.page ? `pp. ${a.page}–${a.page_end}` : `p. ${a.page}`) : 'another passage';
        const url = c.url && /#page=\d+$/.test(String(c.url)) && a && a.page != null ? { url: String(c.url).replace(/#page=\d+$/, `#page=${a.page}`) } : null;
        more.append(j ? '; ' : '', url ? this._link(url, null, at) : at);
      });
    }
    let about = null;
    if (page && c.document_id != null) {
      about = h('button', { type: 'button', class: 'about', part: 'about', text: 'About this document' });
      about.addEventListener('click', () => this._emit('ccin-about', { documentId: String(c.document_id), citation: c }));
    }
    const li = h('li', { id, role: 'option', class: 'opt', part: 'result', 'aria-selected': 'false',
      'aria-labelledby': `${id}-t ${id}-m`, 'aria-describedby': `${id}-s` },
    this._link(c, 'title', c.title || 'Untitled document', `${id}-t`), meta,
    h('p', { id: `${id}-s`, class: 'snip', part: 'snippet' }, r.snippet != null ? snippetNodes(r.snippet) : String(r.text || '')),
    pr, also, more, about);
    li.addEventListener('click', (ev) => { if (!ev.target.closest('a,button')) this._setActive(i); });
    return li;
  }

  _setOpen(open) {
    const e = this._e;
    const show = (this._open = open) && this._results.length > 0;
    e.lb.hidden = !show;
    e.q.setAttribute('aria-expanded', String(show));
    const n = this._results.length;
    e.prev.hidden = !this._open || !this._data || this._offset <= 0;
    e.next.hidden = !show || !this._data || this._offset + n >= (this._total || 0);
    this._renderNotes();
    if (!show) this._setActive(-1);
  }

  _setActive(i) {
    const opts = this._e.lb.children;
    this._active = i;
    for (let j = 0; j < opts.length; j++) opts[j].setAttribute('aria-selected', String(j === i));
    if (opts[i]) {
      this._e.q.setAttribute('aria-activedescendant', opts[i].id);
      opts[i].scrollIntoView({ block: 'nearest' });
    } else this._e.q.removeAttribute('aria-activedescendant');
  }

  _onKey(ev) {
    if (ev.isComposing) return;
    const n = this._results.length;
    const k = ev.key;
    if (k === 'ArrowDown' || k === 'ArrowUp') {
      if (!n) return;
      ev.preventDefault();
      const d = k === 'ArrowDown' ? 1 : -1;
      if (!this._open) this._setOpen(true);
      this._setActive(this._active < 0 ? (d > 0 ? 0 : n - 1) : (this._active + d + n) % n);
    } else if (k === 'Enter') {
      ev.preventDefault();
      if (this._open && this._active >= 0) {
        const url = this._url((this._results[this._active] || {}).citation);
        const tgt = this.getAttribute('target');
        if (url && tgt && tgt !== '_self') window.open(url, tgt, 'noopener');
        else if (url) location.assign(url);
      } else this.search();
    } else if (k === 'Escape') {
      if (this._open && n) { ev.preventDefault(); this._setOpen(false); } else if (this._e.q.value) { ev.preventDefault(); this.clear(); }
    }
  }
}

customElements.define('ccin-search', CcinSearch);
})();

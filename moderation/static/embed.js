/*! Leave A Reply widget: plain JS, no build step (the server strips comments and spacing). Server
 * strings are set as text; only body_html (sanitized server-side, re-checked here in an inert
 * <template>) becomes markup. Its words come from message catalogs (i18n.js), its look from the
 * --cm-* custom properties a host page sets and data-theme (README: Themes). */
(async () => {
  'use strict';
  const me = document.currentScript;
  let opt = (me && me.dataset) || {};
  const host = document.querySelector(opt.container || '#comments');
  if (!opt.site || !me.src || !host || host.shadowRoot || !host.attachShadow) return;
  opt = { ...host.dataset, ...opt }; // data-lang and data-theme may sit on the container too
  const root = host.attachShadow({ mode: 'open' });
  const API = new URL('api/v1/', me.src).href;
  const THREAD = (opt.thread || location.pathname).slice(0, 512);
  const PAGE = opt.url || location.origin + location.pathname;
  const KEY = 'lar:' + opt.site + ':' + THREAD;
  const WAITING = ['pending', 'held'];
  // The host's --cm-* properties inherit into the shadow root. data-theme sets the color-scheme
  // that light-dark() picks by: light (the default), dark, or auto (the reader's system).
  const CSS = `:host{display:block!important}
.lar{--bg:var(--cm-bg,light-dark(#fff,#0d1117));--fg:var(--cm-fg,light-dark(#1f2328,#e6edf3));--mu:var(--cm-muted,light-dark(#57606a,#9da7b3));--ac:var(--cm-accent,light-dark(#1a56c4,#58a6ff));--bd:#8c959f;--er:light-dark(#b42318,#ff7b72);--g:var(--cm-gap,16px);--r:var(--cm-radius,4px);all:initial;color-scheme:light;display:block;contain:content;position:relative;padding:var(--g) 0;background:var(--bg);color:var(--fg);font:var(--cm-font-size,15px)/1.5 var(--cm-font,system-ui,sans-serif);overflow-wrap:anywhere}
[data-theme=dark]{color-scheme:dark}
[data-theme=auto]{color-scheme:light dark}
*{box-sizing:border-box}
h2,h3{margin:var(--g) 0 12px;font-size:1.25em}
ol{list-style:none;margin:0;padding:0}
.kids{margin:12px 0 0;margin-inline-start:20px;padding-inline-start:12px;border-inline-start:2px solid var(--bd)}
.c{margin:0 0 var(--g)}
header,.acts,.hint,.err,.wait{font-size:.93em;color:var(--mu);margin:4px 0}
.name{font-weight:700;color:var(--fg)}
a,.link{color:var(--ac);text-decoration:underline}
.body p,blockquote,pre{margin:6px 0}
blockquote{border-inline-start:3px solid var(--bd);padding-inline-start:10px}
pre{overflow:auto;background:#8882;padding:8px}
.wait{font-style:italic}
.own>article{background:#f9c51320;padding:8px}
button,input,select,textarea{font:inherit;color:inherit;margin:0}
.link{background:none;border:0;padding:0 2px;margin-inline-end:10px;cursor:pointer}
.btn{background:var(--ac);color:var(--bg);border:0;border-radius:var(--r);padding:8px 16px;font-weight:600;cursor:pointer;margin-bottom:12px}
label{display:block;font-weight:600;margin-bottom:4px}
input,textarea,select{padding:7px 9px;border:1px solid var(--bd);border-radius:var(--r);background:var(--bg)}
.field input,textarea{display:block;width:100%;max-width:520px}
textarea{max-width:100%;min-height:96px}
.field{margin:0 0 12px}
.req,.err,.bad{color:var(--er)}
[aria-invalid=true]{border-color:var(--er);box-shadow:0 0 0 1px var(--er)}
:focus-visible{outline:3px solid var(--ac);outline-offset:2px}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.bar label{display:inline;margin-inline-end:6px}
[hidden]{display:none!important}`;

  //= include safe_dom.js
  //= include i18n.js

  const [lang, messages] = await catalog(opt.lang, me.src);
  const t = translator(lang, messages);
  const dates = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const UNITS = { second: 60, minute: 60, hour: 24, day: 30, month: 12, year: Infinity };
  const ago = iso => {
    let n = Math.min(0, (Date.parse(iso) - Date.now()) / 1000);
    for (const [unit, size] of Object.entries(UNITS)) {
      if (-n < size) return dates.format(Math.trunc(n), unit);
      n /= size;
    }
  };

  const call = async (path, method, body, token) => {
    const headers = {};
    if (body) headers['Content-Type'] = 'application/json';
    if (token) headers['X-Author-Token'] = token;
    try {
      const res = await fetch(API + path, { method, headers, body: body && JSON.stringify(body) });
      return { status: res.status, data: await res.json().catch(() => ({})), retry: res.headers.get('Retry-After') };
    } catch (e) {
      return { status: 0, data: {} };
    }
  };
  // The API's stable error codes (API.md) in the reader's words.
  const gone = t('This comment can no longer be changed.');
  const ERRORS = {
    duplicate: t('You have already posted this comment here.'),
    thread_closed: t('Comments are closed on this article.'),
    edit_window_closed: t('The time to change this comment is over.'),
    conflict: gone,
    not_found: gone,
    unavailable: t('The comment service is busy. Please try again in a moment.'),
  };
  const problem = r => !r.status ? t('The comment server could not be reached. Please try again.')
    : r.status === 429 ? t({ one: 'You are posting too fast. Please wait {count} second and try again.',
      other: 'You are posting too fast. Please wait {count} seconds and try again.' }, { count: +r.retry || 5 })
    : ERRORS[r.data.error] || t('Something went wrong. Please try again.');
  // The server's field messages are English: the common ones in the reader's words.
  const friendly = msg => /^(Missing data|Shorter than minimum length 1\b)/.test(msg) ? t('Please fill in this field.')
    : /email/.test(msg) ? t('Not a valid email address.')
    : /^Longer than/.test(msg) ? t('At most {count} characters.', { count: +msg.match(/\d+/)[0] })
    : lang === 'en' ? msg : t('Please check this field.');

  // The reader's own comments on this device: {id: {t: author token, b: their text}}.
  const mine = () => { try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; } };
  const remember = (id, entry) => {
    const all = mine();
    if (entry) all[id] = { ...all[id], ...entry }; else delete all[id];
    try { localStorage.setItem(KEY, JSON.stringify(all)); } catch (e) { /* storage off */ }
  };
  const tokenOf = id => (mine()[id] || {}).t;
  const one = id => 'comments/' + encodeURIComponent(id);

  let sort = 'oldest';
  let loaded = [];
  let cursor = null;
  let total = 0;
  let replyTo = null;
  const own = {}; // id -> author view: status, editable_until, body_html…

  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    root.append(h('style', {}, CSS));
  }
  const heading = h('h2', { id: 'lar-count', tabindex: '-1' });
  const sorter = h('select', { id: 'lar-sort', onchange: () => { sort = sorter.value; load(); } },
    h('option', { value: 'oldest' }, t('Oldest first')), h('option', { value: 'newest' }, t('Newest first')));
  let list = h('ol');
  const empty = h('p', { hidden: true }, t('No comments yet.'));
  const more = h('button', { type: 'button', class: 'btn', hidden: true, onclick: () => load(cursor) }, t('Load more comments'));
  const note = h('p', { role: 'status', 'aria-live': 'polite' });
  const say = (text, bad) => { note.textContent = text; note.classList.toggle('bad', !!bad); };

  const FIELDS = [['body', t('Comment'), 1], ['author_name', t('Name'), 1, 'text', 'name'],
    ['author_email', t('Email'), 1, 'email', 'email'], ['author_url', t('Website'), 0, 'url', 'url']];
  const inputs = {};
  const errors = {};
  const form = h('form', { novalidate: true, 'aria-labelledby': 'lar-reply', onsubmit: e => { e.preventDefault(); post(); } });
  for (const [name, label, required, type, auto] of FIELDS) {
    const id = 'lar-' + name;
    const attrs = { id, name, type, autocomplete: auto, 'aria-required': required ? 'true' : null, 'aria-describedby': id + '-err' };
    inputs[name] = type ? h('input', attrs) : h('textarea', { ...attrs, rows: 5 });
    errors[name] = h('p', { class: 'err', id: id + '-err', hidden: true });
    form.append(h('p', { class: 'field' },
      h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
      inputs[name], errors[name]));
  }
  // The honeypot: off-screen, out of the tab order and out of the accessibility tree.
  inputs.nickname = h('input', { id: 'lar-nick', name: 'nickname', tabindex: '-1', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'btn' }, t('Post Comment'));
  const notify = h('input', { type: 'checkbox', id: 'lar-notify' });
  const [before, after] = t('Your email address will not be published. Required fields are marked *').split('*'); // the star is the fields' marker
  form.append(h('div', { class: 'hp', 'aria-hidden': 'true' }, h('label', { for: 'lar-nick' }, t('Leave this empty')), inputs.nickname),
    h('p', { class: 'bar' }, notify, h('label', { for: 'lar-notify' }, ' ', t('Notify me of replies by email'))),
    h('p', { class: 'hint' }, before, h('span', { class: 'req' }, '*'), after),
    submit);
  const replyHeading = h('h3', { id: 'lar-reply' }, t('Leave A Reply'));
  const cancel = h('button', { type: 'button', class: 'link', hidden: true, onclick: () => reply(null) }, t('Cancel reply'));
  const respond = h('section', {}, replyHeading, cancel, form);
  const home = h('div', {}, respond);
  root.append(h('section', { class: 'lar', lang, dir: t('ltr'), 'data-theme': opt.theme, 'aria-labelledby': 'lar-count' }, heading,
    h('p', { class: 'bar' }, h('label', { for: 'lar-sort' }, t('Sort by')), sorter), list, empty, more, note, home));

  const render = () => {
    const focused = root.activeElement;
    heading.textContent = t({ one: '{count} Comment', other: '{count} Comments' }, { count: total });
    const waiting = Object.values(own).filter(c => WAITING.includes(c.status));
    const all = sort === 'newest' ? [...waiting.reverse(), ...loaded] : [...loaded, ...waiting];
    const ids = new Set(all.map(c => c.id));
    const kids = { '': [] };
    for (const c of all) {
      const parent = ids.has(c.parent_id) ? c.parent_id : '';
      (kids[parent] = kids[parent] || []).push(c);
    }
    for (const p in kids) if (p) kids[p].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
    const branch = (items, cls) => h('ol', { class: cls }, ...items.map(c => h('li', { class: WAITING.includes(c.status) ? 'c own' : 'c' },
      comment(c), kids[c.id] ? branch(kids[c.id], 'kids') : null)));
    list.replaceWith(list = branch(kids[''], 'list'));
    empty.hidden = all.length > 0;
    more.hidden = !cursor;
    place();
    if (focused && focused.isConnected) focused.focus();
  };

  const comment = c => {
    const waiting = WAITING.includes(c.status);
    const body = h('div', { class: 'body', dir: 'auto' });
    body.append(safeHtml(c.body_html || ''));
    const acts = h('p', { class: 'acts' });
    const action = (label, fn, aria) => acts.append(h('button', { type: 'button', class: 'link', 'aria-label': aria, onclick: fn }, label));
    const name = { name: c.author_name };
    const link = isHttp(c.author_url);
    if (!waiting) action(t('Reply'), () => reply(c), t('Reply to {name}', name));
    if (own[c.id] && Date.parse(own[c.id].editable_until) > Date.now()) {
      action(t('Edit'), () => edit(c, body, acts));
      action(t('Delete'), () => remove(c, acts));
    }
    return h('article', { id: 'lar-c-' + c.id, tabindex: '-1', 'aria-label': t('Comment by {name}', name) },
      h('header', {}, h(link ? 'a' : 'span', { class: 'name', dir: 'auto', href: link && c.author_url, rel: link && 'nofollow ugc noopener' }, c.author_name),
      ' · ', h('time', { datetime: c.created_at }, ago(c.created_at))),
      waiting ? h('p', { class: 'wait' }, t('Your comment is awaiting moderation.')) : null, body, acts);
  };

  // The form follows the comment being replied to.
  const place = () => {
    const target = replyTo && root.getElementById('lar-c-' + replyTo.id);
    if (target && target.nextSibling !== respond) target.after(respond);
    if (!target && respond.parentNode !== home) home.append(respond);
  };
  const reply = c => {
    const previous = replyTo;
    replyTo = c;
    replyHeading.textContent = c ? t('Reply to {name}', { name: c.author_name }) : t('Leave A Reply');
    cancel.hidden = !c;
    place();
    if (c) inputs.body.focus(); else if (previous) focusOn(previous.id);
  };
  const focusOn = id => { const el = root.getElementById('lar-c-' + id); if (el) el.focus(); };

  const load = async from => {
    const query = new URLSearchParams({ site: opt.site, thread: THREAD, sort });
    if (from) query.set('cursor', from);
    const r = await call('comments?' + query);
    if (r.status !== 200) return say(t('Comments could not be loaded.') + ' ' + problem(r), true);
    loaded = from ? loaded.concat(r.data.comments) : r.data.comments;
    cursor = r.data.next_cursor;
    total = r.data.total;
    render();
    if (from && r.data.comments[0]) focusOn(r.data.comments[0].id);
  };

  // The author view of one of the reader's comments; forgets those that can no longer change.
  const refresh = async id => {
    if (!tokenOf(id)) return null;
    const r = await call(one(id), 'GET', null, tokenOf(id));
    if (r.status !== 200 && r.status !== 404) return null; // offline or busy: ask next time
    const view = r.status === 200 && (WAITING.includes(r.data.status) || r.data.status === 'approved') ? r.data : null;
    if (view && (WAITING.includes(view.status) || Date.parse(view.editable_until) > Date.now())) own[id] = view;
    else { delete own[id]; remember(id, null); }
    return view;
  };

  // Scoring may still be queued: look again a few times.
  const settle = async (id, view, delay) => {
    await load();
    say(!view ? t('Thank you. Your comment was not published.') : view.status === 'approved'
      ? t('Your comment has been published.') : t('Thank you. Your comment is awaiting moderation.'));
    if (view && view.status === 'pending' && delay < 9000) setTimeout(async () => settle(id, await refresh(id), delay * 2), delay);
  };

  const showErrors = fields => {
    const other = [];
    for (const [name, messages] of Object.entries(fields)) {
      const text = messages.map(friendly).join(' ');
      if (!errors[name]) { other.push(text); continue; }
      errors[name].textContent = text;
      errors[name].hidden = false;
      inputs[name].setAttribute('aria-invalid', 'true');
    }
    const first = FIELDS.map(([name]) => inputs[name]).find(input => input.hasAttribute('aria-invalid'));
    say(((first ? t('Please correct the marked fields.') + ' ' : '') + other.join(' ')).trim(), true);
    if (first) first.focus();
  };

  const post = async () => {
    if (submit.disabled) return;
    const payload = {
      site: opt.site, thread: THREAD, nickname: inputs.nickname.value,
      thread_title: (opt.title || document.title).slice(0, 300) || null,
      thread_url: isHttp(PAGE) && PAGE.length <= 2048 ? PAGE : null,
      parent_id: replyTo && replyTo.id, notify_replies: notify.checked,
    };
    for (const [name] of FIELDS) {
      if (inputs[name].value.trim()) payload[name] = inputs[name].value;
      errors[name].hidden = true;
      inputs[name].removeAttribute('aria-invalid');
    }
    submit.disabled = true;
    say(t('Sending…'));
    const r = await call('comments', 'POST', payload);
    submit.disabled = false;
    if (r.status === 422 && r.data.fields) return showErrors(r.data.fields);
    if (r.status !== 202) return say(problem(r), true);
    const id = r.data.id;
    remember(id, { t: r.data.author_token, b: payload.body });
    inputs.body.value = '';
    reply(null);
    await settle(id, await refresh(id), 1000);
    focusOn(id);
  };

  // The author may edit or delete within the edit window.
  const edit = (c, body, acts) => {
    const id = 'lar-edit-' + c.id;
    const text = h('textarea', { id, rows: 4, 'aria-describedby': id + '-err' });
    text.value = (mine()[c.id] || {}).b || body.textContent;
    const err = h('p', { class: 'err', id: id + '-err' });
    body.replaceWith(h('form', { novalidate: true, onsubmit: async e => {
      e.preventDefault();
      const r = await call(one(c.id), 'PATCH', { body: text.value }, tokenOf(c.id));
      if (r.status === 422) {
        err.textContent = friendly(((r.data.fields || {}).body || [r.data.message]).join(' '));
        text.setAttribute('aria-invalid', 'true');
        return text.focus();
      }
      if (r.status !== 200) return say(problem(r), true);
      remember(c.id, { b: text.value });
      own[c.id] = r.data;
      await settle(c.id, r.data, 1000);
      focusOn(c.id);
    } }, h('label', { for: id }, t('Edit your comment')), text, err,
    h('button', { class: 'btn' }, t('Save')), ' ',
    h('button', { type: 'button', class: 'link', onclick: () => { render(); focusOn(c.id); } }, t('Cancel'))));
    acts.hidden = true;
    text.focus();
  };

  const remove = (c, acts) => {
    const yes = h('button', { type: 'button', class: 'link', onclick: async () => {
      const r = await call(one(c.id), 'DELETE', null, tokenOf(c.id));
      if (r.status !== 204) return say(problem(r), true);
      remember(c.id, null);
      delete own[c.id];
      await load();
      say(t('Your comment has been deleted.'));
      heading.focus();
    } }, t('Yes, delete'));
    acts.replaceChildren(t('Delete this comment?') + ' ', yes, h('button', { type: 'button', class: 'link', onclick: render }, t('Keep it')));
    yes.focus();
  };

  Promise.all(Object.keys(mine()).map(refresh)).then(() => load());
})();

/* The review page: moderators work the queue through the moderation API, and nothing else.
 * The token lives in sessionStorage (this tab only). Every server string is set as text; the
 * "as published" preview shows body_html only after an allowlist pass in an inert <template>. */
(() => {
  'use strict';
  const API = new URL('../api/v1/moderation/', location.href).href;
  const TOKEN = 'moderation.token';
  const SITE = 'moderation.site';
  const $ = id => document.getElementById(id);

  //= include safe_dom.js
  // Every word is the page's catalog's (moderation/static/i18n/review/), in the page's language.
  const LANG = document.documentElement.lang;
  const MESSAGES = JSON.parse($('messages').textContent);
  const plural = new Intl.PluralRules(LANG);
  const number = new Intl.NumberFormat(LANG);
  const t = (key, values = {}) => {
    const message = MESSAGES[key] ?? key;
    const text = typeof message === 'string' ? message : message[plural.select(values.count)] ?? message.other;
    return text.replace(/\{(\w+)\}/g, (whole, name) => !(name in values) ? whole
      : typeof values[name] === 'number' ? number.format(values[name]) : String(values[name]));
  };
  // A message with an element inside ("on {thread}", the thread a link): the text around it.
  const around = (message, name, element) => message.split(`{${name}}`)
    .flatMap((part, index) => index ? [element, part] : [part]);
  const when = iso => new Date(iso).toLocaleString(LANG);
  const say = text => { $('live').textContent = text; };
  // The moderator actions (name, key) come from the server's lifecycle table, their words from
  // the catalog (action.<name>.label and .done).
  let ACTIONS = {};
  // The models that score comments (name, title, score_key) come from the model registry; a
  // catalog word (comment.<name>) overrides the title.
  let MODELS = [];

  let token = sessionStorage.getItem(TOKEN);
  let site = new URLSearchParams(location.search).get('site') || sessionStorage.getItem(SITE) || '';
  let items = []; // [{comment, el}] in queue order
  let current = -1;
  const selected = new Set();
  let queueCursor = null;
  let auditCursor = null;

  // The server's own message says most ("already approved by moderator:ann") but in English;
  // in another language, its stable error code in the moderator's words.
  const problemIn = (body, fallback) => LANG !== 'en' && MESSAGES['error.' + body.error]
    ? t('error.' + body.error) : body.message || fallback;
  class ApiFailure extends Error {
    constructor(status, body) {
      super(problemIn(body, `HTTP ${status}`));
      this.status = status;
      this.body = body;
    }
  }

  const call = async (path, body) => {
    const response = await fetch(API + path, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: 'Bearer ' + token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body && JSON.stringify(body),
      cache: 'no-store',
    });
    const data = await response.json().catch(() => ({}));
    if (response.status === 401) {
      signOut(t('sign_in.bad_token'));
      throw new ApiFailure(401, data);
    }
    if (!response.ok) throw new ApiFailure(response.status, data);
    return data;
  };

  // ---- signing in and out ----
  const signOut = message => {
    token = null;
    sessionStorage.removeItem(TOKEN);
    $('workspace').hidden = true;
    $('who').hidden = true;
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = message || '';
    $('token').value = '';
    $('token').focus();
  };

  $('sign-in').addEventListener('submit', async event => {
    event.preventDefault();
    token = $('token').value.trim();
    site = $('site').value.trim();
    if (!token || !site) {
      $('sign-in-error').textContent = t('sign_in.missing');
      return;
    }
    await open();
  });
  $('sign-out').addEventListener('click', () => signOut(t('sign_in.signed_out')));

  const open = async () => {
    try {
      const [table, scoring] = await Promise.all([call('actions'), call('models')]);
      MODELS = scoring.models;
      ACTIONS = Object.fromEntries(table.actions.map(({ name, key }) => [name,
        { key, label: t(`action.${name}.label`), done: t(`action.${name}.done`) }]));
      await loadQueue();
    } catch (error) {
      if (error.status === 401) return;
      $('sign-in-error').textContent = error.status === 403 ? t('sign_in.forbidden', { site })
        : error.status === 422 ? t('sign_in.no_site', { site }) : t('sign_in.failed', { problem: error.message });
      return;
    }
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(SITE, site);
    $('sign-in').hidden = true;
    $('sign-in-error').textContent = '';
    $('workspace').hidden = false;
    $('who').hidden = false;
    $('who-site').textContent = site;
    move(0);
  };

  // ---- the queue ----
  const loadQueue = async more => {
    const query = new URLSearchParams({ site, status: $('status').value, order: $('order').value });
    if (more) query.set('cursor', queueCursor);
    const page = await call('queue?' + query);
    if (!more) {
      items = [];
      selected.clear();
      current = -1;
      $('queue').replaceChildren();
    }
    for (const comment of page.comments) {
      const el = card(comment);
      items.push({ comment, el });
      $('queue').append(el);
    }
    queueCursor = page.next_cursor;
    $('queue-more').hidden = !queueCursor;
    $('queue-empty').hidden = items.length > 0;
    updateSelection();
  };

  const termsOf = comment => [...new Set((comment.reasons || [])
    .flatMap(reason => Array.isArray(reason.terms) ? reason.terms : [])
    .filter(term => typeof term === 'string' && term.trim()))];

  // The comment's own text with the driving terms in <mark>: built from text nodes only.
  const highlighted = (text, terms) => {
    const block = h('div', { class: 'text', dir: 'auto' }); // a reader's words, in their direction
    if (!terms.length) {
      block.textContent = text;
      return block;
    }
    const escaped = terms.map(term => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    // Whole words only: a term "a" marks the word "a", not every a inside "answer".
    const pattern = new RegExp('(?<![\\p{L}\\p{N}_])(' + escaped.join('|') + ')(?![\\p{L}\\p{N}_])', 'giu');
    text.split(pattern).forEach((part, index) => {
      if (part) block.append(index % 2 ? h('mark', {}, part) : part);
    });
    return block;
  };

  const score = (label, value) => h('div', { class: 'score' },
    h('span', { class: 'score-label' }, label),
    value == null
      ? h('span', { class: 'unscored' }, t('comment.unscored'))
      : h('meter', { min: 0, max: 1, low: 0.5, high: 0.8, optimum: 0, value, 'aria-label': t('comment.score', { label }) }),
    value == null ? null : h('span', { class: 'score-value' },
      new Intl.NumberFormat(LANG, { style: 'percent' }).format(value)));

  const modelTitle = name => MESSAGES[`comment.${name}`] ? t(`comment.${name}`)
    : (MODELS.find(model => model.name === name) || { title: name }).title;
  // A check's name is the catalog's check.<name>; a check the catalog does not know keeps its own.
  const checkName = check => check && MESSAGES['check.' + check] ? t('check.' + check) : String(check || t('comment.reason'));
  const twoDecimals = new Intl.NumberFormat(LANG, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  // A reason's words are the catalog's reason.<check>[.<rule or list>], filled from the reason's own
  // fields (count, allowed, model, score, threshold...). A reason stored before it carried the fields
  // its words name (and, for a check worded by rule or list, which one, if only null) shows its
  // English detail, or else its fields.
  const reasonWords = reason => {
    const key = ['reason', reason.check, reason.rule ?? reason.list].filter(Boolean).join('.');
    const message = MESSAGES[key];
    const needs = [...JSON.stringify(message ?? '').matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
    const byRule = Object.keys(MESSAGES).some(name => name.startsWith(`reason.${reason.check}.`));
    if (message && needs.every(name => reason[name] != null)
        && (!byRule || 'rule' in reason || 'list' in reason)) {
      return t(key, { ...reason, model: modelTitle(reason.model),
        score: typeof reason.score === 'number' ? twoDecimals.format(reason.score) : reason.score });
    }
    return reason.detail != null ? String(reason.detail) : Object.entries(reason)
      .filter(([key, value]) => !['check', 'terms'].includes(key) && value != null && typeof value !== 'object')
      .map(([key, value]) => `${key}: ${value}`).join(', ');
  };

  // A word list's words end in a colon before the terms it found; with none (the audit log keeps
  // none, an erased comment has none left) the colon goes too.
  const reasonItem = reason => {
    const terms = Array.isArray(reason.terms) ? reason.terms : [];
    const words = terms.length ? reasonWords(reason) : reasonWords(reason).replace(/\s*:$/, '');
    return h('li', {}, h('strong', {}, checkName(reason.check)),
      words ? ' — ' + words : null,
      ...terms.flatMap(term => [' ', h('mark', {}, String(term))]));
  };

  const card = comment => {
    const history = comment.author_history;
    const box = h('input', { type: 'checkbox', class: 'pick', 'aria-label': t('comment.select', { name: comment.author_name }) });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(comment.id); else selected.delete(comment.id);
      updateSelection();
    });
    const decide = decision => h('button', { type: 'button', class: 'decide ' + decision, 'data-decision': decision,
      onclick: () => decideOne(comment.id, decision) }, ACTIONS[decision].label,
    h('kbd', { 'aria-hidden': 'true' }, ACTIONS[decision].key));
    // The server lists what this moderator may do to this comment now.
    const verdicts = (comment.actions || []).filter(name => ACTIONS[name]);
    const thread = comment.thread || {};
    const preview = h('div', { class: 'published', dir: 'auto' });
    preview.append(safeHtml(comment.body_html || ''));
    return h('li', { class: 'item', tabindex: '-1', 'data-id': comment.id, 'aria-label': t('comment.label', { name: comment.author_name }) },
      h('div', { class: 'head' }, box,
        h('strong', { class: 'author', dir: 'auto' }, comment.author_name),
        comment.author_verified ? h('span', { class: 'verified', title: t('comment.verified_title') }, t('comment.verified')) : null,
        comment.author_email ? h('span', { class: 'email' }, comment.author_email) : null,
        isHttp(comment.author_url) ? h('a', { href: comment.author_url, rel: 'nofollow ugc noopener', class: 'url' }, comment.author_url) : null,
        h('span', { class: 'meta' }, ...around(t('comment.on'), 'thread',
          isHttp(thread.url) ? h('a', { href: thread.url, rel: 'noopener' }, thread.title || thread.key) : (thread.title || thread.key || '')),
          ' · ', h('time', { datetime: comment.created_at }, when(comment.created_at)))),
      history ? h('p', { class: 'history' }, t('comment.history', history)) : null,
      h('div', { class: 'scores' }, ...MODELS.map(({ name, score_key }) =>
        score(modelTitle(name), comment[score_key]))),
      comment.reasons && comment.reasons.length ? h('ul', { class: 'reasons', 'aria-label': t('comment.reasons') }, ...comment.reasons.map(reasonItem)) : null,
      highlighted(comment.body || '', termsOf(comment)),
      h('details', {}, h('summary', {}, t('comment.published')), preview),
      h('p', { class: 'problem', role: 'alert' }),
      h('div', { class: 'actions' }, ...verdicts.map(decide),
        h('button', { type: 'button', class: 'ban', onclick: () => banAuthor(comment.id) }, t('ban.button'),
          h('kbd', { 'aria-hidden': 'true' }, 'b'))));
  };

  const updateSelection = () => {
    $('selected-count').textContent = t('queue.selected', { count: selected.size });
    for (const button of document.querySelectorAll('[data-bulk]')) button.disabled = selected.size === 0;
    $('select-all').checked = items.length > 0 && selected.size === items.length;
  };

  const move = index => {
    if (!items.length) return;
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach((item, i) => item.el.classList.toggle('current', i === current));
    const el = items[current].el;
    el.focus();
    el.scrollIntoView({ block: 'nearest' });
  };

  const removeItem = id => {
    const index = items.findIndex(item => item.comment.id === id);
    if (index < 0) return;
    items[index].el.remove();
    items.splice(index, 1);
    selected.delete(id);
    if (index < current || current >= items.length) current -= 1;
    $('queue-empty').hidden = items.length > 0;
    updateSelection();
  };

  const decideOne = async (id, decision) => {
    const item = items.find(entry => entry.comment.id === id);
    if (!item) return;
    const index = items.indexOf(item);
    try {
      await call(`comments/${encodeURIComponent(id)}/decision`, { decision });
    } catch (error) {
      if (error.status !== 401) item.el.querySelector('.problem').textContent = error.message;
      return;
    }
    removeItem(id);
    say(t('comment.decided', { done: ACTIONS[decision].done, name: item.comment.author_name }));
    if (items.length) move(index); else $('queue-empty').focus();
  };

  // A ban rejects the author's future comments on this site; this comment still awaits its
  // decision. It takes two presses (button or b): the first only asks to confirm.
  const banAuthor = async id => {
    const item = items.find(entry => entry.comment.id === id);
    if (!item) return;
    const name = item.comment.author_name;
    const button = item.el.querySelector('.ban');
    if (button.disabled) return;
    if (!button.dataset.armed) {
      button.dataset.armed = 'yes';
      button.firstChild.textContent = t('ban.confirm');
      say(t('ban.ask', { name }));
      return;
    }
    try {
      await call(`comments/${encodeURIComponent(id)}/ban`, {});
    } catch (error) {
      if (error.status !== 401) item.el.querySelector('.problem').textContent = error.message;
      return;
    }
    button.disabled = true;
    button.firstChild.textContent = t('ban.done');
    say(t('ban.said', { name }));
  };

  const decideSelected = async decision => {
    const ids = items.map(item => item.comment.id).filter(id => selected.has(id));
    if (!ids.length) return;
    let result;
    try {
      result = await call('decisions', { decisions: ids.map(id => ({ id, decision })) });
    } catch (error) {
      if (error.status !== 401) say(t('bulk.not_sent', { problem: error.message }));
      return;
    }
    for (const outcome of result.results) {
      if (outcome.ok) removeItem(outcome.id);
      else {
        const item = items.find(entry => entry.comment.id === outcome.id);
        if (item) item.el.querySelector('.problem').textContent = problemIn(outcome, t('comment.failed'));
      }
    }
    say(t(result.failed ? 'bulk.decided_some_failed' : 'bulk.decided', { done: ACTIONS[decision].done, ...result }));
    if (items.length) move(Math.min(Math.max(current, 0), items.length - 1));
  };

  for (const button of document.querySelectorAll('[data-bulk]')) {
    button.addEventListener('click', () => decideSelected(button.dataset.bulk));
  }
  $('select-all').addEventListener('change', event => {
    for (const item of items) {
      item.el.querySelector('.pick').checked = event.target.checked;
      if (event.target.checked) selected.add(item.comment.id); else selected.delete(item.comment.id);
    }
    updateSelection();
  });
  $('queue-more').addEventListener('click', () => loadQueue(true).catch(error => say(error.message)));
  for (const id of ['status', 'order']) {
    $(id).addEventListener('change', () => loadQueue().then(() => move(0)).catch(error => say(error.message)));
  }
  $('queue').addEventListener('focusin', event => {
    const index = items.findIndex(item => item.el.contains(event.target));
    if (index >= 0 && index !== current) {
      current = index;
      items.forEach((item, i) => item.el.classList.toggle('current', i === current));
    }
  });

  // j/k move, b bans, x selects, each offered action's own key decides (a/r/s, t takes down): never while typing.
  document.addEventListener('keydown', event => {
    if (event.ctrlKey || event.metaKey || event.altKey || $('workspace').hidden || $('panel-queue').hidden) return;
    if (event.target.matches('input:not([type=checkbox]), textarea, select, [contenteditable]')) return;
    const item = items[current];
    const actions = {
      j: () => move(current + 1),
      k: () => move(current - 1),
      b: () => item && banAuthor(item.comment.id),
      x: () => item && item.el.querySelector('.pick').click(),
    };
    const offered = item ? item.comment.actions.find(name => ACTIONS[name] && ACTIONS[name].key === event.key) : null;
    const action = actions[event.key] || (offered && (() => decideOne(item.comment.id, offered)));
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // ---- the audit tab ----
  const loadAudit = async more => {
    const query = new URLSearchParams({ site });
    if (more) query.set('cursor', auditCursor);
    const page = await call('audit?' + query);
    if (!more) $('audit').replaceChildren();
    for (const entry of page.entries) {
      $('audit').append(h('tr', {},
        h('td', {}, h('time', { datetime: entry.at }, when(entry.at))),
        h('td', {}, h('code', {}, entry.comment_id)),
        h('td', {}, entry.from_status ? t('status.' + entry.from_status) : '—'),
        h('td', {}, t('status.' + entry.to_status)),
        h('td', {}, entry.actor),
        // scoring's reasons worded as in the queue; a moderator's own words as they wrote them
        h('td', {}, entry.reasons && entry.reasons.length
          ? h('ul', { class: 'reasons' }, ...entry.reasons.map(reasonItem)) : entry.reason || '')));
    }
    auditCursor = page.next_cursor;
    $('audit-more').hidden = !auditCursor;
  };
  $('audit-more').addEventListener('click', () => loadAudit(true).catch(error => say(error.message)));

  // ---- the dashboard tab ----
  //= include dashboard.js

  const tabs = ['queue', 'audit', 'dashboard'];
  const showTab = (name, focus) => {
    for (const tab of tabs) {
      const active = tab === name;
      $('tab-' + tab).setAttribute('aria-selected', String(active));
      $('tab-' + tab).tabIndex = active ? 0 : -1;
      $('panel-' + tab).hidden = !active;
    }
    if (focus) $('tab-' + name).focus();
    if (name === 'audit') loadAudit().catch(error => say(error.message));
    else if (name === 'dashboard') loadDashboard().catch(error => say(error.message));
    else loadQueue().then(() => move(0)).catch(error => say(error.message));
  };
  for (const tab of tabs) {
    $('tab-' + tab).addEventListener('click', () => showTab(tab));
    $('tab-' + tab).addEventListener('keydown', event => {
      if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
        const step = event.key === 'ArrowRight' ? 1 : tabs.length - 1;
        showTab(tabs[(tabs.indexOf(tab) + step) % tabs.length], true);
      }
    });
  }

  $('site').value = site;
  if (token) open(); else $('token').focus();
})();

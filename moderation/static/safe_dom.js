/* Shared by embed.js and review.js, included into each by moderation/web/pages.py (one
 * file to audit): build DOM from strings as text only, and re-check server HTML in an inert
 * <template>. */
// Strings become text nodes or attribute values, never markup.
const h = (tag, attrs, ...kids) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  el.append(...kids.filter(kid => kid != null));
  return el;
};
const isHttp = url => /^https?:\/\/\S+$/i.test(url || '');
const safeHtml = html => {
  const t = h('template');
  t.innerHTML = html; // inert: runs no script, loads nothing
  const clean = node => {
    for (const el of [...node.children]) {
      if (!/^(P|BR|EM|STRONG|A|BLOCKQUOTE|CODE|PRE)$/.test(el.tagName)) { el.replaceWith(el.textContent); continue; }
      for (const a of [...el.attributes]) {
        if (!(el.tagName === 'A' && a.name === 'href' && isHttp(a.value))) el.removeAttribute(a.name);
      }
      if (el.tagName === 'A') el.setAttribute('rel', 'nofollow ugc noopener');
      clean(el);
    }
  };
  clean(t.content);
  return t.content;
};

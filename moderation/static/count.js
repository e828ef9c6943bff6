/*! Comment counts for article lists. Mark each place a count goes:
 *   <span data-comment-count-thread="2026/budget">Comments</span>
 * and load this once:
 *   <script src="https://comments.example/count.js" data-site="news" async></script>
 * Every marked element gets "N comments" from one GET /api/v1/counts call (per 100 threads), in
 * the page's language (data-lang, else <html lang>, as the widget); on any failure the
 * placeholder text stays. */
(() => {
  'use strict';
  const me = document.currentScript;
  const site = me && me.dataset.site;
  if (!site || !me.src) return;
  const endpoint = new URL('api/v1/counts', me.src);
  //= include i18n.js
  const words = catalog(me.dataset.lang, me.src).then(([lang, messages]) => translator(lang, messages));

  const fill = async () => {
    const marked = [...document.querySelectorAll('[data-comment-count-thread]')];
    const threads = [...new Set(marked.map(el => el.dataset.commentCountThread))]
      .filter(thread => thread && thread.length <= 512);
    for (let start = 0; start < threads.length; start += 100) {
      const url = new URL(endpoint);
      url.searchParams.set('site', site);
      for (const thread of threads.slice(start, start + 100)) url.searchParams.append('thread', thread);
      let counts;
      try {
        const response = await fetch(url);
        if (!response.ok) continue;
        counts = (await response.json()).counts;
      } catch (e) {
        continue; // counts are decoration: keep the placeholder
      }
      const t = await words;
      for (const el of marked) {
        const n = counts[el.dataset.commentCountThread];
        if (typeof n === 'number') el.textContent = t({ one: '{count} comment', other: '{count} comments' }, { count: n });
      }
    }
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fill);
  else fill();
})();

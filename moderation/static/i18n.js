/* Shared by embed.js and count.js, included into each by moderation/web/pages.py: the reader's
 * language and its words. As in gettext, a message's English text is its key: English needs
 * no catalog, and another language's (i18n/widget/<lang>.json beside the script, one file per
 * language we have) is fetched only for a reader who needs it. */
// [language, messages]: the one asked for (data-lang), else the page's <html lang>; English when
// it is English or we have no catalog for it.
const catalog = async (asked, base) => {
  const lang = (asked || document.documentElement.lang).slice(0, 2).toLowerCase(); // de-AT: de
  if (lang && lang !== 'en') {
    try {
      const res = await fetch(new URL('i18n/widget/' + lang + '.json', base));
      if (res.ok) return [lang, await res.json()];
    } catch (e) { /* unreachable: English it is */ }
  }
  return ['en', {}];
};
// t(english, {count, name…}): the reader's words with the {placeholders} filled. A count's
// message is its forms by Intl.PluralRules category ({one, other} in English), keyed in the
// catalogs by its English "other" form.
const translator = (lang, messages) => {
  const plural = new Intl.PluralRules(lang);
  return (english, values = {}) => {
    const own = messages[english.other || english] || english;
    return (own.other ? own[plural.select(values.count)] || own.other : own)
      .replace(/\{(\w+)\}/g, (_, name) => values[name]);
  };
};

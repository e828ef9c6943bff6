// The Dashboard tab (inlined into review.js, whose call, h, $, t, checkName, number and say it
// uses): one request to /stats, drawn with uPlot (served from /moderate/vendor/), each chart
// beside a table of its numbers for screen readers and for reading exact values.
const OUTCOMES = [
  ['approved', t('dashboard.approved'), '#1a7f37'], ['held', t('dashboard.held'), '#bf8700'],
  ['spam', t('dashboard.spam'), '#8250df'], ['rejected', t('dashboard.rejected'), '#b42318'],
  ['taken_down', t('dashboard.taken_down'), '#24292f'],
];
const DECIDERS = [['automatic', t('dashboard.automatic'), '#1a56c4'], ['moderator', t('dashboard.moderator'), '#bf3989']];
const WAITS = [['median_seconds', t('dashboard.median'), '#1a56c4'], ['p90_seconds', t('dashboard.p90'), '#b42318']];
const plots = {};

// Durations in the page language's own short units ("7 min", "7 Min.").
const inUnit = (value, unit, digits = 0) => new Intl.NumberFormat(LANG,
  { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: digits }).format(value);
const duration = seconds => {
  if (seconds == null) return '—';
  if (seconds > 0 && seconds < 1) return inUnit(seconds * 1000, 'millisecond');
  if (seconds < 90) return inUnit(seconds, 'second');
  if (seconds < 5400) return inUnit(seconds / 60, 'minute');
  if (seconds < 172800) return inUnit(seconds / 3600, 'hour', 1);
  return inUnit(seconds / 86400, 'day', 1);
};

const bucketLabel = (instant, bucket) => new Date(instant).toLocaleString(LANG, bucket === 'hour'
  ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }
  : { year: 'numeric', month: 'short', day: 'numeric' });

// The time axis in the page's language too (uPlot's own ticks are English: "Dec 3", "3pm").
const HOUR_TICK = new Intl.DateTimeFormat(LANG, { hour: '2-digit', minute: '2-digit' });
const DAY_TICK = new Intl.DateTimeFormat(LANG, { month: 'short', day: 'numeric' });
const timeTicks = (u, splits, axis, space, increment) => splits.map(seconds => {
  const date = new Date(seconds * 1000);
  const midnight = date.getHours() === 0 && date.getMinutes() === 0;
  return (increment >= 86400 || midnight ? DAY_TICK : HOUR_TICK).format(date);
});

const numbersTable = (caption, headings, rows) => h('table', { class: 'audit' },
  h('caption', {}, caption),
  h('thead', {}, h('tr', {}, ...headings.map(text => h('th', { scope: 'col' }, text)))),
  h('tbody', {}, ...rows.map(([first, ...cells]) => h('tr', {}, h('th', { scope: 'row' }, first),
    ...cells.map(cell => h('td', {}, String(cell)))))));

// Counts step by whole numbers; every chart's y axis starts at zero.
const WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];
const fromZero = { range: (u, min, max) => [0, Math.max(1, max * 1.1)] };

const draw = (id, options, data) => {
  if (plots[id]) plots[id].destroy();
  const box = $('plot-' + id);
  box.replaceChildren();
  plots[id] = new uPlot({ width: Math.max(320, box.clientWidth), height: 220, ...options,
    scales: { y: fromZero, ...options.scales } }, data, box);
};

const timeChart = (id, stats, columns, format) => {
  const xs = stats.buckets.map(row => Date.parse(row.start) / 1000);
  draw(id, {
    series: [{ label: t('dashboard.' + stats.bucket),
      value: (u, seconds) => seconds == null ? '—' : bucketLabel(seconds * 1000, stats.bucket) },
      ...columns.map(([, label, stroke]) => ({ label, stroke, width: 2, value: (u, v) => format(v) }))],
    axes: [{ values: timeTicks }, { values: (u, ticks) => ticks.map(format), size: 60,
      ...(format === duration ? {} : { incrs: WHOLE }) }],
  }, [xs, ...columns.map(([key]) => stats.buckets.map(row => row[key]))]);
  $('table-' + id).replaceChildren(numbersTable(
    t('dashboard.per.' + stats.bucket, { title: $(id + '-title').textContent }),
    [t('dashboard.' + stats.bucket), ...columns.map(([, label]) => label)],
    [...stats.buckets.map(row => [bucketLabel(row.start, stats.bucket), ...columns.map(([key]) => format(row[key]))]),
      [t('dashboard.whole_period'), ...columns.map(([key]) => format(stats.totals[key]))]]));
};

const reasonsChart = stats => {
  const reasons = stats.top_reasons;
  const names = reasons.map(row => checkName(row.check));
  draw('reasons', {
    scales: { x: { time: false, range: [-0.5, Math.max(names.length, 1) - 0.5] } },
    series: [{ label: t('dashboard.check'), value: (u, index) => names[index] ?? '—' },
      { label: t('dashboard.comments_held'), stroke: '#bf8700', fill: '#bf870066',
        paths: uPlot.paths.bars({ size: [0.6] }), points: { show: false } }],
    axes: [{ values: (u, ticks) => ticks.map(tick => names[tick] ?? ''), incrs: [1] }, { incrs: WHOLE }],
  }, [names.map((_, index) => index), reasons.map(row => row.comments)]);
  $('table-reasons').replaceChildren(reasons.length
    ? numbersTable(t('dashboard.reasons_caption'), [t('dashboard.check'), t('dashboard.comments_held')],
      reasons.map((row, index) => [names[index], row.comments]))
    : h('p', { class: 'empty' }, t('dashboard.none_held')));
};

const figure = (term, value) => h('div', {}, h('dt', {}, term), h('dd', {}, value));

const loadDashboard = async () => {
  const days = Number($('period').value);
  const to = new Date();
  const from = new Date(to.getTime() - days * 86400000);
  const query = new URLSearchParams({ site, from: from.toISOString(), to: to.toISOString(),
    bucket: days > 7 ? 'day' : 'hour' });
  const stats = await call('stats?' + query);
  const queue = stats.queue;
  const count = value => number.format(value ?? 0);
  const waiting = (now, oldest) => oldest ? t('dashboard.oldest_since', { count: now, when: when(oldest) }) : count(now);
  $('queue-now').replaceChildren(
    figure(t('dashboard.held_now'), waiting(queue.held, queue.oldest_held)),
    figure(t('dashboard.pending_now'), waiting(queue.pending, queue.oldest_pending)),
    figure(t('dashboard.median_wait'), duration(stats.totals.median_seconds)),
    figure(t('dashboard.p90'), duration(stats.totals.p90_seconds)));
  timeChart('outcomes', stats, OUTCOMES, count);
  timeChart('deciders', stats, DECIDERS, count);
  timeChart('waits', stats, WAITS, duration);
  reasonsChart(stats);
  say(t('dashboard.loaded.' + stats.bucket, { count: stats.buckets.length }));
};
$('period').addEventListener('change', () => loadDashboard().catch(error => say(error.message)));

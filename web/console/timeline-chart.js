// Events per hour as an inline SVG bar chart (no chart library). Each bar has a <title> so the
// count shows on hover; a text summary beside it says the same for screen readers.
const NS = 'http://www.w3.org/2000/svg';
const W = 1000;
const H = 140;

function svg(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export function timelineChart(t) {
  const wrap = document.createElement('div');
  const counts = t.Counts ?? [];
  const max = Math.max(1, ...counts);
  const start = Date.parse(t.BucketStart);
  const step = (t.BucketSeconds ?? 3600) * 1000;
  const chart = svg('svg', {
    class: 'timeline',
    viewBox: `0 0 ${W} ${H}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': `Events per hour from ${t.StartTime} to ${t.EndTime}: ${t.Total} events, at most ${max} in one hour`,
  });
  const width = W / Math.max(1, counts.length);
  // A faint line at each UTC midnight, when the window is short enough for them to mean much.
  if (counts.length <= 24 * 31) {
    counts.forEach((_, i) => {
      if (new Date(start + i * step).getUTCHours() === 0) {
        chart.append(svg('line', { class: 'day', x1: i * width, y1: 0, x2: i * width, y2: H }));
      }
    });
  }
  counts.forEach((c, i) => {
    if (c === 0) return;
    const height = ((H - 4) * c) / max;
    const hour = new Date(start + i * step).toISOString().slice(0, 13).replace('T', ' ');
    const bar = svg('rect', {
      class: 'hour',
      x: i * width,
      y: H - height,
      width: Math.max(1, width - 1),
      height,
      'data-count': c,
    });
    bar.append(svg('title', {}, `${hour}:00 UTC: ${c} event${c === 1 ? '' : 's'}`));
    chart.append(bar);
  });
  // Labels in HTML, not in the SVG: the chart stretches to the page width, text must not.
  const axis = document.createElement('div');
  axis.className = 'timeline-axis';
  for (const text of [t.StartTime, `max ${max} per hour`, t.EndTime]) {
    const span = document.createElement('span');
    span.textContent = text;
    axis.append(span);
  }
  const summary = document.createElement('p');
  summary.className = 'muted';
  summary.id = 'timeline-summary';
  summary.textContent = `${t.Total} event${t.Total === 1 ? '' : 's'} in the window${t.Truncated ? ' (counted up to the first 20,000)' : ''}, per hour.`;
  wrap.append(chart, axis, summary);
  return wrap;
}

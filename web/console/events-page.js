// Event history: every LookupEvents filter, a timeline of events per hour over the window,
// paging, an event's JSON, and the NDJSON export of the whole result.
import { action, exportEvents, timeline } from './api.js';
import { clear, formValues, h, say, sayError, table } from './dom.js';
import { timelineChart } from './timeline-chart.js';

const KEYS = [
  'ServiceName',
  'EventName',
  'User',
  'EventId',
  'ResourceType',
  'ResourceName',
  'EventRW',
  'EventAccessKeyId',
  'SensitiveAction',
  'SourceIpAddress',
  'EventType',
  'RoleName',
  'PrincipalId',
];
const RANGES = [
  ['Last 24 hours', 1],
  ['Last 7 days', 7],
  ['Last 30 days', 30],
  ['Last 90 days', 90],
];
const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export async function eventsPage(root) {
  const now = Date.now();
  const form = h(
    'form',
    { class: 'panel', id: 'events-form', 'aria-label': 'Event filters' },
    h(
      'div',
      { class: 'grid' },
      h(
        'label',
        {},
        'Start (UTC)',
        h('input', {
          name: 'StartTime',
          value: iso(now - 7 * 86_400_000),
          placeholder: '2026-01-10T12:00:00Z',
        }),
      ),
      h(
        'label',
        {},
        'End (UTC)',
        h('input', { name: 'EndTime', value: iso(now), placeholder: '2026-01-17T12:00:00Z' }),
      ),
      [1, 2].map((n) => [
        h(
          'label',
          {},
          `Filter ${n}`,
          h(
            'select',
            { name: `LookupAttribute.${n}.Key` },
            h('option', { value: '' }, '(none)'),
            KEYS.map((k) => h('option', { value: k }, k)),
          ),
        ),
        h('label', {}, `Value ${n}`, h('input', { name: `LookupAttribute.${n}.Value` })),
      ]),
      h(
        'label',
        {},
        'Order',
        h(
          'select',
          { name: 'Direction' },
          h('option', { value: 'BACKWARD' }, 'Newest first'),
          h('option', { value: 'FORWARD' }, 'Oldest first'),
        ),
      ),
      h(
        'label',
        {},
        'Per page',
        h(
          'select',
          { name: 'MaxResults' },
          [20, 50].map((n) => h('option', { value: n }, String(n))),
        ),
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Search'),
      RANGES.map(([label, days]) =>
        h('button', { type: 'button', onclick: () => setRange(days) }, label),
      ),
      h('button', { type: 'button', id: 'export', onclick: () => download() }, 'Export NDJSON'),
    ),
  );
  const chart = h('div', { id: 'timeline', class: 'panel', 'aria-label': 'Events per hour' });
  const results = h('div', { id: 'event-list' });
  const more = h('div', { class: 'actions' });
  const detail = h('section', { id: 'event-detail' });
  root.append(h('h1', {}, 'Event history'), form, chart, results, more, detail);

  let query = null;
  let shown = [];

  function setRange(days) {
    const end = Date.now();
    form.elements.StartTime.value = iso(end - days * 86_400_000);
    form.elements.EndTime.value = iso(end);
    form.requestSubmit();
  }

  /** The form as LookupEvents parameters; a filter row without a key is left out. */
  function params() {
    const values = formValues(form);
    for (const n of [1, 2]) {
      if (!values[`LookupAttribute.${n}.Key`]) delete values[`LookupAttribute.${n}.Value`];
    }
    // Filters are numbered from 1 on the wire: a lone second row becomes the first.
    if (!values['LookupAttribute.1.Key'] && values['LookupAttribute.2.Key']) {
      values['LookupAttribute.1.Key'] = values['LookupAttribute.2.Key'];
      values['LookupAttribute.1.Value'] = values['LookupAttribute.2.Value'] ?? '';
      delete values['LookupAttribute.2.Key'];
      delete values['LookupAttribute.2.Value'];
    }
    return values;
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    query = params();
    shown = [];
    clear(results);
    clear(more);
    clear(detail);
    clear(chart).append(h('p', { class: 'muted' }, 'Counting…'));
    try {
      const [page, counts] = await Promise.all([action('LookupEvents', query), timeline(query)]);
      clear(chart).append(timelineChart(counts));
      addPage(page);
    } catch (err) {
      clear(chart);
      sayError(err);
    }
  });

  function addPage(page) {
    shown.push(...(page.Events ?? []));
    clear(results).append(
      shown.length === 0
        ? h('p', { class: 'muted' }, 'No events match.')
        : table(
            'Events',
            ['Time', 'Event', 'Service', 'User', 'Region', 'Result'],
            shown.map(eventRow),
          ),
      h(
        'p',
        { class: 'muted', id: 'event-count' },
        `${shown.length} event${shown.length === 1 ? '' : 's'} shown`,
      ),
    );
    clear(more);
    if (page.NextToken) {
      more.append(
        h(
          'button',
          {
            type: 'button',
            id: 'next-page',
            onclick: async () => {
              try {
                addPage(await action('LookupEvents', { ...query, NextToken: page.NextToken }));
              } catch (err) {
                sayError(err);
              }
            },
          },
          'Load more',
        ),
      );
    }
  }

  function eventRow(ev) {
    const row = h(
      'tr',
      {
        tabindex: 0,
        dataset: { eventId: ev.eventId },
        'aria-label': `${ev.eventName} at ${ev.eventTime}, show JSON`,
      },
      h('td', {}, ev.eventTime),
      h('td', {}, ev.eventName),
      h('td', {}, ev.serviceName),
      h('td', {}, ev.userIdentity?.userName ?? ''),
      h('td', {}, ev.acsRegion ?? ''),
      h(
        'td',
        {},
        ev.errorCode
          ? h('span', { class: 'error' }, ev.errorCode)
          : h('span', { class: 'ok' }, 'OK'),
      ),
    );
    const show = () => {
      for (const tr of results.querySelectorAll('tr.selected')) tr.classList.remove('selected');
      row.classList.add('selected');
      const close = h(
        'button',
        {
          type: 'button',
          onclick: () => {
            clear(detail);
            row.focus();
          },
        },
        'Close',
      );
      clear(detail).append(
        h(
          'div',
          { class: 'panel' },
          h('h2', {}, `${ev.eventName} · ${ev.eventId}`),
          h('pre', { class: 'json', id: 'event-json', tabindex: 0 }, JSON.stringify(ev, null, 2)),
          close,
        ),
      );
      close.focus();
    };
    row.addEventListener('click', show);
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        show();
      }
    });
    return row;
  }

  async function download() {
    try {
      const file = await exportEvents(params());
      const url = URL.createObjectURL(file.blob);
      const a = h('a', { href: url, download: file.name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      say(
        file.truncated
          ? `Exported ${file.name} (the first 10,000 events only; narrow the window for the rest).`
          : `Exported ${file.name}.`,
      );
    } catch (err) {
      sayError(err);
    }
  }

  form.requestSubmit();
}

// Trails: list with delivery status, create / edit, start / stop logging, delete.
import { action } from './api.js';
import { clear, formValues, h, say, sayError, table } from './dom.js';

const EVENT_RW = ['All', 'Read', 'Write'];
const FIELDS = [
  ['SlsProjectArn', 'SLS project ARN', 'acs:log:cn-hangzhou:<account>:project/<name>'],
  ['SlsWriteRoleArn', 'SLS write role ARN', 'optional'],
  ['OssBucketName', 'OSS bucket', ''],
  ['OssKeyPrefix', 'OSS key prefix', 'optional'],
  ['MaxComputeProjectArn', 'MaxCompute project ARN', 'stored, not delivered'],
];

export async function trailsPage(root) {
  const list = h('div', { id: 'trail-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const editor = h('div', { id: 'trail-editor' });
  root.append(
    h('h1', {}, 'Trails'),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', class: 'primary', id: 'new-trail', onclick: () => openEditor() },
        'Create trail',
      ),
      h('button', { type: 'button', onclick: () => refresh() }, 'Refresh'),
    ),
    editor,
    list,
  );
  let regions = [];
  try {
    const r = await action('DescribeRegions');
    regions = (r.Regions?.Region ?? []).map((x) => x.RegionId);
  } catch (err) {
    sayError(err);
  }

  async function refresh() {
    try {
      const { TrailList: trails = [] } = await action('DescribeTrails');
      const statuses = await Promise.all(
        trails.map((t) => action('GetTrailStatus', { Name: t.Name }).catch((e) => ({ failed: e }))),
      );
      clear(list).append(
        trails.length === 0
          ? h('p', { class: 'muted' }, 'No trails yet. Create one to deliver events to SLS or OSS.')
          : table(
              'Trails',
              ['Name', 'Destinations', 'Events', 'Logging', 'Delivery', 'Actions'],
              trails.map((t, i) => trailRow(t, statuses[i])),
            ),
      );
    } catch (err) {
      sayError(err);
    }
  }

  function trailRow(t, status) {
    const logging = status?.IsLogging === true;
    const destinations = [
      t.SlsProjectArn && `SLS ${t.SlsProjectArn}`,
      t.OssBucketName && `OSS ${t.OssBucketName}${t.OssKeyPrefix ? `/${t.OssKeyPrefix}` : ''}`,
      t.MaxComputeProjectArn && `MaxCompute ${t.MaxComputeProjectArn}`,
    ].filter(Boolean);
    const errors = [status?.LatestDeliveryLogServiceError, status?.LatestDeliveryError].filter(
      Boolean,
    );
    const last = status?.LatestDeliveryLogServiceTime || status?.LatestDeliveryTime;
    return h(
      'tr',
      { dataset: { trail: t.Name } },
      h('td', {}, h('strong', {}, t.Name), h('div', { class: 'muted' }, `home ${t.HomeRegion}`)),
      h(
        'td',
        {},
        destinations.map((d) => h('div', {}, d)),
      ),
      h('td', {}, `${t.EventRW} · ${t.TrailRegion}`),
      h('td', { class: 'logging' }, logging ? h('span', { class: 'ok' }, 'Logging') : 'Stopped'),
      h(
        'td',
        { class: 'delivery' },
        status?.failed
          ? h('span', { class: 'error' }, status.failed.message)
          : errors.length
            ? errors.map((e) => h('div', { class: 'error' }, e))
            : last
              ? `Last delivery ${last}`
              : h('span', { class: 'muted' }, 'Nothing delivered yet'),
      ),
      h(
        'td',
        {},
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              onclick: () => run(logging ? 'StopLogging' : 'StartLogging', { Name: t.Name }),
            },
            logging ? 'Stop logging' : 'Start logging',
          ),
          h('button', { type: 'button', onclick: () => openEditor(t) }, 'Edit'),
          h('button', { type: 'button', class: 'danger', onclick: () => remove(t.Name) }, 'Delete'),
        ),
      ),
    );
  }

  async function run(name, params, done) {
    try {
      await action(name, params);
      say(done ?? `${name} ${params.Name}: done.`);
      await refresh();
    } catch (err) {
      sayError(err);
    }
  }

  async function remove(name) {
    if (!confirm(`Delete trail ${name}? Running jobs of the trail are stopped.`)) return;
    await run('DeleteTrail', { Name: name }, `Trail ${name} deleted.`);
  }

  function openEditor(trail) {
    const editing = Boolean(trail);
    const form = h(
      'form',
      { class: 'panel', id: 'trail-form', 'aria-label': editing ? 'Edit trail' : 'Create trail' },
      h('h2', {}, editing ? `Edit ${trail.Name}` : 'Create trail'),
      h(
        'label',
        {},
        'Name',
        h('input', { name: 'Name', required: true, value: trail?.Name ?? '', readonly: editing }),
      ),
      h(
        'div',
        { class: 'grid' },
        FIELDS.map(([name, label, hint]) =>
          h(
            'label',
            {},
            label,
            h('input', { name, value: trail?.[name] ?? '', placeholder: hint }),
          ),
        ),
        h(
          'label',
          {},
          'Event type (EventRW)',
          h(
            'select',
            { name: 'EventRW' },
            EVENT_RW.map((v) =>
              h('option', { value: v, selected: (trail?.EventRW ?? 'All') === v }, v),
            ),
          ),
        ),
        h(
          'label',
          {},
          'Region (TrailRegion)',
          h(
            'select',
            { name: 'TrailRegion' },
            ['All', ...regions].map((v) =>
              h('option', { value: v, selected: (trail?.TrailRegion ?? 'All') === v }, v),
            ),
          ),
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, editing ? 'Save' : 'Create'),
        h('button', { type: 'button', onclick: () => close() }, 'Cancel'),
      ),
    );
    const close = () => {
      clear(editor);
      document.getElementById('new-trail').focus();
    };
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') close();
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const values = formValues(form);
      if (editing) {
        // UpdateTrail: an empty field clears the setting, as on the wire.
        for (const [name] of FIELDS) values[name] = values[name] ?? '';
      }
      try {
        await action(editing ? 'UpdateTrail' : 'CreateTrail', values);
        clear(editor);
        say(editing ? `Trail ${values.Name} saved.` : `Trail ${values.Name} created.`);
        await refresh();
      } catch (err) {
        sayError(err);
      }
    });
    clear(editor).append(form);
    form.elements.Name[editing ? 'blur' : 'focus']();
    if (editing) form.elements.SlsProjectArn.focus();
  }

  await refresh();
}

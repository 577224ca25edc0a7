// Delivery-history jobs: list, create, and one job's live progress per region with its
// failures; stop, retry, delete.
import { action } from './api.js';
import { append, clear, h, say, sayError, table } from './dom.js';

const STATUS = ['Not started', 'Running', 'Finished', 'Failed'];
const POLL_MS = 1000;

export async function jobsPage(root) {
  const createForm = h('form', {
    class: 'inline panel',
    id: 'job-form',
    'aria-label': 'Create delivery-history job',
  });
  const list = h('div', { id: 'job-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const detail = h('section', { id: 'job-detail', 'aria-live': 'polite' });
  root.append(
    h('h1', {}, 'Delivery-history jobs'),
    h(
      'p',
      { class: 'muted' },
      'A job delivers the last 90 days of events to a trail\u2019s destination.',
    ),
    createForm,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => refresh() }, 'Refresh list'),
    ),
    list,
    detail,
  );
  let selected = null;
  let timer = null;
  let left = false;

  try {
    const { TrailList: trails = [] } = await action('DescribeTrails');
    createForm.append(
      h(
        'label',
        {},
        'Trail',
        h(
          'select',
          { name: 'TrailName', required: true },
          trails.length === 0
            ? h('option', { value: '' }, 'no trails yet')
            : trails.map((t) => h('option', { value: t.Name }, t.Name)),
        ),
      ),
      h(
        'button',
        { type: 'submit', class: 'primary', disabled: trails.length === 0 },
        'Create job',
      ),
    );
  } catch (err) {
    sayError(err);
  }
  createForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const { JobId } = await action('CreateDeliveryHistoryJob', {
        TrailName: createForm.elements.TrailName.value,
      });
      say(`Job ${JobId} created.`);
      await refresh();
      await open(JobId);
    } catch (err) {
      sayError(err);
    }
  });

  async function refresh() {
    try {
      const page = await action('ListDeliveryHistoryJobs', { PageSize: 50 });
      const jobs = page.DeliveryHistoryJobs ?? [];
      append(clear(list), [
        jobs.length === 0
          ? h('p', { class: 'muted' }, 'No jobs yet.')
          : table('Jobs', ['Job', 'Trail', 'Status', 'Progress', 'Created'], jobs.map(jobRow)),
        page.TotalCount > jobs.length
          ? h('p', { class: 'muted' }, `Showing the newest ${jobs.length} of ${page.TotalCount}.`)
          : null,
      ]);
    } catch (err) {
      sayError(err);
    }
  }

  function jobRow(j) {
    const row = h(
      'tr',
      {
        tabindex: 0,
        dataset: { job: j.JobId },
        class: selected === j.JobId ? 'selected' : null,
        'aria-label': `Job ${j.JobId}, open details`,
      },
      h('td', {}, String(j.JobId)),
      h('td', {}, j.TrailName),
      h('td', { class: `status-${j.JobStatus}` }, STATUS[j.JobStatus] ?? String(j.JobStatus)),
      h('td', {}, progressBar(j.Progress?.PercentDone ?? 0)),
      h('td', { class: 'hide-narrow' }, j.CreatedTime),
    );
    const go = () => open(j.JobId);
    row.addEventListener('click', go);
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        go();
      }
    });
    return row;
  }

  async function open(jobId) {
    selected = jobId;
    clearTimeout(timer);
    for (const tr of list.querySelectorAll('tr[data-job]'))
      tr.classList.toggle('selected', tr.dataset.job === String(jobId));
    await poll();
  }

  async function poll() {
    if (left || selected === null) return;
    const jobId = selected;
    try {
      const [job, failures] = await Promise.all([
        action('GetDeliveryHistoryJob', { JobId: jobId }),
        action('ListDeliveryHistoryJobFailures', { JobId: jobId, PageSize: 20 }),
      ]);
      if (selected !== jobId) return;
      renderDetail(job, failures);
      const running = job.JobStatus === 0 || job.JobStatus === 1;
      if (running) timer = setTimeout(poll, POLL_MS);
      else await refresh();
    } catch (err) {
      sayError(err);
    }
  }

  function renderDetail(job, failures) {
    const p = job.Progress ?? {};
    const running = job.JobStatus === 0 || job.JobStatus === 1;
    clear(detail).append(
      h(
        'div',
        { class: 'panel' },
        h('h2', {}, `Job ${job.JobId} · ${job.TrailName}`),
        h(
          'p',
          {},
          'Status: ',
          h(
            'strong',
            {
              class: `status-${job.JobStatus}`,
              id: 'job-status',
              dataset: { status: job.JobStatus },
            },
            `${STATUS[job.JobStatus] ?? job.JobStatus} (${job.JobStatus})`,
          ),
          job.State ? ` · ${job.State}` : '',
        ),
        progressBar(p.PercentDone ?? 0),
        h(
          'dl',
          { class: 'grid', id: 'job-counters' },
          counter('Delivered', `${p.DeliveredEvents ?? 0} / ${p.TotalEvents ?? 0}`),
          counter('Failed events', p.FailedEvents ?? 0),
          counter('Batches', p.Batches ?? 0),
          counter('Bytes', p.Bytes ?? 0),
          counter('Events/s', p.EventsPerSecond ?? 0),
          counter('ETA', running && p.EtaSeconds ? `${p.EtaSeconds} s` : '–'),
          counter('Window', `${job.StartTime} – ${job.EndTime}`),
        ),
        h('h2', {}, 'Regions'),
        table(
          'Regions',
          ['Region', 'Status', 'Delivered', 'Progress', 'Error'],
          (job.Status ?? []).map((r) => [
            r.Region,
            STATUS[r.Status] ?? String(r.Status),
            `${r.DeliveredEvents} / ${r.TotalEvents}`,
            progressBar(r.PercentDone),
            r.ErrorCode ? `${r.ErrorCode}: ${r.ErrorMessage}` : '',
          ]),
        ),
        h('h2', {}, `Failures (${failures.TotalCount ?? 0})`),
        (failures.Failures ?? []).length === 0
          ? h('p', { class: 'muted' }, 'No failed deliveries.')
          : table(
              'Failures',
              ['Time', 'Region', 'Destination', 'Error', 'Attempts'],
              failures.Failures.map((f) => [
                f.Time,
                f.Region,
                f.Destination,
                `${f.ErrorCode}: ${f.ErrorMessage}`,
                String(f.Attempts),
              ]),
            ),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              disabled: !running,
              onclick: () => control('StopDeliveryHistoryJob', job.JobId),
            },
            'Stop',
          ),
          h(
            'button',
            {
              type: 'button',
              disabled: job.JobStatus !== 3,
              onclick: () => control('RetryDeliveryHistoryJob', job.JobId),
            },
            'Retry',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: () => control('DeleteDeliveryHistoryJob', job.JobId),
            },
            'Delete',
          ),
        ),
      ),
    );
  }

  async function control(name, jobId) {
    if (name === 'DeleteDeliveryHistoryJob' && !confirm(`Delete job ${jobId}?`)) return;
    try {
      await action(name, { JobId: jobId });
      say(`${name} ${jobId}: done.`);
      if (name === 'DeleteDeliveryHistoryJob') {
        selected = null;
        clear(detail);
      }
      await refresh();
      if (selected !== null) await poll();
    } catch (err) {
      sayError(err);
    }
  }

  await refresh();
  return () => {
    left = true;
    clearTimeout(timer);
  };
}

function counter(label, value) {
  return h(
    'div',
    {},
    h('dt', { class: 'muted' }, label),
    h('dd', { dataset: { counter: label } }, String(value)),
  );
}

function progressBar(percent) {
  const p = Math.max(0, Math.min(100, Number(percent) || 0));
  const fill = h('span');
  fill.style.width = `${p}%`; // CSSOM, not a style attribute: the CSP forbids inline styles
  return h(
    'div',
    {
      class: 'progress-bar',
      role: 'progressbar',
      'aria-valuemin': 0,
      'aria-valuemax': 100,
      'aria-valuenow': p,
      title: `${p}%`,
    },
    fill,
  );
}

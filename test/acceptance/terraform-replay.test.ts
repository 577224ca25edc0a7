import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Credentials,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';
import { isNotFound, ok, TerraformClient, waitFor } from '../helpers/terraform-client.js';
import {
  createTrail,
  deleteTrail,
  planDiff,
  readTrail,
  type TrailConfig,
  updateTrail,
} from '../helpers/terraform-trail.js';

/**
 * The Alibaba Cloud Terraform provider's exact call sequences (HEAD 81c43b6) against the real
 * server: `terraform apply`, a second `plan` that must show no change, updates, and `destroy`
 * followed by the read that must find the resource gone.
 */
const SELECTORS =
  '[{"EventName":{"Equals":["GetObject","PutObject"]},"ReadWriteType":"All","ServiceName":"Oss"}]';

describe('Terraform replay against the real server', () => {
  let server: ServerProcess;
  let creds: Credentials;
  let tf: TerraformClient;

  beforeAll(async () => {
    server = await startServer({ env: { OPENTRAIL_REGIONS: 'cn-hangzhou,cn-shanghai' } });
    creds = readCredentials(server.dataDir);
    tf = new TerraformClient(server, creds);
  });
  afterAll(() => server?.stop());

  it('alicloud_actiontrail_trail: apply, plan twice without changes, update, destroy', async () => {
    const config: TrailConfig = {
      trail_name: 'tf-replay-trail',
      sls_project_arn: `acs:log:cn-hangzhou:${creds.accountId}:project/tf-audit`,
      oss_bucket_name: 'tf-audit-bucket',
      event_rw: 'All',
      status: 'Enable',
      event_selectors: SELECTORS,
      data_event_trail_region: 'cn-hangzhou',
    };
    tf.calls.length = 0;
    let state = await createTrail(tf, config);
    expect(tf.calls).toEqual([
      'POST CreateTrail',
      'POST DescribeTrails', // wait for Fresh
      'POST DescribeTrails', // Update reads the current status
      'POST StartLogging',
      'POST DescribeTrails', // wait for Enable
      'POST PutDataEventSelector',
      'POST DescribeTrails', // Read
      'POST GetDataEventSelector',
    ]);
    expect(state).toMatchObject({
      status: 'Enable',
      event_selectors: SELECTORS,
      data_event_trail_region: 'cn-hangzhou',
      sls_write_role_arn: `acs:ram::${creds.accountId}:role/aliyunserviceroleforactiontrail`,
      oss_write_role_arn: '',
      trail_region: 'All',
    });
    expect(planDiff(config, state)).toEqual([]);

    // Two refreshes: same state, no diff.
    const again = await readTrail(tf, 'tf-replay-trail');
    expect(again).toEqual(state);
    expect(planDiff(config, (await readTrail(tf, 'tf-replay-trail')) ?? {})).toEqual([]);

    // status = "Disable" (StopLogging is a GET), new EventRW and prefix, selectors removed.
    const updated: TrailConfig = {
      ...config,
      status: 'Disable',
      event_rw: 'Write',
      oss_key_prefix: 'tf-logs',
      event_selectors: undefined,
      data_event_trail_region: undefined,
    };
    tf.calls.length = 0;
    state = await updateTrail(tf, 'tf-replay-trail', updated, state);
    expect(tf.calls).toEqual([
      'POST DescribeTrails',
      'GET StopLogging',
      'POST DescribeTrails',
      'POST UpdateTrail',
      'POST PutDataEventSelector',
      'POST DescribeTrails',
      'POST GetDataEventSelector',
    ]);
    expect(state).toMatchObject({
      status: 'Disable',
      event_rw: 'Write',
      oss_key_prefix: 'tf-logs',
    });
    expect(state.event_selectors).toBeUndefined();
    expect(state.data_event_trail_region).toBeUndefined();
    expect(planDiff(updated, state)).toEqual([]);
    expect(planDiff(updated, (await readTrail(tf, 'tf-replay-trail')) ?? {})).toEqual([]);

    // Back to Enable with selectors in another region.
    const reenabled: TrailConfig = {
      ...updated,
      status: 'Enable',
      event_selectors: SELECTORS,
      data_event_trail_region: 'cn-shanghai',
    };
    state = await updateTrail(tf, 'tf-replay-trail', reenabled, state);
    expect(planDiff(reenabled, state)).toEqual([]);
    expect(planDiff(reenabled, (await readTrail(tf, 'tf-replay-trail')) ?? {})).toEqual([]);

    await deleteTrail(tf, 'tf-replay-trail');
    expect(await readTrail(tf, 'tf-replay-trail')).toBeUndefined();
    // GetDataEventSelector on a deleted trail: the provider's not-found rule holds.
    const sel = await tf.post('GetDataEventSelector', { TrailName: 'tf-replay-trail' });
    expect(sel.body.Code).toBe('TrailNotFoundException');
    expect(isNotFound(sel)).toBe(true);
    // A second destroy (already gone) succeeds too.
    await deleteTrail(tf, 'tf-replay-trail');
  });

  it('a trail with no data event settings reads without a diff (no made-up region)', async () => {
    const config: TrailConfig = {
      trail_name: 'tf-plain-trail',
      sls_project_arn: `acs:log:cn-hangzhou:${creds.accountId}:project/tf-plain`,
    };
    const state = await createTrail(tf, config);
    expect(state.status).toBe('Fresh');
    expect(planDiff(config, state)).toEqual([]);
    expect(planDiff(config, (await readTrail(tf, 'tf-plain-trail')) ?? {})).toEqual([]);
    await deleteTrail(tf, 'tf-plain-trail');
  });

  it('alicloud_actiontrail_history_delivery_job and both data sources', async () => {
    await createTrail(tf, {
      trail_name: 'tf-history-trail',
      sls_project_arn: `acs:log:cn-hangzhou:${creds.accountId}:project/tf-history`,
      status: 'Enable',
    });
    // Create: ClientToken + TrailName, then wait for JobStatus 1, 2 or 3.
    const created = ok(
      await tf.post('CreateDeliveryHistoryJob', {
        ClientToken: `CreateDeliveryHistoryJob${Date.now()}`,
        TrailName: 'tf-history-trail',
      }),
      'CreateDeliveryHistoryJob',
    );
    const jobId = String(created.JobId);
    const readJob = () => tf.post('GetDeliveryHistoryJob', { JobId: jobId });
    const job = await waitFor(
      async () => ok(await readJob(), 'GetDeliveryHistoryJob'),
      (j) => [1, 2, 3].includes(Number(j.JobStatus)),
      'JobStatus 1, 2 or 3',
    );
    expect(job).toMatchObject({ TrailName: 'tf-history-trail' });
    expect(typeof job.CreatedTime).toBe('string');

    // data "alicloud_actiontrail_history_delivery_jobs": pages of 50 until a short page.
    const page = ok(
      await tf.post('ListDeliveryHistoryJobs', { PageSize: 50, PageNumber: 1 }),
      'ListDeliveryHistoryJobs',
    );
    const jobs = page.DeliveryHistoryJobs as Array<Record<string, unknown>>;
    const listed = jobs.find((j) => String(j.JobId) === jobId);
    expect(listed).toMatchObject({ TrailName: 'tf-history-trail', HomeRegion: 'cn-hangzhou' });
    expect(typeof listed?.JobStatus).toBe('number'); // formatInt(object["JobStatus"])

    // data "alicloud_actiontrail_trails": DescribeTrails with the two flags, filtered locally.
    const trails = ok(
      await tf.post('DescribeTrails', {
        IncludeOrganizationTrail: false,
        IncludeShadowTrails: false,
      }),
      'DescribeTrails',
    );
    const names = (trails.TrailList as Array<Record<string, unknown>>).map((t) => t.Name);
    expect(names).toContain('tf-history-trail');

    // Destroy: DeleteDeliveryHistoryJob, then the read finds it gone (DeliveryHistoryJobNotFound).
    await waitFor(
      async () => ok(await readJob(), 'GetDeliveryHistoryJob'),
      (j) => [2, 3].includes(Number(j.JobStatus)),
      'job end',
    );
    ok(await tf.post('DeleteDeliveryHistoryJob', { JobId: jobId }), 'DeleteDeliveryHistoryJob');
    const gone = await readJob();
    expect(gone.body.Code).toBe('DeliveryHistoryJobNotFound');
    expect(isNotFound(gone)).toBe(true);
    await deleteTrail(tf, 'tf-history-trail');
  });

  it('alicloud_actiontrail_global_events_storage_region: resource and data source', async () => {
    // Read (resource and data source): GET GetGlobalEventsStorageRegion, no parameters.
    const read = async () =>
      ok(await tf.get('GetGlobalEventsStorageRegion', {}), 'GetGlobalEventsStorageRegion')
        .StorageRegion;
    expect(await read()).toBe('cn-hangzhou');
    // Create = Update: GET UpdateGlobalEventsStorageRegion with StorageRegion in the query.
    tf.calls.length = 0;
    ok(
      await tf.get('UpdateGlobalEventsStorageRegion', { StorageRegion: 'cn-shanghai' }),
      'UpdateGlobalEventsStorageRegion',
    );
    const state = await read();
    expect(tf.calls).toEqual([
      'GET UpdateGlobalEventsStorageRegion',
      'GET GetGlobalEventsStorageRegion',
    ]);
    expect(state).toBe('cn-shanghai');
    expect(await read()).toBe(state); // second plan: no change
    // Delete is a no-op in the provider; the setting stays readable.
    expect(await read()).toBe('cn-shanghai');
  });

  it('alicloud_actiontrail_advanced_query_template: apply, plan, update, destroy', async () => {
    const config = {
      template_sql: 'event.errorCode: *',
      simple_query: true,
      template_name: 'tf-tpl',
    };
    // Read: GetAdvancedQueryTemplate; an answer without SimpleQuery, or a 404, is "gone".
    const read = async (id: string) => {
      const r = await tf.post('GetAdvancedQueryTemplate', { TemplateId: id });
      if (isNotFound(r)) return undefined;
      const body = ok(r, 'GetAdvancedQueryTemplate');
      if (body.SimpleQuery === undefined || body.SimpleQuery === null) return undefined;
      expect(typeof body.SimpleQuery).toBe('boolean'); // d.Set on a TypeBool
      return {
        simple_query: body.SimpleQuery,
        template_name: body.TemplateName,
        template_sql: body.TemplateSql,
      };
    };
    const created = ok(
      await tf.post('CreateAdvancedQueryTemplate', {
        TemplateSql: config.template_sql,
        SimpleQuery: config.simple_query,
        TemplateName: config.template_name,
      }),
      'CreateAdvancedQueryTemplate',
    );
    const id = String(created.TemplateId);
    expect(id).toMatch(/^utpl-/);
    expect(await read(id)).toEqual(config);
    expect(await read(id)).toEqual(config); // second plan: no change

    // Update: TemplateSql and SimpleQuery always, TemplateName only when it changed.
    const next = { ...config, simple_query: false, template_sql: 'event.eventRW: Write' };
    ok(
      await tf.post('UpdateAdvancedQueryTemplate', {
        TemplateId: id,
        TemplateSql: next.template_sql,
        SimpleQuery: next.simple_query,
      }),
      'UpdateAdvancedQueryTemplate',
    );
    expect(await read(id)).toEqual(next);

    ok(
      await tf.post('DeleteAdvancedQueryTemplate', { TemplateId: id }),
      'DeleteAdvancedQueryTemplate',
    );
    expect(await read(id)).toBeUndefined();
    // A second destroy: NotFoundError → success.
    expect(isNotFound(await tf.post('DeleteAdvancedQueryTemplate', { TemplateId: id }))).toBe(true);
  });
});

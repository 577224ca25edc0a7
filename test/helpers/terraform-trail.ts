import { isNotFound, ok, type TerraformClient, waitFor } from './terraform-client.js';

/**
 * `alicloud_actiontrail_trail` as the provider (HEAD 81c43b6, resource_alicloud_actiontrail_trail.go
 * and service_alicloud_action_trail_v2.go) runs it: the same calls, parameters, methods, polling
 * targets and not-found rules, with Terraform's state as a plain object.
 */
export type TrailConfig = Partial<{
  trail_name: string;
  event_rw: string;
  sls_project_arn: string;
  sls_write_role_arn: string;
  oss_bucket_name: string;
  oss_key_prefix: string;
  oss_write_role_arn: string;
  max_compute_project_arn: string;
  max_compute_write_role_arn: string;
  trail_region: string;
  status: string;
  is_organization_trail: boolean;
  event_selectors: string;
  data_event_trail_region: string;
}>;
export type TrailState = Record<string, unknown>;

/** Optional and not computed: Terraform shows a diff whenever state differs from config. */
const PLAIN = [
  'sls_project_arn',
  'oss_bucket_name',
  'oss_key_prefix',
  'oss_write_role_arn',
  'max_compute_project_arn',
  'event_selectors',
  'data_event_trail_region',
] as const;
/** Optional and computed: a diff only when configured and different. */
const COMPUTED = [
  'event_rw',
  'sls_write_role_arn',
  'max_compute_write_role_arn',
  'trail_region',
  'status',
] as const;

/** `terraform plan` after a refresh: the attributes that would change. */
export function planDiff(config: TrailConfig, state: TrailState): string[] {
  const diffs: string[] = [];
  const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  for (const k of PLAIN) if (str(config[k]) !== str(state[k])) diffs.push(k);
  for (const k of COMPUTED) {
    if (config[k] !== undefined && str(config[k]) !== str(state[k])) diffs.push(k);
  }
  if (Boolean(config.is_organization_trail) !== Boolean(state.is_organization_trail)) {
    diffs.push('is_organization_trail (forces replacement)');
  }
  return diffs;
}

/** DescribeActionTrailTrail: DescribeTrails NameList=<id>; an empty TrailList is "not found". */
async function describeTrail(tf: TerraformClient, id: string) {
  const body = ok(await tf.post('DescribeTrails', { NameList: id }), 'DescribeTrails');
  const list = body.TrailList as Array<Record<string, unknown>>;
  return list.length === 0 ? undefined : list[0];
}

const waitStatus = (tf: TerraformClient, id: string, target: string) =>
  waitFor(
    () => describeTrail(tf, id),
    (t) => t?.Status === target,
    `Status ${target}`,
  );

/** Read. Returns undefined when the trail is gone (d.SetId("")). */
export async function readTrail(tf: TerraformClient, id: string): Promise<TrailState | undefined> {
  const t = await describeTrail(tf, id);
  if (!t) return undefined;
  const state: TrailState = {
    create_time: t.CreateTime,
    event_rw: t.EventRW,
    is_organization_trail: t.IsOrganizationTrail,
    max_compute_project_arn: t.MaxComputeProjectArn,
    max_compute_write_role_arn: t.MaxComputeWriteRoleArn,
    oss_bucket_name: t.OssBucketName,
    oss_key_prefix: t.OssKeyPrefix,
    oss_write_role_arn: t.OssWriteRoleArn,
    region_id: t.HomeRegion,
    sls_project_arn: t.SlsProjectArn,
    sls_write_role_arn: t.SlsWriteRoleArn,
    status: t.Status,
    trail_region: t.TrailRegion,
    trail_name: t.Name,
  };
  const sel = await tf.post('GetDataEventSelector', { TrailName: id });
  // `err != nil && !NotFoundError(err)` fails the read; not found leaves the fields unset.
  if (sel.status !== 200 && !isNotFound(sel)) ok(sel, 'GetDataEventSelector');
  const raw = sel.status === 200 ? sel.body : {};
  state.event_selectors = raw.DataEventSelectors;
  const configs = (raw.SlsDeliveryConfigs as Array<Record<string, unknown>> | undefined) ?? [];
  state.data_event_trail_region = configs[0]?.TrailRegion;
  state.name = id;
  return state;
}

/** Create: CreateTrail, wait for Fresh, then Update (which ends with Read). */
export async function createTrail(tf: TerraformClient, c: TrailConfig): Promise<TrailState> {
  const request: Record<string, unknown> = { Name: c.trail_name };
  const map: Array<[keyof TrailConfig, string]> = [
    ['sls_project_arn', 'SlsProjectArn'],
    ['is_organization_trail', 'IsOrganizationTrail'],
    ['max_compute_project_arn', 'MaxComputeProjectArn'],
    ['event_rw', 'EventRW'],
    ['oss_write_role_arn', 'OssWriteRoleArn'],
    ['oss_bucket_name', 'OssBucketName'],
    ['oss_key_prefix', 'OssKeyPrefix'],
    ['sls_write_role_arn', 'SlsWriteRoleArn'],
    ['trail_region', 'TrailRegion'],
    ['max_compute_write_role_arn', 'MaxComputeWriteRoleArn'],
  ];
  for (const [k, p] of map) if (c[k] !== undefined && c[k] !== '') request[p] = c[k];
  const created = ok(await tf.post('CreateTrail', request), 'CreateTrail');
  const id = String(created.Name);
  await waitStatus(tf, id, 'Fresh');
  return updateTrail(tf, id, c, {}, true);
}

/** Update: status first, then UpdateTrail when anything changed, then PutDataEventSelector. */
export async function updateTrail(
  tf: TerraformClient,
  id: string,
  c: TrailConfig,
  state: TrailState,
  isNew = false,
): Promise<TrailState> {
  // d.Get on a computed attribute the config leaves out is its state value: no change.
  const want = (k: keyof TrailConfig) =>
    c[k] !== undefined ? c[k] : (COMPUTED as readonly string[]).includes(k) ? state[k] : undefined;
  const changed = (k: keyof TrailConfig) => String(want(k) ?? '') !== String(state[k] ?? '');
  const current = await describeTrail(tf, id);
  if (c.status !== undefined && changed('status') && current?.Status !== c.status) {
    if (c.status === 'Enable') ok(await tf.post('StartLogging', { Name: id }), 'StartLogging');
    else ok(await tf.get('StopLogging', { Name: id }), 'StopLogging');
    await waitStatus(tf, id, c.status);
  }
  const fields: Array<[keyof TrailConfig, string]> = [
    ['sls_project_arn', 'SlsProjectArn'],
    ['max_compute_project_arn', 'MaxComputeProjectArn'],
    ['event_rw', 'EventRW'],
    ['oss_write_role_arn', 'OssWriteRoleArn'],
    ['oss_bucket_name', 'OssBucketName'],
    ['oss_key_prefix', 'OssKeyPrefix'],
    ['sls_write_role_arn', 'SlsWriteRoleArn'],
    ['trail_region', 'TrailRegion'],
    ['max_compute_write_role_arn', 'MaxComputeWriteRoleArn'],
  ];
  let update = false;
  const request: Record<string, unknown> = { Name: id };
  for (const [k, p] of fields) {
    const value = want(k);
    const hasChange = !isNew && changed(k);
    if (hasChange) update = true;
    if ((value !== undefined && value !== '') || hasChange) request[p] = value ?? '';
  }
  if (update) ok(await tf.post('UpdateTrail', request), 'UpdateTrail');

  const selectorChange =
    String(c.event_selectors ?? '') !== String(state.event_selectors ?? '') ||
    String(c.data_event_trail_region ?? '') !== String(state.data_event_trail_region ?? '');
  if (selectorChange) {
    const put: Record<string, unknown> = { TrailName: id };
    if (c.data_event_trail_region || changedRegion(c, state)) {
      put.TrailRegionIds = c.data_event_trail_region ?? '';
    }
    put.EventSelectors = c.event_selectors ?? '';
    ok(await tf.post('PutDataEventSelector', put), 'PutDataEventSelector');
  }
  const after = await readTrail(tf, id);
  if (!after) throw new Error('trail vanished after update');
  return after;
}

function changedRegion(c: TrailConfig, s: TrailState): boolean {
  return String(c.data_event_trail_region ?? '') !== String(s.data_event_trail_region ?? '');
}

/** Delete: DeleteTrail; TrailNotFoundException or a 404 counts as already gone. */
export async function deleteTrail(tf: TerraformClient, id: string): Promise<void> {
  const r = await tf.post('DeleteTrail', { Name: id });
  if (r.status !== 200 && !(r.body.Code === 'TrailNotFoundException' || isNotFound(r))) {
    ok(r, 'DeleteTrail');
  }
}

import type { Destination } from '../../sinks/sink.js';
import type { DataEventSelectorSet } from '../data-event-selectors/selector-match.js';
import type { Trail } from '../trails/trail.js';

export interface JobDestination {
  /** Progress rows name destinations by this key. */
  key: 'sls' | 'oss';
  destination: Destination;
  /**
   * The trail's data event selectors when the job was created (undefined: none): which events
   * with `eventCategory: Data` the destination gets. Frozen with the job, so a batch re-read
   * after a crash is filtered as it was planned.
   */
  dataEvents?: DataEventSelectorSet | undefined;
}

const SLS_ARN = /^acs:log:([a-z0-9-]+):(\d+):project\/([a-z0-9][a-z0-9-]{1,61}[a-z0-9])$/;

/** Region, account and project of an `acs:log:<region>:<account>:project/<project>` ARN. */
export function parseSlsProjectArn(
  arn: string,
): { region: string; accountId: string; project: string } | undefined {
  const m = SLS_ARN.exec(arn);
  return m
    ? { region: m[1] as string, accountId: m[2] as string, project: m[3] as string }
    : undefined;
}

/**
 * Where a trail's history goes (decisions §6): SLS when SlsProjectArn is set (logstore
 * `actiontrail_<trail>`), OSS when OssBucketName is set. MaxCompute is stored, never delivered.
 */
export function destinationsOf(trail: Trail): JobDestination[] {
  const out: JobDestination[] = [];
  const sls = trail.slsProjectArn ? SLS_ARN.exec(trail.slsProjectArn) : null;
  if (sls) {
    out.push({
      key: 'sls',
      destination: {
        kind: 'sls',
        region: sls[1] as string,
        accountId: sls[2] as string,
        project: sls[3] as string,
        logstore: `actiontrail_${trail.name}`,
      },
    });
  }
  if (trail.ossBucketName) {
    out.push({
      key: 'oss',
      destination: { kind: 'oss', bucket: trail.ossBucketName, prefix: trail.ossKeyPrefix ?? '' },
    });
  }
  return out;
}

/** decisions §1: `TrailRegion=All` means every configured region. */
export function regionsOf(trail: Trail, configured: readonly string[]): string[] {
  return trail.trailRegion === 'All' ? [...configured] : [trail.trailRegion];
}

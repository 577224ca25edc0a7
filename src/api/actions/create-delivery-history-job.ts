import { safeHorizon } from '../../db/repositories/events.repository.js';
import { createDeliveryJob } from '../../domain/delivery-jobs/delivery-jobs.js';
import { chosenWindow } from '../../domain/delivery-jobs/job-window.js';
import { errors } from '../../errors/api-error.js';
import { readOptionalString, readRequiredString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';

/**
 * CreateDeliveryHistoryJob(TrailName, ClientToken?) → JobId (decisions §5); StartTime/EndTime
 * choose the window (an opentrail extension, [C2]).
 */
export const createDeliveryHistoryJob: ActionDefinition = {
  name: 'CreateDeliveryHistoryJob',
  eventRW: 'Write',
  async handle({ params, caller, services }) {
    const trailName = readRequiredString(params, 'TrailName');
    const clientToken = readOptionalString(params, 'ClientToken');
    if (clientToken !== undefined && !/^[\x20-\x7e]{1,64}$/.test(clientToken)) {
      throw errors.invalidParameter('ClientToken', 'It must be at most 64 ASCII characters.');
    }
    const now = services.clock.now();
    const window = chosenWindow(
      {
        startTime: readOptionalString(params, 'StartTime'),
        endTime: readOptionalString(params, 'EndTime'),
      },
      now,
      services.config.retention.days,
    );
    const { jobId, created } = await createDeliveryJob(
      {
        db: services.db,
        accountId: caller.accountId,
        regions: services.config.regions,
        now,
        historyToOss: services.config.delivery.historyToOss,
        safeHorizon,
      },
      { trailName, clientToken, window },
    );
    if (created) services.deliveryEngine?.wake();
    return { JobId: jobId };
  },
};

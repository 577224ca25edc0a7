import { getLogs } from '../../src/sinks/sls/sls-api.js';
import { SlsClient } from '../../src/sinks/sls/sls-client.js';

/**
 * Every eventId stored in an SLS logstore (`opentrail dev sls` or any PutLogs/GetLogs server),
 * read back page by page, repeats kept (so a test can count duplicates). `missing: 'empty'`
 * reads a logstore that does not exist yet (before the first batch) as empty; by default its
 * error (SLS's `LogStoreNotExist`) is thrown.
 */
export async function storedEventIds(
  slsUrl: string,
  keys: { accessKeyId: string; accessKeySecret: string },
  project: string,
  logstore: string,
  options: { missing?: 'empty' | 'throw' } = {},
): Promise<string[]> {
  const client = new SlsClient({ endpoint: slsUrl, ...keys });
  const ids: string[] = [];
  try {
    for (let offset = 0; ; offset += 100) {
      const read = getLogs(client, project, logstore, { from: 0, to: 2 ** 31, offset });
      const page = options.missing === 'empty' ? await read.catch(() => []) : await read;
      for (const l of page)
        ids.push(String((JSON.parse(String(l.event)) as { eventId: unknown }).eventId));
      if (page.length < 100) break;
    }
  } finally {
    client.close();
  }
  return ids;
}

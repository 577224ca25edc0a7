import { describe, expect, it } from 'vitest';
import { eventLines, lookupAttributes } from './events.command.js';

describe('events lookup filters', () => {
  it('turns the per-key flags and --attribute into LookupAttribute.N pairs', () => {
    expect(lookupAttributes({ serviceName: 'Ecs', eventRw: 'Write' }, ['User=alice=x'])).toEqual({
      'LookupAttribute.1.Key': 'ServiceName',
      'LookupAttribute.1.Value': 'Ecs',
      'LookupAttribute.2.Key': 'EventRW',
      'LookupAttribute.2.Value': 'Write',
      'LookupAttribute.3.Key': 'User',
      'LookupAttribute.3.Value': 'alice=x',
    });
    expect(() => lookupAttributes({}, ['nokey'])).toThrow(/Key=Value/);
  });
});

describe('events put files', () => {
  it('reads a JSON array as one line per event and NDJSON line by line, skipping blank lines', () => {
    expect(eventLines(' [{"a":1},{"b":2}]')).toEqual(['{"a":1}', '{"b":2}']);
    expect(eventLines('{"a":1}\n\n not json\n')).toEqual(['{"a":1}', ' not json']);
    expect(() => eventLines('[1,')).toThrow(/not a JSON array/);
  });
});

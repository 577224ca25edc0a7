import { describe, expect, it } from 'vitest';
import { describeDatabaseUrl } from './postgres.dialect.js';

describe('describeDatabaseUrl', () => {
  it('keeps where the database is and drops the password and query options', () => {
    expect(
      describeDatabaseUrl('postgres://ot:s3cret@db.internal:5432/opentrail?sslpassword=x'),
    ).toBe('postgres://ot:***@db.internal:5432/opentrail');
    expect(describeDatabaseUrl('postgresql://db/opentrail')).toBe('postgresql://db/opentrail');
    expect(describeDatabaseUrl('postgres://ot:s3cret@[::1')).not.toContain('s3cret');
  });
});

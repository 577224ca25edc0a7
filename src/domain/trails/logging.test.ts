import { describe, expect, it } from 'vitest';
import { startLoggingChange, stopLoggingChange } from './logging.js';

describe('logging transitions', () => {
  it('StartLogging enables a Fresh or Disabled trail at `now`', () => {
    expect(startLoggingChange({ status: 'Fresh' }, 42)).toEqual({
      status: 'Enable',
      startLoggingAt: 42,
    });
    expect(startLoggingChange({ status: 'Disable' }, 43)).toEqual({
      status: 'Enable',
      startLoggingAt: 43,
    });
  });
  it('StartLogging on an enabled trail changes nothing', () => {
    expect(startLoggingChange({ status: 'Enable' }, 44)).toBeUndefined();
  });
  it('StopLogging disables a Fresh or Enabled trail at `now`', () => {
    expect(stopLoggingChange({ status: 'Fresh' }, 50)).toEqual({
      status: 'Disable',
      stopLoggingAt: 50,
    });
    expect(stopLoggingChange({ status: 'Enable' }, 51)).toEqual({
      status: 'Disable',
      stopLoggingAt: 51,
    });
  });
  it('StopLogging on a disabled trail changes nothing', () => {
    expect(stopLoggingChange({ status: 'Disable' }, 52)).toBeUndefined();
  });
});

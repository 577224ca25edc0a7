import { afterEach, describe, expect, it, vi } from 'vitest';
import { crashPointsFrom } from './crash-points.js';

describe('crash points', () => {
  afterEach(() => vi.restoreAllMocks());

  function killSpy() {
    return vi.spyOn(process, 'kill').mockImplementation(() => true);
  }

  it('kills the process the n-th time the point is passed', () => {
    const kill = killSpy();
    const crash = crashPointsFrom('after-ack:3');
    crash('after-ack');
    crash('in-checkpoint');
    crash('after-ack');
    expect(kill).not.toHaveBeenCalled();
    crash('after-ack');
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL');
  });

  it('counts lease renewals only after the first acknowledged batch', () => {
    const kill = killSpy();
    const crash = crashPointsFrom('during-renewal:1');
    crash('during-renewal');
    crash('during-renewal');
    expect(kill).not.toHaveBeenCalled();
    crash('after-ack');
    crash('during-renewal');
    expect(kill).toHaveBeenCalledTimes(1);
  });

  it('is a no-op without a setting and rejects a malformed one', () => {
    const kill = killSpy();
    crashPointsFrom(undefined)('after-ack');
    expect(kill).not.toHaveBeenCalled();
    expect(() => crashPointsFrom('sometime')).toThrow(/testing.crashAt/);
  });
});

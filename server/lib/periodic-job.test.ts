import { PeriodicJob } from './periodic-job';
import { createLogger } from './logger';

describe('PeriodicJob', () => {
  test('runs a pass at once, then every interval, never overlapping itself, and stops', async () => {
    let passes = 0;
    let job: PeriodicJob | null = null;
    let nested = -1;
    job = new PeriodicJob('test', () => {
      passes++;
      // A pass that triggers another run of the same job (a slow pass overlapping the next tick) is skipped.
      if (passes === 1) nested = job!.runOnce();
      return 1;
    }, createLogger('silent'));
    job.start(20);
    await new Promise((r) => setTimeout(r, 110));
    job.stop();
    const after = passes;
    await new Promise((r) => setTimeout(r, 60));
    expect(nested).toBe(0);
    expect(after).toBeGreaterThanOrEqual(3);
    expect(passes).toBe(after);
  });

  test('a failing pass is logged and the next tick runs again', async () => {
    let passes = 0;
    const job = new PeriodicJob('test', () => {
      passes++;
      throw new Error('database busy');
    }, createLogger('silent'));
    job.start(15);
    await new Promise((r) => setTimeout(r, 80));
    job.stop();
    expect(passes).toBeGreaterThanOrEqual(2);
  });
});

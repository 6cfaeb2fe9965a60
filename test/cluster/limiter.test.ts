import { CancelledError } from '../../lib/cluster/_cancelled';
import { mapLimit, settleLimit } from '../../lib/cluster/limiter';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('mapLimit', () => {
  it('never runs more than `concurrency` tasks at once and keeps input order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([...Array(20).keys()], 4, async (n) => {
      peak = Math.max(peak, ++running);
      await tick();
      running--;
      return n * 2;
    });
    expect(peak).toBe(4);
    expect(results).toEqual([...Array(20).keys()].map((n) => n * 2));
  });

  it('starts nothing new after the first failure and rethrows it', async () => {
    const started: number[] = [];
    await expect(mapLimit([...Array(10).keys()], 2, async (n) => {
      started.push(n);
      await tick();
      if (n === 1) throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(started).toEqual([0, 1, 2]);
  });

  it('stops with CancelledError when the signal aborts', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    await expect(mapLimit([...Array(10).keys()], 1, async (n) => {
      started.push(n);
      if (n === 2) controller.abort();
    }, controller.signal)).rejects.toBeInstanceOf(CancelledError);
    expect(started).toEqual([0, 1, 2]);
  });

  it('fails when the concurrency is not a positive integer', async () => {
    await expect(mapLimit([1], 0, async () => 1)).rejects.toThrow('concurrency must be a positive integer, got 0');
  });
});

describe('settleLimit', () => {
  it('tries every item and reports each outcome', async () => {
    const outcomes = await settleLimit([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('two');
      return n;
    });
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([1, 'two', 3]);
  });
});

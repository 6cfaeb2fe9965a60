import { Reporter } from '../../lib/cli/apply/_reporter';
import { parseDuration, parsePositiveInt } from '../../lib/cli/apply/_session';

describe('Reporter', () => {
  const make = (format: 'text' | 'json', errIsTty: boolean) => {
    const out: string[] = [];
    const err: string[] = [];
    let now = 0;
    const reporter = new Reporter({ out: (t) => out.push(t), err: (t) => err.push(t), errIsTty, now: () => now }, format);
    return { reporter, out, err, advance: (ms: number) => (now += ms) };
  };

  it('json: prints only JSON lines on stdout, one event each', () => {
    const { reporter, out, err } = make('json', true);
    reporter.event('object', { kind: 'Secret', name: 's' });
    reporter.line('text is not printed');
    reporter.table(['A'], [['1']]);
    reporter.progress(() => 'status');
    reporter.done();
    expect(out.map((l) => JSON.parse(l))).toEqual([{ event: 'object', kind: 'Secret', name: 's' }]);
    expect(err).toEqual([]);
  });

  it('text on a terminal: redraws one status line on stderr with the elapsed time, and clears it before other output', () => {
    const { reporter, out, err, advance } = make('text', true);
    let n = 0;
    reporter.progress(() => `applying: ${n}/2 objects`);
    n = 1;
    advance(1500);
    reporter.update();
    reporter.line('done');
    reporter.done();
    expect(err).toEqual(['\r\x1b[2Kapplying: 0/2 objects · 0.0s', '\r\x1b[2Kapplying: 1/2 objects · 1.5s', '\r\x1b[2K', '\r\x1b[2Kapplying: 1/2 objects · 1.5s', '\r\x1b[2K']);
    expect(out).toEqual(['done\n']);
  });

  it('text without a terminal: no status line, tables on stdout', () => {
    const { reporter, out, err } = make('text', false);
    reporter.progress(() => 'status');
    reporter.table(['KIND', 'CREATED'], [['Secrets', 2]]);
    expect(err).toEqual([]);
    expect(out.join('')).toMatch(/KIND\s.*CREATED[\s\S]*Secrets\s.*2/);
  });
});

describe('flag parsing', () => {
  it('reads durations in seconds by default', () => {
    expect(['90', '90s', '10m', '1h', '500ms', '1.5m'].map((v) => parseDuration('--timeout', v))).toEqual([90_000, 90_000, 600_000, 3_600_000, 500, 90_000]);
  });

  it('fails on a bad duration', () => {
    expect(() => parseDuration('--timeout', '10 minutes')).toThrow('--timeout must be a positive duration like 90s, 10m or 1h (a bare number is seconds), got "10 minutes"');
    expect(() => parseDuration('--timeout', '0')).toThrow('got "0"');
  });

  it('fails on a bad --concurrency', () => {
    expect(parsePositiveInt('--concurrency', '16')).toBe(16);
    expect(() => parsePositiveInt('--concurrency', '0')).toThrow('--concurrency must be an integer from 1 to 1000, got "0"');
  });
});

import Table from 'cli-table3';
import { stringify } from 'yaml';

/**
 * Output formats of `virtwork-apply` (`-o, --output`), as kubectl names them: `text` (the default: messages and
 * tables), `wide` (text with every column), `json` (JSON lines, one event each), `yaml` (one YAML document per event).
 */
export const OUTPUT_FORMATS = ['text', 'wide', 'json', 'yaml'] as const;
/** Output format of `virtwork-apply`. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Where the reporter writes. */
export interface ReporterIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Standard error is a terminal: the live progress line is drawn there. */
  readonly errIsTty: boolean;
  /** Clock in milliseconds. */
  readonly now?: () => number;
}

/**
 * Everything a command prints. `text`: messages and tables on stdout, a live status line redrawn on stderr when
 * it is a terminal. `json`: only JSON lines on stdout (one event each), nothing else. Errors go to stderr in both.
 */
export class Reporter {
  private readonly started: number;
  private status?: () => string;
  private ticker?: NodeJS.Timeout;
  private drawn = false;

  public constructor(private readonly io: ReporterIo, public readonly format: OutputFormat) {
    this.started = this.now();
  }

  /** Seconds since the reporter was made. */
  public elapsed(): number {
    return (this.now() - this.started) / 1000;
  }

  /** One event `{"event": name, ...data}` on stdout: a JSON line (json), a YAML document (yaml); nothing in text. */
  public event(name: string, data: Record<string, unknown> = {}): void {
    const record = { event: name, ...data };
    if (this.format === 'json') this.io.out(`${JSON.stringify(record)}\n`);
    if (this.format === 'yaml') this.io.out(`---\n${stringify(JSON.parse(JSON.stringify(record)) as unknown)}`);
  }

  /** Whether the output is for people (text or wide) rather than for programs (json or yaml). */
  public get human(): boolean {
    return this.format === 'text' || this.format === 'wide';
  }

  /** A line of text on stdout (text and wide formats only). */
  public line(text: string): void {
    if (!this.human) return;
    this.clear();
    this.io.out(`${text}\n`);
    this.draw();
  }

  /** A warning or error line on stderr (both formats). */
  public warn(text: string): void {
    this.clear();
    this.io.err(`${text}\n`);
    this.draw();
  }

  /** A table on stdout (text and wide formats only). */
  public table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): void {
    if (!this.human || rows.length === 0) return;
    const table = new Table({ head: [...head], style: { head: [], border: [] } });
    rows.forEach((r) => table.push(r.map(String)));
    this.line(table.toString());
  }

  /** Shows `render()` as the live status line (on a terminal, text format), redrawn now and every 200 ms. */
  public progress(render: () => string): void {
    this.status = render;
    if (!this.live()) return;
    this.draw();
    this.ticker ??= setInterval(() => this.draw(), 200);
    this.ticker.unref();
  }

  /** Redraws the status line now (after a change). */
  public update(): void {
    this.draw();
  }

  /** Removes the status line. */
  public done(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.clear();
    this.status = undefined;
  }

  private live(): boolean {
    return this.human && this.io.errIsTty;
  }

  private draw(): void {
    if (!this.status || !this.live()) return;
    this.io.err(`\r\x1b[2K${this.status()} · ${this.elapsed().toFixed(1)}s`);
    this.drawn = true;
  }

  private clear(): void {
    if (!this.drawn) return;
    this.io.err('\r\x1b[2K');
    this.drawn = false;
  }

  private now(): number {
    return (this.io.now ?? Date.now)();
  }
}

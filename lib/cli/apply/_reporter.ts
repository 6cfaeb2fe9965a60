import Table from 'cli-table3';

/** Output format of `virtwork-apply` (`--output`). */
export type OutputFormat = 'text' | 'json';

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

  /** One JSON line `{"event": name, ...data}` on stdout (json format only). */
  public event(name: string, data: Record<string, unknown> = {}): void {
    if (this.format === 'json') this.io.out(`${JSON.stringify({ event: name, ...data })}\n`);
  }

  /** A line of text on stdout (text format only). */
  public line(text: string): void {
    if (this.format !== 'text') return;
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

  /** A table on stdout (text format only). */
  public table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): void {
    if (this.format !== 'text' || rows.length === 0) return;
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
    return this.format === 'text' && this.io.errIsTty;
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

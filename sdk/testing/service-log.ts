// The service's journal, as far as a test sees it: every line its processes write to stdout and
// stderr (and the messages systemd itself would log), timestamped, and waiters for a line that
// matches. Separate because capturing and waiting on output is independent of how the processes
// run and of the unit's state; the ServiceHandle exposes `lines` as its `logs`.
// LogLine is declared last: the first statement takes this header as its summary in docs/api.md.

/** The lines so far and who waits for which. */
export class ServiceLog {
  readonly lines: LogLine[] = [];
  private readonly created = Date.now();
  private readonly waiters: { re: RegExp; resolve: (l: LogLine) => void }[] = [];
  private readonly listener: ((line: LogLine) => void) | undefined;

  /** `listener` sees each line as it is appended (to stream the service's output). */
  constructor(listener?: (line: LogLine) => void) {
    this.listener = listener;
  }

  /** Record a line and wake the waiters it matches. */
  append(stream: 'stdout' | 'stderr', text: string): void {
    const line = { time: Date.now() - this.created, stream, text };
    this.lines.push(line);
    this.listener?.(line);
    for (const w of [...this.waiters]) {
      if (w.re.test(text)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  }

  /** Resolves with the first line (past or future) matching `re`; rejects after `timeoutMs` with the last lines. */
  waitFor(re: RegExp, timeoutMs: number): Promise<LogLine> {
    const seen = this.lines.find((l) => re.test(l.text));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { re, resolve };
      this.waiters.push(w);
      setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          reject(
            new Error(
              `no log line matching ${re} within ${timeoutMs} ms; last lines:\n${this.lines
                .slice(-10)
                .map((l) => l.text)
                .join('\n')}`,
            ),
          );
        }
      }, timeoutMs).unref();
    });
  }
}

export interface LogLine {
  /** Milliseconds since the handle was created. */
  time: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

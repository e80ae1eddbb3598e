// Reports PerformanceReports to the bot's status.performance: at most one write per cycle and none
// when nothing changed since the last successful write (issue 7: "writes are batched"). The write
// itself goes through a StatusSink so this logic is tested without a cluster.
import type { Performance } from '@kubetrade/crds';
import { type PerformanceReport, toStatusPerformance } from './performance.ts';

export interface StatusSink {
  /** Writes status.performance of the runtime's own bot (and nothing else). */
  writePerformance(performance: Performance): Promise<void>;
}

export type ReportOutcome =
  | { written: true }
  | { written: false; reason: 'unchanged' | 'busy' }
  | { written: false; reason: 'failed'; error: StatusWriteError };

export class StatusWriteError extends Error {
  readonly code = 'StatusWriteFailed';
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'StatusWriteError';
  }
}

export class StatusReporter {
  readonly #sink: StatusSink;
  readonly #now: () => Date;
  #lastWritten: string | undefined;
  #inFlight = false;

  constructor(sink: StatusSink, now: () => Date = () => new Date()) {
    this.#sink = sink;
    this.#now = now;
  }

  /** Call once per cycle. Never throws: a failed write is returned and retried next cycle. */
  async report(report: PerformanceReport): Promise<ReportOutcome> {
    // A write still running (slow apiserver) makes this cycle skip, so writes never pile up.
    if (this.#inFlight) return { written: false, reason: 'busy' };
    const performance = toStatusPerformance(report);
    const key = JSON.stringify(performance);
    if (key === this.#lastWritten) return { written: false, reason: 'unchanged' };
    this.#inFlight = true;
    try {
      await this.#sink.writePerformance({ ...performance, updateTime: this.#now().toISOString() });
      this.#lastWritten = key;
      return { written: true };
    } catch (err) {
      return {
        written: false,
        reason: 'failed',
        error: new StatusWriteError(`writing status.performance failed: ${String(err)}`, { cause: err }),
      };
    } finally {
      this.#inFlight = false;
    }
  }
}

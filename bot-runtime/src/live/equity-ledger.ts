// Live mode's equity in the trade store (issue 6 item 1: "equity snapshots and daily returns per
// KST day"): after each cycle the lease holder appends what its loop recorded since the last
// write — one equity snapshot per arm at the newest decision step, and the KST day(s) those steps
// fall in, with the same definition as status.performance.dailyReturns (portfolio/metrics.ts
// dailyReturns: a day's last equity against the previous day's last, the first day against the
// arm's initial cash). The status is computed from the same recorder, so the two agree.
//
// Fail closed, nothing lost: rows the store refused stay queued and go out with the next flush
// once PostgreSQL is back. Snapshots are bounded to one day of cycles per arm (an outage longer
// than that keeps the newest day's; daily_returns, one row per day, are never dropped).
import type { ResolvedSpec } from '@kubetrade/crds';
import type { EquityRecorder } from '../loop/equity-recorder.ts';
import { kstDate, kstDay } from '../portfolio/risk.ts';
import type { EquitySnapshot, PerformanceRepo } from '../store/performance-repo.ts';

const DAY_SECONDS = 86_400;

/** What the ledger reads of a TradingCore (loop/trading-core.ts). */
export interface RecordedLoop {
  readonly recorder: EquityRecorder;
  readonly arms: readonly {
    readonly spec: { name: string };
    readonly initialCash: number;
    readonly cash: number;
  }[];
}

interface DayRow {
  arm: string;
  /** Epoch ms of the day's newest step (the KST day is derived from it). */
  time: number;
  startEquityKRW: number;
  endEquityKRW: number;
}

export class EquityLedger {
  readonly #bot: string;
  readonly #revision: string;
  readonly #maxSnapshots: number;
  /** Recorder rows already turned into queued rows. */
  #processed = 0;
  #day: number | undefined;
  #dayStart: number[] = [];
  #dayEnd: number[] = [];
  /** Queued writes; a day's row is replaced by its newer version until written. */
  readonly #days = new Map<string, DayRow>();
  readonly #snapshots: EquitySnapshot[] = [];

  constructor(o: { bot: string; revision: string; spec: Pick<ResolvedSpec, 'cycleSeconds' | 'capital'> }) {
    this.#bot = o.bot;
    this.#revision = o.revision;
    this.#maxSnapshots = Math.ceil(DAY_SECONDS / o.spec.cycleSeconds) * o.spec.capital.split.length;
  }

  /** Rows waiting for the store (0 once everything the loop decided is written). */
  get pending(): number {
    return this.#days.size + this.#snapshots.length;
  }

  /** Queues the loop's new steps; nothing to do when no step was recorded since the last call. */
  collect(loop: RecordedLoop): void {
    const rec = loop.recorder;
    const n = rec.length;
    if (n === this.#processed) return;
    if (this.#dayStart.length === 0) this.#dayStart = loop.arms.map((a) => a.initialCash);
    const times = rec.times();
    const equity = loop.arms.map((_, a) => rec.equity(a));
    for (let i = this.#processed; i < n; i++) {
      const day = kstDay(times[i]!);
      if (this.#day !== undefined && day !== this.#day) {
        // The previous day closed at its last step: its end is the next day's start.
        this.#dayStart = [...this.#dayEnd];
      }
      this.#day = day;
      this.#dayEnd = equity.map((e) => e[i]!);
      this.#queueDay(loop, times[i]!);
    }
    this.#processed = n;
    const time = times[n - 1]!;
    loop.arms.forEach((arm, a) => {
      this.#snapshots.push({
        bot: this.#bot,
        arm: arm.spec.name,
        time,
        revision: this.#revision,
        equityKRW: this.#dayEnd[a]!,
        cashKRW: arm.cash,
      });
    });
    if (this.#snapshots.length > this.#maxSnapshots)
      this.#snapshots.splice(0, this.#snapshots.length - this.#maxSnapshots);
  }

  /**
   * Continues after the core's arms and recorder were resumed from the store (live/resume.ts): the
   * recorder's rows so far are the store's own, and KST day `day` started at `dayStart` per arm
   * (the stored start, not the initial cash), so the next day rows extend the stored ones.
   */
  resume(loop: RecordedLoop, day: number, dayStart: readonly number[]): void {
    const rec = loop.recorder;
    const n = rec.length;
    this.#processed = n;
    this.#day = day;
    this.#dayStart = [...dayStart];
    const lastIsToday = n > 0 && kstDay(rec.times()[n - 1]!) === day;
    this.#dayEnd = loop.arms.map((_, a) => (lastIsToday ? rec.equity(a)[n - 1]! : dayStart[a]!));
  }

  /**
   * Writes the queue, oldest first; a failure leaves the unwritten rest queued and is thrown (the
   * caller logs it once per outage). Returns the rows written.
   */
  async flush(repo: Pick<PerformanceRepo, 'recordEquity' | 'recordDailyEquity'>): Promise<number> {
    let written = 0;
    for (const [key, d] of this.#days) {
      await repo.recordDailyEquity(
        this.#bot,
        d.arm,
        this.#revision,
        d.time,
        d.startEquityKRW,
        d.endEquityKRW,
      );
      // A newer version of the same day queued while this one was in flight stays queued.
      if (this.#days.get(key) === d) this.#days.delete(key);
      written++;
    }
    for (let s = this.#snapshots[0]; s !== undefined; s = this.#snapshots[0]) {
      await repo.recordEquity(s);
      // collect() may have trimmed the queue meanwhile: remove this snapshot, not whatever is first now.
      const at = this.#snapshots.indexOf(s);
      if (at >= 0) this.#snapshots.splice(at, 1);
      written++;
    }
    return written;
  }

  #queueDay(loop: RecordedLoop, time: number): void {
    loop.arms.forEach((arm, a) => {
      const key = `${arm.spec.name}\u0000${kstDate(kstDay(time))}`;
      this.#days.set(key, {
        arm: arm.spec.name,
        time,
        startEquityKRW: this.#dayStart[a]!,
        endEquityKRW: this.#dayEnd[a]!,
      });
    });
  }
}

// Equity and exposure per arm at every decision step, in growable typed arrays: the hot loop writes
// two numbers per arm per step and allocates only when the arrays double.
export class EquityRecorder {
  readonly arms: number;
  #times: Float64Array;
  #equity: Float64Array[];
  #exposureSum: Float64Array;
  #length = 0;

  constructor(arms: number, capacity: number) {
    this.arms = arms;
    const size = Math.max(16, capacity);
    this.#times = new Float64Array(size);
    this.#equity = Array.from({ length: arms }, () => new Float64Array(size));
    this.#exposureSum = new Float64Array(arms);
  }

  /** Starts a row for `time` and returns its index. */
  begin(time: number): number {
    if (this.#length === this.#times.length) this.#grow();
    const row = this.#length++;
    this.#times[row] = time;
    return row;
  }

  set(row: number, arm: number, equity: number, exposurePct: number): void {
    this.#equity[arm]![row] = equity;
    this.#exposureSum[arm]! += exposurePct;
  }

  get length(): number {
    return this.#length;
  }

  /** Views (no copy) of the recorded rows. */
  times(): Float64Array {
    return this.#times.subarray(0, this.#length);
  }

  equity(arm: number): Float64Array {
    return this.#equity[arm]!.subarray(0, this.#length);
  }

  exposureSum(arm: number): number {
    return this.#exposureSum[arm]!;
  }

  #grow(): void {
    const grow = (a: Float64Array): Float64Array => {
      const next = new Float64Array(a.length * 2);
      next.set(a);
      return next;
    };
    this.#times = grow(this.#times);
    this.#equity = this.#equity.map(grow);
  }
}

// Simulated time for tests of a loop that writes to the store: between cycles it waits for the
// writes in flight, as minutes of wall time between live cycles would.
import { SimulatedClock } from '../loop/clock.ts';

export class FlushPacedClock extends SimulatedClock {
  readonly #inFlight: () => Promise<unknown> | undefined;
  constructor(start: number, inFlight: () => Promise<unknown> | undefined) {
    super(start);
    this.#inFlight = inFlight;
  }
  override async sleepUntil(time: number, signal?: AbortSignal): Promise<boolean> {
    await this.#inFlight();
    return super.sleepUntil(time, signal);
  }
}

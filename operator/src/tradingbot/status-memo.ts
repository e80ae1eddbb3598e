// The informer cache can lag our own status writes: a reconcile that runs before the watch
// delivers the write sees the old status, recomputes conditions from it (moving
// lastTransitionTime) and writes again. Measured: with child events re-queueing a bot right
// after its first status write, about one run in three rewrote the status that way.
// So we remember what we wrote over which resourceVersion: while the cache still shows that
// very resourceVersion, our write is the truth; once the cache moves on, the cache is.
import type { TradingBot } from '@kubetrade/crds';

type Status = NonNullable<TradingBot['status']>;

export class StatusMemo {
  readonly #written = new Map<string, { baseResourceVersion: string; status: Status }>();

  remember(key: string, baseResourceVersion: string | undefined, status: Status): void {
    if (baseResourceVersion) this.#written.set(key, { baseResourceVersion, status });
  }

  /** The status to reason from: our last write if the cache has not caught up with it. */
  effective(key: string, bot: TradingBot): TradingBot['status'] {
    const memo = this.#written.get(key);
    if (memo && memo.baseResourceVersion === bot.metadata.resourceVersion)
      return { ...bot.status, ...memo.status };
    this.#written.delete(key);
    return bot.status;
  }

  forget(key: string): void {
    this.#written.delete(key);
  }
}

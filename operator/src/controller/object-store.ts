// The informer's cache as a pure data structure: objects by `namespace/name`, and the events a
// change produces (add / update only when the resourceVersion moved / delete). The informer's
// loop feeds it lists and watch events; handlers see what it returns.
import type { KubernetesObject } from '@kubernetes/client-node';
import { objectKey } from './object-key.ts';

export type StoreEvent<T> =
  | { type: 'add'; obj: T }
  | { type: 'update'; old: T; obj: T }
  | { type: 'delete'; obj: T };

export class ObjectStore<T extends KubernetesObject> {
  #items = new Map<string, T>();

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  values(): IterableIterator<T> {
    return this.#items.values();
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  get size(): number {
    return this.#items.size;
  }

  /** Swaps in the result of a full list; returns what differs from before. */
  replace(items: T[]): StoreEvent<T>[] {
    const previous = this.#items;
    const next = new Map<string, T>();
    for (const item of items) next.set(objectKey(item), item);
    this.#items = next;
    const events: StoreEvent<T>[] = [];
    for (const [key, obj] of next) {
      const old = previous.get(key);
      if (!old) events.push({ type: 'add', obj });
      else if (changed(old, obj)) events.push({ type: 'update', old, obj });
    }
    for (const [key, obj] of previous) if (!next.has(key)) events.push({ type: 'delete', obj });
    return events;
  }

  /** An ADDED or MODIFIED watch event. */
  upsert(obj: T): StoreEvent<T> | undefined {
    const key = objectKey(obj);
    const old = this.#items.get(key);
    this.#items.set(key, obj);
    if (!old) return { type: 'add', obj };
    return changed(old, obj) ? { type: 'update', old, obj } : undefined;
  }

  /** A DELETED watch event; nothing to report for an object we never had. */
  remove(obj: T): StoreEvent<T> | undefined {
    const key = objectKey(obj);
    if (!this.#items.delete(key)) return undefined;
    return { type: 'delete', obj };
  }
}

// The same resourceVersion is the same object: a re-list or a replayed event must not wake handlers.
const changed = (a: KubernetesObject, b: KubernetesObject): boolean =>
  a.metadata?.resourceVersion !== b.metadata?.resourceVersion;

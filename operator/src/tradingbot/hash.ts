// Content hashes of Kubernetes objects and specs. Keys are sorted before hashing so two objects
// that differ only in key order (JSON from the apiserver vs. one built in code) hash the same.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted recursively; arrays keep their order (order is meaning there). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/**
 * A short hex digest. 10 hex chars = 40 bits: collisions among the few revisions of one bot are
 * negligible, and it keeps names and label values (63 chars) readable.
 */
export function shortHash(value: unknown, length = 10): string {
  const text = typeof value === 'string' ? value : canonicalJson(value);
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

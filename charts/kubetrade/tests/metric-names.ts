// The metric names kubetrade's code really exports, read from the source (prom-client metric
// definitions in operator/src and bot-runtime/src), so alert and dashboard queries can be checked
// against them without starting either process.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
const SOURCES = ['operator/src', 'bot-runtime/src'];
/** Prefixes of the metrics kubetrade exports (its own and the controller-runtime-compatible ones). */
const PREFIX = '(?:kubetrade_|controller_runtime_|workqueue_|leader_election_|rest_client_)';
// `name: '...'` in a prom-client definition, or a `..._METRIC = '...'` constant that one uses.
const DEFINED = new RegExp(`(?:\\bname\\s*[:=]|_METRIC\\s*=)\\s*'(${PREFIX}[a-z0-9_]+)'`, 'g');
const USED = new RegExp(`\\b(${PREFIX}[a-z0-9_]+)\\b`, 'g');
/** Series a histogram exports besides its name. */
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

export function exportedMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const dir of SOURCES)
    for (const file of sourceFiles(resolve(ROOT, dir)))
      for (const m of readFileSync(file, 'utf8').matchAll(DEFINED)) names.add(m[1] as string);
  return names;
}

/** Metric names a PromQL expression reads (histogram series mapped to their histogram). */
export function metricsIn(expr: string): string[] {
  return [...expr.matchAll(USED)].map((m) => m[1] as string);
}

export function unknownMetrics(expr: string, known: Set<string>): string[] {
  return metricsIn(expr).filter((name) => !known.has(name) && !known.has(name.replace(HISTOGRAM_SERIES, '')));
}

// results.jsonl: one CandidateRecord per line. Appended as candidates finish (any order; a killed
// sweep loses at most the line being written), read back to skip finished candidates, and
// rewritten in candidate order when the sweep completes, so two runs give the same bytes.
import { appendFileSync, existsSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { SweepError } from './errors.ts';
import type { CandidateRecord } from './evaluate.ts';

/** JSON has no NaN: undefined figures (win rate with no trades) are written as null. */
export function recordLine(record: CandidateRecord): string {
  return `${JSON.stringify(record, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`;
}

export function parseRecord(line: string): CandidateRecord {
  const r = JSON.parse(line, (_k, v) => (v === null ? Number.NaN : v)) as CandidateRecord;
  if (typeof r.key !== 'string' || !Number.isInteger(r.index) || !Array.isArray(r.equity))
    throw new Error('not a sweep result record');
  return r;
}

/** Parses JSONL text; a torn last line (the process was killed mid-write) is dropped. */
export function parseRecords(text: string, source: string): CandidateRecord[] {
  const lines = text.split('\n');
  const out: CandidateRecord[] = [];
  lines.forEach((line, i) => {
    if (line === '') return;
    try {
      out.push(parseRecord(line));
    } catch (e) {
      const last = i === lines.length - 1;
      if (!last) throw new SweepError('RESULTS', `${source}: line ${i + 1}: ${(e as Error).message}`);
    }
  });
  return out;
}

export class ResultsFile {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }

  /** Finished records by key; cuts a torn last line off the file so appends start on a fresh line. */
  load(): Map<string, CandidateRecord> {
    if (!existsSync(this.path)) return new Map();
    const text = readFileSync(this.path, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) truncateSync(this.path, end);
    return new Map(parseRecords(text.slice(0, end), this.path).map((r) => [r.key, r]));
  }

  append(record: CandidateRecord): void {
    appendFileSync(this.path, recordLine(record));
  }

  /** The final file: exactly the given records, in candidate order (write + rename, never half-written). */
  writeSorted(records: readonly CandidateRecord[]): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, sortedText(records));
    renameSync(tmp, this.path);
  }
}

export function sortedText(records: readonly CandidateRecord[]): string {
  return [...records]
    .sort((a, b) => a.index - b.index)
    .map(recordLine)
    .join('');
}

// The sweep's files and objects: results.jsonl round trip and torn lines, the winner TradingBot and
// patch, the Indexed Job's objects, the ETA.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTradingBotYaml } from '@kubetrade/crds';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CandidateRecord } from './evaluate.ts';
import { desiredSweepObjects, shardArgs } from './job.ts';
import { clock, sweepProgress } from './progress.ts';
import { parseRecords, ResultsFile, recordLine } from './results-file.ts';
import { winnerFiles } from './winner.ts';

const tmp = mkdtempSync(join(tmpdir(), 'kubetrade-sweep-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const rec = (index: number): CandidateRecord => ({
  index,
  key: `key-${index}`,
  params: { 'engine.technical.rsi.oversold': 25 + index },
  metrics: { winRate: Number.NaN } as CandidateRecord['metrics'],
  criteria: [{ id: 'winRate', value: Number.NaN, pass: false }],
  initialEquity: 100,
  days: [1, 2],
  equity: [101, 102.5],
});

describe('results.jsonl', () => {
  it('round-trips NaN as null and back', () => {
    const line = recordLine(rec(0));
    expect(line).toContain('"winRate":null');
    expect(parseRecords(line, 'x')[0]!.metrics.winRate).toBeNaN();
  });

  it('drops and cuts off a torn last line, then appends on a fresh line; rewrites in candidate order', () => {
    const path = join(tmp, 'results.jsonl');
    writeFileSync(path, `${recordLine(rec(2))}${recordLine(rec(0)).slice(0, 30)}`);
    const file = new ResultsFile(path);
    expect([...file.load().keys()]).toEqual(['key-2']);
    file.append(rec(1));
    expect(parseRecords(readFileSync(path, 'utf8'), path).map((r) => r.index)).toEqual([2, 1]);
    file.writeSorted([rec(2), rec(0), rec(1)]);
    expect(readFileSync(path, 'utf8')).toBe([0, 1, 2].map((i) => recordLine(rec(i))).join(''));
  });

  it('a bad line in the middle is an error naming the line', () => {
    expect(() => parseRecords(`{"oops":1}\n${recordLine(rec(0))}`, 'r.jsonl')).toThrow(/r.jsonl: line 1/);
  });
});

describe('winner', () => {
  const bot = `# my bot
apiVersion: kubetrade.io/v1alpha1
kind: TradingBot
metadata:
  name: krw-majors
spec:
  engine:
    technical:
      rsi: { period: 14, oversold: 30, overbought: 70 } # seed
`;
  it('keeps the file, sets the values, suffixes the name, validates; the patch holds only the values', () => {
    const w = winnerFiles(
      bot,
      'bot.yaml',
      { 'engine.technical.rsi.oversold': 25, 'engine.technical.volumeSurge': 1.5 },
      'winner #3',
    );
    expect(w.name).toBe('krw-majors-sweep');
    expect(w.tradingBot).toContain('# my bot');
    expect(w.tradingBot).toContain('# seed');
    const parsed = loadTradingBotYaml(w.tradingBot, 'winner.yaml');
    expect(parsed.spec.engine?.technical?.rsi?.oversold).toBe(25);
    expect(parsed.spec.engine?.technical?.rsi?.overbought).toBe(70);
    expect(parse(w.patch)).toEqual({
      spec: { engine: { technical: { rsi: { oversold: 25 }, volumeSurge: 1.5 } } },
    });
  });
});

describe('Indexed Job objects', () => {
  const o = {
    name: 'b-sweep',
    namespace: 'ns',
    image: 'img:1',
    completions: 4,
    parallelism: 2,
    botYaml: 'bot',
    gridYaml: 'grid',
    passThrough: ['--synthetic', '7'],
  };
  const objs = desiredSweepObjects(o);

  it('an Indexed Job with the completions, parallelism and the shard command', () => {
    const spec = objs.job.spec!;
    expect(spec.completionMode).toBe('Indexed');
    expect(spec.completions).toBe(4);
    expect(spec.parallelism).toBe(2);
    const c = spec.template.spec!.containers[0]!;
    expect(c.args).toEqual(shardArgs(o));
    expect(c.args!.join(' ')).toContain(
      '--synthetic 7 --namespace ns --workers 1 --shards 4 --shard $(JOB_COMPLETION_INDEX)',
    );
    expect(spec.template.spec!.volumes?.map((v) => v.name)).toEqual(['inputs', 'tmp']);
  });

  it('a Role that can write only the four result ConfigMaps', () => {
    expect(objs.role.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['b-sweep-result-0', 'b-sweep-result-1', 'b-sweep-result-2', 'b-sweep-result-3'],
        verbs: ['get', 'update', 'patch'],
      },
    ]);
    expect(objs.inputs.data).toEqual({ 'bot.yaml': 'bot', 'grid.yaml': 'grid' });
  });
});

describe('progress', () => {
  it('ETA = mean time per finished candidate x candidates left', () => {
    let t = 0;
    const lines: string[] = [];
    const tick = sweepProgress({ write: (s: string) => lines.push(s) }, 4, () => t);
    t = 10_000;
    tick(1);
    t = 20_000;
    tick(4);
    expect(lines).toEqual(['sweep: 1/4 candidates, ETA 30s\n', 'sweep: 4/4 candidates, done in 20s\n']);
    expect(clock(75)).toBe('1m15s');
  });

  it('on a TTY: one redrawn bar with the ETA, a newline when done', () => {
    let t = 0;
    let text = '';
    const tick = sweepProgress({ isTTY: true, write: (s: string) => (text += s) }, 2, () => t);
    t = 5_000;
    tick(1);
    t = 10_000;
    tick(2);
    expect(text).toBe(
      `\rsweep [${'#'.repeat(15)}${'.'.repeat(15)}] 1/2 ETA 5s   \rsweep [${'#'.repeat(30)}] 2/2 done in 10s   \n`,
    );
  });
});

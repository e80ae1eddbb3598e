// The Argo CD health check (files/argocd-health.lua) run by a real Lua 5.4 interpreter against
// sample TradingBot statuses, the way Argo CD runs it: `obj` is the object, the script returns hs.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = readFileSync(resolve(import.meta.dirname, '../files/argocd-health.lua'), 'utf8');

/** A JSON value as a Lua table constructor (Argo CD hands the script such a table). */
function toLua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(toLua).join(', ')}}`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `[${JSON.stringify(k)}] = ${toLua(v)}`)
    .join(', ')}}`;
}

async function health(obj: unknown): Promise<{ status: string; message: string }> {
  const program = `obj = ${toLua(obj)}\nlocal hs = (function()\n${script}\nend)()\nprint(hs.status)\nprint(hs.message)\n`;
  const { stdout } = await run('lua5.4', ['-e', program], { timeout: 10_000 });
  const [status = '', message = ''] = stdout.split('\n');
  return { status, message };
}

const condition = (type: string, status: string, message = `${type} is ${status}`) => ({
  type,
  status,
  reason: 'Test',
  message,
  lastTransitionTime: '2026-11-24T00:00:00Z',
});

const bot = (status: unknown, generation = 2) => ({
  apiVersion: 'kubetrade.io/v1alpha1',
  kind: 'TradingBot',
  metadata: { name: 'krw-majors', generation },
  spec: { mode: 'paper' },
  status,
});

describe('Argo CD health check for TradingBot', () => {
  it.each([
    ['no status yet', bot(undefined), 'Progressing'],
    [
      'an old generation observed',
      bot({ observedGeneration: 1, phase: 'Running', conditions: [condition('Ready', 'True')] }),
      'Progressing',
    ],
    [
      'Ready',
      bot({
        observedGeneration: 2,
        phase: 'Running',
        conditions: [condition('Ready', 'True', 'runtime is up')],
      }),
      'Healthy',
    ],
    [
      'not Ready yet',
      bot({ observedGeneration: 2, phase: 'Pending', conditions: [condition('Ready', 'False', 'waiting')] }),
      'Progressing',
    ],
    [
      'Degraded condition',
      bot({
        observedGeneration: 2,
        phase: 'Degraded',
        conditions: [
          condition('Ready', 'False'),
          condition('Degraded', 'True', 'Secret upbit-keys not found'),
        ],
      }),
      'Degraded',
    ],
    [
      'RolledBack',
      bot({
        observedGeneration: 2,
        phase: 'RolledBack',
        conditions: [condition('Ready', 'True'), condition('RolledBack', 'True', 'rolled back after 3 days')],
      }),
      'Degraded',
    ],
    ['Degraded phase without a condition', bot({ observedGeneration: 2, phase: 'Degraded' }), 'Degraded'],
    [
      'Paused and ready',
      bot({ observedGeneration: 2, phase: 'Paused', conditions: [condition('Ready', 'True')] }),
      'Healthy',
    ],
  ])('%s -> %s', async (_name, obj, expected) => {
    const hs = await health(obj);
    expect(hs.status).toBe(expected);
    expect(hs.message.length).toBeGreaterThan(0);
  });

  it('carries the condition message through for on-call people', async () => {
    const hs = await health(
      bot({
        observedGeneration: 2,
        phase: 'Degraded',
        conditions: [condition('Degraded', 'True', 'Secret upbit-keys not found')],
      }),
    );
    expect(hs.message).toBe('Secret upbit-keys not found');
  });
});

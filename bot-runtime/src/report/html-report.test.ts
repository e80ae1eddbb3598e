// Renders the HTML report in headless Chromium (Debian's `chromium`; CI installs it) and reads the
// in-page render check from the DOM: both charts drawn, trade markers present, no script or console
// errors. Also writes a screenshot next to the report for a human to look at.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlReport } from './html-report.ts';
import { sampleResult } from './report.fixture.ts';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let dir: string;
let file: string;
let html: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubetrade-html-'));
  file = join(dir, 'report.html');
  html = htmlReport(await sampleResult());
  await writeFile(file, html);
});

afterAll(async () => {
  if (process.env.KEEP_REPORT) process.stdout.write(`report kept in ${dir}\n`);
  else await rm(dir, { recursive: true, force: true });
});

describe('HTML backtest report', () => {
  it('is self-contained: nothing is fetched from anywhere', () => {
    expect(html).not.toMatch(/<link|<img|src=|href=|@import|url\(/i);
    expect(html.match(/https?:\/\/[^"]*/g) ?? []).toEqual([
      'http://www.w3.org/2000/svg',
      'http://www.w3.org/2000/svg',
    ]);
  });

  it('renders its charts in headless Chromium with no console errors', async () => {
    expect(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_BIN)`,
    ).toBe(true);
    const profile = join(dir, 'profile');
    const { stdout } = await run(
      CHROMIUM,
      [...FLAGS, `--user-data-dir=${profile}`, '--virtual-time-budget=5000', '--dump-dom', `file://${file}`],
      { timeout: 60_000, maxBuffer: 64 << 20 },
    );
    const check = /<p id="render-check"([^>]*)>/.exec(stdout)?.[1] ?? '';
    const attr = (name: string): string | undefined => new RegExp(`data-${name}="([^"]*)"`).exec(check)?.[1];
    expect(attr('errors')).toBe('');
    expect(attr('charts')).toBe('2');
    expect(Number(attr('markers'))).toBeGreaterThan(0);
    expect(attr('ok')).toBe('true');

    const png = join(dir, 'report.png');
    await run(
      CHROMIUM,
      [
        ...FLAGS,
        `--user-data-dir=${profile}`,
        '--window-size=1100,1400',
        `--screenshot=${png}`,
        `file://${file}`,
      ],
      {
        timeout: 60_000,
      },
    );
    expect((await stat(png)).size).toBeGreaterThan(10_000);
    expect((await readFile(png)).subarray(1, 4).toString()).toBe('PNG');
  });
});

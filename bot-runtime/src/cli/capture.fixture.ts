// Captures a command's stdout/stderr in memory for CLI tests.
import type { CommandIo } from './backtest-command.ts';

export function captureIo(): { io: CommandIo; out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = {
    write: (s: string) => {
      out.push(s);
      return true;
    },
  } as unknown as CommandIo['stdout'];
  const stderr = {
    isTTY: false,
    write: (s: string) => {
      err.push(s);
      return true;
    },
  } as unknown as CommandIo['stderr'];
  return { io: { stdout, stderr }, out: () => out.join(''), err: () => err.join('') };
}

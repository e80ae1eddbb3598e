// Progress on stderr: a redrawn bar on a TTY, a plain line every 10 % otherwise (CI logs).
import type { WriteStream } from 'node:tty';

export function progressReporter(
  stream: NodeJS.WriteStream | WriteStream,
  label: string,
): (done: number, total: number) => void {
  const tty = stream.isTTY === true;
  let lastDecile = -1;
  let lastDraw = 0;
  return (done, total) => {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    if (tty) {
      const now = Date.now();
      if (frac < 1 && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const full = Math.round(frac * width);
      stream.write(
        `\r${label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}%${frac >= 1 ? '\n' : ''}`,
      );
      return;
    }
    const decile = Math.floor(frac * 10);
    if (decile !== lastDecile) {
      lastDecile = decile;
      stream.write(`${label}: ${decile * 10}% (${done}/${total})\n`);
    }
  };
}

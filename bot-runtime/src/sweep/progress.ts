// Sweep progress on stderr: a redrawn bar with candidates done and an ETA on a TTY, one plain line
// per finished candidate otherwise (CI logs, `kubectl logs` of a shard). The ETA is the mean time
// per finished candidate of this run times the candidates left (skipped ones cost nothing).
export function sweepProgress(
  stream: { write(text: string): unknown; isTTY?: boolean },
  total: number,
  now: () => number = () => performance.now(),
): (done: number) => void {
  const started = now();
  return (done) => {
    const elapsed = (now() - started) / 1000;
    const left = total - done;
    const eta = done > 0 ? (elapsed / done) * left : Number.NaN;
    const etaText = left === 0 ? `done in ${clock(elapsed)}` : `ETA ${Number.isNaN(eta) ? '?' : clock(eta)}`;
    if (stream.isTTY === true) {
      const width = 30;
      const full = total > 0 ? Math.round((done / total) * width) : width;
      stream.write(
        `\rsweep [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${done}/${total} ${etaText}   ${left === 0 ? '\n' : ''}`,
      );
    } else stream.write(`sweep: ${done}/${total} candidates, ${etaText}\n`);
  };
}

/** 75 -> "1m15s", 8.2 -> "8s". */
export function clock(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

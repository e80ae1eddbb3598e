// The trader lease on /metrics (issue 7 item 3 "lease holder"): whether THIS runtime holds its
// bot's single-trader lease, and the fencing token it trades under. Read at scrape time from the
// lease itself (isHeld() also turns false when the TTL ran out without a renewal, which no event
// announces), so the gauge can never say "holder" after the lease has lapsed.
import { Gauge, type Registry } from 'prom-client';

/** What the gauges read: a TraderLease (lease/trader-lease.ts) or a test double. */
export interface LeaseView {
  isHeld(): boolean;
  fencingToken(): number;
}

export const LEASE_HOLDER_METRIC = 'kubetrade_lease_holder';
export const LEASE_TOKEN_METRIC = 'kubetrade_lease_fencing_token';

/** Registers the two gauges on `registry`; returns a function that unregisters them. */
export function registerLeaseMetrics(registry: Registry, lease: LeaseView): () => void {
  new Gauge({
    name: LEASE_HOLDER_METRIC,
    help: "1 while this runtime holds its bot's single-trader lease (it may trade), 0 on standby or after losing it",
    registers: [registry],
    collect() {
      this.set(lease.isHeld() ? 1 : 0);
    },
  });
  new Gauge({
    name: LEASE_TOKEN_METRIC,
    help: 'Fencing token of the lease this runtime holds (0 while not holding); a new holder always has a higher one',
    registers: [registry],
    collect() {
      this.set(lease.isHeld() ? lease.fencingToken() : 0);
    },
  });
  return () => {
    registry.removeSingleMetric(LEASE_HOLDER_METRIC);
    registry.removeSingleMetric(LEASE_TOKEN_METRIC);
  };
}

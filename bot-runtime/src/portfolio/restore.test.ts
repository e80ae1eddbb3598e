import { describe, expect, it } from 'vitest';
import { Arm, type ArmSpec } from './arm.ts';
import { type EquityPoint, type LoggedFill, restoreArms } from './restore.ts';
import { kstDay } from './risk.ts';

const MARKETS = ['KRW-BTC', 'KRW-ETH'];
const ARMS: ArmSpec[] = [
  { name: 'enhanced', weight: 50, layers: ['technical', 'multiTimeframe'], mlValidation: true },
  { name: 'ml', weight: 50, layers: ['ml'], mlValidation: false },
];
const CASH = [5_000_000, 5_000_000];
/** 2026-11-20 12:00 KST. */
const NOW = Date.UTC(2026, 10, 20, 3);

let seq = 0;
function fill(over: Partial<LoggedFill>): LoggedFill {
  seq++;
  return {
    clientOrderId: `o${seq}`,
    arm: 'enhanced',
    market: 'KRW-BTC',
    side: 'buy',
    price: 100_000_000,
    volume: 0.01,
    fee: 500,
    time: NOW - 3_600_000 + seq * 60_000,
    confidence: 0.85,
    ...over,
  };
}

const restore = (fills: LoggedFill[], equity = new Map<string, EquityPoint[]>()) =>
  restoreArms({
    arms: ARMS,
    markets: MARKETS,
    initialCash: CASH,
    fills,
    time: NOW,
    equity,
    dailyLossLimitPct: 3,
  });

interface Expected {
  arm: number;
  cash: number;
  volume: [number, number];
  /** Average entry price of the open volume per market (cost incl. buy fee / volume). */
  avgEntry?: [number, number];
  realisedPnl: number;
  trades: number;
  feesPaid: number;
}

const cases: { name: string; fills: LoggedFill[]; expect: Expected[] }[] = [
  {
    name: 'no fills: the capital split, flat',
    fills: [],
    expect: [
      { arm: 0, cash: 5_000_000, volume: [0, 0], realisedPnl: 0, trades: 0, feesPaid: 0 },
      { arm: 1, cash: 5_000_000, volume: [0, 0], realisedPnl: 0, trades: 0, feesPaid: 0 },
    ],
  },
  {
    name: 'a buy pays notional (rounded up to the won) plus its fee',
    fills: [fill({ price: 100_000_001, volume: 0.01, fee: 500 })],
    expect: [
      {
        arm: 0,
        cash: 5_000_000 - 1_000_001 - 500,
        volume: [0.01, 0],
        avgEntry: [(1_000_001 + 500) / 0.01, 0],
        realisedPnl: 0,
        trades: 0,
        feesPaid: 500,
      },
    ],
  },
  {
    name: 'buy then sell: one round trip, both fees in the realised P&L',
    fills: [fill({}), fill({ side: 'sell', price: 110_000_000, fee: 550 })],
    expect: [
      {
        arm: 0,
        cash: 5_000_000 - 1_000_500 + 1_100_000 - 550,
        volume: [0, 0],
        realisedPnl: 1_100_000 - 550 - 1_000_500,
        trades: 1,
        feesPaid: 1_050,
      },
    ],
  },
  {
    name: 'partial fills: a buy in two trades, a sell in two trades, one round trip',
    fills: [
      fill({ volume: 0.004, fee: 200 }),
      fill({ volume: 0.006, price: 100_000_500, fee: 300.025 }),
      fill({ side: 'sell', volume: 0.005, price: 101_000_000, fee: 252.5 }),
      fill({ side: 'sell', volume: 0.005, price: 102_000_000, fee: 255 }),
    ],
    expect: [
      {
        arm: 0,
        cash: 5_000_000 - (400_000 + 200) - (600_003 + 300.025) + (505_000 - 252.5) + (510_000 - 255),
        volume: [0, 0],
        realisedPnl: 505_000 - 252.5 + 510_000 - 255 - (400_200 + 600_303.025),
        trades: 1,
        feesPaid: 200 + 300.025 + 252.5 + 255,
      },
    ],
  },
  {
    name: 'buys and sells across markets and arms, one position left open',
    fills: [
      fill({ arm: 'enhanced', market: 'KRW-BTC' }),
      fill({ arm: 'ml', market: 'KRW-ETH', price: 5_000_000, volume: 0.2, fee: 500 }),
      fill({ arm: 'enhanced', market: 'KRW-ETH', price: 5_000_000, volume: 0.1, fee: 250 }),
      fill({ arm: 'ml', market: 'KRW-ETH', side: 'sell', price: 4_900_000, volume: 0.2, fee: 490 }),
    ],
    expect: [
      {
        arm: 0,
        cash: 5_000_000 - 1_000_500 - 500_250,
        volume: [0.01, 0.1],
        avgEntry: [1_000_500 / 0.01, 500_250 / 0.1],
        realisedPnl: 0,
        trades: 0,
        feesPaid: 750,
      },
      {
        arm: 1,
        cash: 5_000_000 - 1_000_500 + 980_000 - 490,
        volume: [0, 0],
        realisedPnl: 980_000 - 490 - 1_000_500,
        trades: 1,
        feesPaid: 990,
      },
    ],
  },
  {
    name: 'fills of an arm or market the revision no longer has are outside the books',
    fills: [fill({ arm: 'gone' }), fill({ market: 'KRW-DOGE' })],
    expect: [{ arm: 0, cash: 5_000_000, volume: [0, 0], realisedPnl: 0, trades: 0, feesPaid: 0 }],
  },
];

describe('restoreArms: stored fills + capital split -> arm state', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { arms } = restore(c.fills);
      for (const e of c.expect) {
        const arm = arms[e.arm]!;
        expect(arm.cash).toBeCloseTo(e.cash, 6);
        expect(arm.volume[0]).toBeCloseTo(e.volume[0], 12);
        expect(arm.volume[1]).toBeCloseTo(e.volume[1], 12);
        if (e.avgEntry)
          e.avgEntry.forEach((p, m) => {
            if (p > 0) expect(arm.cost[m]! / arm.volume[m]!).toBeCloseTo(p, 4);
          });
        expect(arm.realisedPnl).toBeCloseTo(e.realisedPnl, 6);
        expect(arm.roundTrips).toHaveLength(e.trades);
        expect(arm.feesPaid).toBeCloseTo(e.feesPaid, 6);
      }
    });
  }

  it('counts the fills it could not book', () => {
    expect(restore([fill({ arm: 'gone' }), fill({}), fill({ market: 'KRW-DOGE' })]).skipped).toBe(2);
  });

  it("a takeover's inherited fills (previous holder's, then its own) give the books of the arm that booked them live", () => {
    // The previous holder traded both arms; the new holder then traded and crashed in turn.
    const previous = [
      fill({ arm: 'enhanced', clientOrderId: 'old-1' }),
      fill({ arm: 'ml', market: 'KRW-ETH', price: 5_000_000, volume: 0.2, fee: 500, clientOrderId: 'old-2' }),
      fill({ arm: 'enhanced', side: 'sell', price: 99_000_000, fee: 495, clientOrderId: 'old-3' }),
    ];
    const own = [
      fill({ arm: 'enhanced', market: 'KRW-ETH', price: 5_100_000, volume: 0.1, fee: 255 }),
      fill({ arm: 'ml', market: 'KRW-ETH', side: 'sell', price: 5_200_000, volume: 0.2, fee: 520 }),
    ];
    const live = ARMS.map((spec, a) => new Arm(spec, MARKETS, CASH[a]!, NOW));
    for (const f of [...previous, ...own])
      live[ARMS.findIndex((s) => s.name === f.arm)]!.applyFill(MARKETS.indexOf(f.market), f, f.confidence);
    const { arms } = restore([...previous, ...own]);
    arms.forEach((arm, a) => {
      const want = live[a]!;
      expect(arm.cash).toBe(want.cash);
      expect([...arm.volume]).toEqual([...want.volume]);
      expect([...arm.cost]).toEqual([...want.cost]);
      expect(arm.realisedPnl).toBe(want.realisedPnl);
      expect(arm.roundTrips).toEqual(want.roundTrips);
      expect(arm.confidenceSum).toBe(want.confidenceSum);
    });
    expect(arms[0]!.roundTrips).toHaveLength(1);
    expect(arms[1]!.roundTrips).toHaveLength(1);
  });
});

describe('restoreArms: the daily-loss state replayed from the stored equity snapshots', () => {
  const HOUR = 3_600_000;
  /** 00:00 KST of NOW's day. */
  const TODAY = Date.UTC(2026, 10, 19, 15);
  const curve = (...points: [hoursFromToday: number, equity: number][]): Map<string, EquityPoint[]> =>
    new Map([['enhanced', points.map(([h, equity]) => ({ time: TODAY + h * HOUR, equity }))]]);
  const dayCases: {
    name: string;
    equity: Map<string, EquityPoint[]>;
    day: number;
    start: number;
    halted: boolean;
    breaches: number;
  }[] = [
    {
      name: 'no snapshots: the arm default (initial cash, not halted)',
      equity: new Map(),
      day: kstDay(NOW),
      start: 5_000_000,
      halted: false,
      breaches: 0,
    },
    {
      name: "today's start is the equity at today's first step, not the initial cash",
      equity: curve([-20, 5_000_000], [-1, 5_150_000], [0.1, 5_200_000], [2, 5_100_000]),
      day: kstDay(NOW),
      start: 5_200_000,
      halted: false,
      breaches: 0,
    },
    {
      name: 'fell to exactly -3 % today and recovered: still halted until the next KST day',
      equity: curve([0.1, 5_000_000], [1, 4_850_000], [2, 5_100_000]),
      day: kstDay(NOW),
      start: 5_000_000,
      halted: true,
      breaches: 1,
    },
    {
      name: 'one won above the limit: not halted',
      equity: curve([0.1, 5_000_000], [1, 4_850_001]),
      day: kstDay(NOW),
      start: 5_000_000,
      halted: false,
      breaches: 0,
    },
    {
      name: "yesterday's halt ends with the day; yesterday's breach still counts",
      equity: curve([-10, 5_000_000], [-5, 4_800_000], [0.5, 4_790_000]),
      day: kstDay(NOW),
      start: 4_790_000,
      halted: false,
      breaches: 1,
    },
    {
      name: "no snapshot today yet: the state stays on the last stored day (today's first step starts the day)",
      equity: curve([-10, 5_000_000], [-2, 5_050_000]),
      day: kstDay(NOW) - 1,
      start: 5_000_000,
      halted: false,
      breaches: 0,
    },
  ];
  for (const c of dayCases) {
    it(c.name, () => {
      const { arms } = restore([], c.equity);
      const s = arms[0]!.dailyLoss;
      expect(s).toEqual({ day: c.day, dayStartEquity: c.start, halted: c.halted, breaches: c.breaches });
      // The other arm had no snapshots.
      expect(arms[1]!.dailyLoss.dayStartEquity).toBe(5_000_000);
    });
  }
});

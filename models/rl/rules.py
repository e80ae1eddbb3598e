"""The runtime's money rules, as the environment needs them.

The numbers come from the TradingBot spec resolved by the runtime's own defaulting
(`@kubetrade/crds` applyDefaults, called through node), never from constants here. The rules
mirror, line for line, the runtime modules named in each function (one place each there):
  bot-runtime/src/portfolio/market-rules.ts  quote currency, minimum order, cash rounding, fee
  bot-runtime/src/portfolio/risk.ts          entry size, daily loss limit (KST day)
  bot-runtime/src/execution/paper-broker.ts  fill at the next candle's open, slippage against the trader
  bot-runtime/src/portfolio/orders.ts        long only, one position per market, SELL closes it all
Tick rounding of KRW prices is not mirrored: the training candles are USDT-quoted
(../shared/data/binance), where the runtime passes prices through unrounded as well.
"""

from __future__ import annotations

import json
import math
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NODE = REPO / "node_modules" / ".bin" / "node"

KST_OFFSET_MS = 9 * 3_600_000  # Asia/Seoul is UTC+9 all year (risk.ts kstDay)
DAY_MS = 86_400_000


@dataclass(frozen=True)
class TradingRules:
    """The slice of a resolved TradingBot spec the environment trades by."""

    fee_pct: float  # spec.risk.feePct, per side
    slippage_pct: float  # spec.risk.slippagePct (paper broker)
    max_position_pct: float  # spec.risk.maxPositionPct, of the arm's equity per market
    min_order_krw: float  # spec.risk.minOrderKRW (KRW markets only)
    daily_loss_limit_pct: float  # spec.risk.dailyLossLimitPct
    min_confidence: float  # spec.engine.combine.minConfidence
    capital: float  # the rl arm's share of spec.capital.totalKRW

    def to_json(self) -> dict:
        return asdict(self)


_RESOLVE_JS = """
import { readFileSync } from 'node:fs';
import { applyDefaults, loadTradingBotYaml } from '@kubetrade/crds';
const file = process.argv[1];
const spec = applyDefaults(file ? loadTradingBotYaml(readFileSync(file, 'utf8'), file).spec : undefined);
console.log(JSON.stringify(spec));
"""


def resolve_spec(tradingbot_yaml: str | None = None) -> dict:
    """The spec as the runtime resolves it (defaults applied, validated) -- via node, not a copy."""
    cmd = [str(NODE), "--input-type=module", "-e", _RESOLVE_JS]
    if tradingbot_yaml:
        cmd.append(str(Path(tradingbot_yaml).resolve()))
    out = subprocess.run(cmd, check=True, cwd=REPO, capture_output=True, text=True).stdout
    return json.loads(out)


def rules_from_spec(spec: dict) -> TradingRules:
    risk = spec["risk"]
    total = float(spec["capital"]["totalKRW"])
    # The capital of the arm that trades the rl layer; the whole capital when no arm lists it yet.
    weight = next((a["weight"] for a in spec["capital"]["split"] if "rl" in a["layers"]), 100)
    return TradingRules(
        fee_pct=float(risk["feePct"]),
        slippage_pct=float(risk["slippagePct"]),
        max_position_pct=float(risk["maxPositionPct"]),
        min_order_krw=float(risk["minOrderKRW"]),
        daily_loss_limit_pct=float(risk["dailyLossLimitPct"]),
        min_confidence=float(spec["engine"]["combine"]["minConfidence"]),
        capital=total * weight / 100,
    )


# --- market-rules.ts ---------------------------------------------------------------------------


def is_krw_market(market: str) -> bool:
    dash = market.find("-")
    return (market[:dash] if dash > 0 else market) == "KRW"


def min_order_quote(market: str, min_order_krw: float) -> float:
    return min_order_krw if is_krw_market(market) else 0.0


def cash_unit(market: str) -> float:
    return 1.0 if is_krw_market(market) else 1e-8


def round_cash(market: str, amount: float, direction: str) -> float:
    """KRW in whole won, other quote currencies to 1e-8; `direction` rounds against the trader."""
    if is_krw_market(market):
        snapped = round(amount, 6)
        return float(math.floor(snapped) if direction == "down" else math.ceil(snapped))
    scaled = round(amount * 1e8, 4)
    return (math.floor(scaled) if direction == "down" else math.ceil(scaled)) / 1e8


def trade_fee(market: str, notional: float, fee_pct: float) -> float:
    return round_cash(market, notional * fee_pct / 100, "up")


# --- risk.ts -----------------------------------------------------------------------------------


def entry_size(market: str, confidence: float, equity: float, cash: float, halted: bool, r: TradingRules) -> float | str:
    """Quote to spend on a new position, or the runtime's refusal code."""
    if not confidence >= r.min_confidence:
        return "BELOW_MIN_CONFIDENCE"
    if halted:
        return "DAILY_LOSS_LIMIT"
    slot = equity * r.max_position_pct * min(confidence, 1.0) / 100
    affordable = cash / (1 + r.fee_pct / 100)
    quote = round_cash(market, min(slot, affordable), "down")
    while quote > 0 and quote + trade_fee(market, quote, r.fee_pct) > cash:
        quote = round_cash(market, quote - cash_unit(market), "down")
    if quote <= 0:
        return "NO_CASH"
    if quote < min_order_quote(market, r.min_order_krw):
        return "BELOW_MIN_ORDER"
    return quote


def kst_day(time_ms: int) -> int:
    return (int(time_ms) + KST_OFFSET_MS) // DAY_MS

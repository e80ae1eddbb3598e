-- kubetrade trade store, version 1. Applied by store/migrate.ts on PostgreSQL and PGlite alike.
-- Money and volumes are NUMERIC (exact decimal; numeric.ts converts at the edge). Times are
-- timestamptz. Confidence is a ratio, not money: double precision.

-- The newest fencing token seen per bot (lease/trader-lease.ts issues them with Redis INCR).
-- An order intent is only written in a transaction that raised this row to the writer's token
-- and found no newer one (DESIGN.md "Money safety first": the exchange cannot check a token).
CREATE TABLE trader_fences (
  bot text PRIMARY KEY,
  token bigint NOT NULL CHECK (token > 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Orders keyed by their deterministic client order id (Upbit `identifier`).
-- intent -> submitted -> partially_filled* -> filled | cancelled | rejected (store/order-states.ts).
CREATE TABLE orders (
  client_order_id text PRIMARY KEY,
  bot text NOT NULL,
  revision text NOT NULL,
  arm text NOT NULL,
  market text NOT NULL,
  side text NOT NULL CHECK (side IN ('buy', 'sell')),
  -- buy: KRW to spend; sell: base volume. Exactly one (types.ts OrderIntent).
  quote_amount numeric CHECK (quote_amount > 0),
  volume numeric CHECK (volume > 0),
  decision_time timestamptz NOT NULL,
  confidence double precision NOT NULL,
  signal jsonb NOT NULL,
  fencing_token bigint NOT NULL,
  state text NOT NULL DEFAULT 'intent'
    CHECK (state IN ('intent', 'submitted', 'partially_filled', 'filled', 'cancelled', 'rejected')),
  exchange_order_id text,
  filled_volume numeric NOT NULL DEFAULT 0 CHECK (filled_volume >= 0),
  filled_quote numeric NOT NULL DEFAULT 0 CHECK (filled_quote >= 0),
  fees numeric NOT NULL DEFAULT 0 CHECK (fees >= 0),
  reason_code text,
  reason_message text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((quote_amount IS NULL) <> (volume IS NULL))
);
CREATE INDEX orders_open_by_bot ON orders (bot, created_at)
  WHERE state IN ('intent', 'submitted', 'partially_filled');

-- The state machine a second time, in the database: a writer that bypasses the repository (or a
-- bug in it) still cannot move an order backwards or out of a final state.
CREATE FUNCTION kubetrade_order_transition_legal(from_state text, to_state text) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$
  SELECT from_state = to_state AND from_state IN ('intent', 'submitted', 'partially_filled')
    OR (from_state, to_state) IN (
      ('intent', 'submitted'), ('intent', 'rejected'), ('intent', 'cancelled'),
      ('submitted', 'partially_filled'), ('submitted', 'filled'),
      ('submitted', 'cancelled'), ('submitted', 'rejected'),
      ('partially_filled', 'filled'), ('partially_filled', 'cancelled'))
$$;

CREATE FUNCTION kubetrade_orders_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state IS DISTINCT FROM OLD.state
     AND NOT kubetrade_order_transition_legal(OLD.state, NEW.state) THEN
    RAISE EXCEPTION 'illegal order transition % -> % for %', OLD.state, NEW.state, OLD.client_order_id
      USING ERRCODE = 'check_violation', HINT = 'kubetrade_order_transition';
  END IF;
  IF NEW.filled_volume < OLD.filled_volume THEN
    RAISE EXCEPTION 'filled volume of % cannot shrink (% -> %)', OLD.client_order_id,
      OLD.filled_volume, NEW.filled_volume
      USING ERRCODE = 'check_violation', HINT = 'kubetrade_order_transition';
  END IF;
  IF (NEW.client_order_id, NEW.bot, NEW.market, NEW.side, NEW.fencing_token)
     IS DISTINCT FROM (OLD.client_order_id, OLD.bot, OLD.market, OLD.side, OLD.fencing_token) THEN
    RAISE EXCEPTION 'the identity of order % is immutable', OLD.client_order_id
      USING ERRCODE = 'check_violation', HINT = 'kubetrade_order_transition';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER orders_state_machine BEFORE UPDATE ON orders
  FOR EACH ROW EXECUTE FUNCTION kubetrade_orders_guard();

-- The seed's table: every fill. `fill_key` makes writing a fill idempotent (exactly once even
-- when the normal path and start-up reconciliation both see it).
CREATE TABLE trade_logs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fill_key text NOT NULL UNIQUE,
  client_order_id text NOT NULL REFERENCES orders (client_order_id),
  bot text NOT NULL,
  revision text NOT NULL,
  arm text NOT NULL,
  market text NOT NULL,
  side text NOT NULL CHECK (side IN ('buy', 'sell')),
  price numeric NOT NULL CHECK (price > 0),
  volume numeric NOT NULL CHECK (volume > 0),
  fee numeric NOT NULL CHECK (fee >= 0),
  confidence double precision NOT NULL,
  -- Each layer's own signal at the decision (types.ts Signal.layers), for the dashboard and audits.
  layers jsonb NOT NULL,
  source text NOT NULL CHECK (source IN ('broker', 'reconcile')),
  filled_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trade_logs_by_bot_time ON trade_logs (bot, filled_at);
CREATE INDEX trade_logs_by_order ON trade_logs (client_order_id);

CREATE TABLE positions (
  bot text NOT NULL,
  arm text NOT NULL,
  market text NOT NULL,
  volume numeric NOT NULL CHECK (volume >= 0),
  avg_price numeric NOT NULL CHECK (avg_price >= 0),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (bot, arm, market)
);

CREATE TABLE equity_snapshots (
  bot text NOT NULL,
  arm text NOT NULL,
  taken_at timestamptz NOT NULL,
  revision text NOT NULL,
  equity_krw numeric NOT NULL,
  cash_krw numeric NOT NULL,
  PRIMARY KEY (bot, arm, taken_at)
);

-- One row per KST calendar day (SPEC.md rollback rule counts KST days).
CREATE TABLE daily_returns (
  bot text NOT NULL,
  arm text NOT NULL,
  day date NOT NULL,
  revision text NOT NULL,
  start_equity_krw numeric NOT NULL CHECK (start_equity_krw > 0),
  end_equity_krw numeric NOT NULL,
  return_pct double precision NOT NULL,
  PRIMARY KEY (bot, arm, day)
);

-- Every layer's signal per cycle (SPEC.md "Monitoring": the dashboard shows the enhanced engine's
-- confidence and each layer's signal). Layer 'decision' is the final combined signal.
CREATE TABLE signals (
  bot text NOT NULL,
  arm text NOT NULL,
  market text NOT NULL,
  cycle_time timestamptz NOT NULL,
  layer text NOT NULL,
  revision text NOT NULL,
  action text NOT NULL CHECK (action IN ('BUY', 'SELL', 'HOLD')),
  confidence double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  reasons jsonb NOT NULL,
  PRIMARY KEY (bot, arm, market, cycle_time, layer)
);

-- Collected candles (kubetrade collect); re-collecting a candle overwrites it (upsert).
CREATE TABLE candles (
  market text NOT NULL,
  timeframe text NOT NULL CHECK (timeframe IN ('5m', '15m', '1h', '1d')),
  open_time timestamptz NOT NULL,
  open numeric NOT NULL,
  high numeric NOT NULL,
  low numeric NOT NULL,
  close numeric NOT NULL,
  volume numeric NOT NULL CHECK (volume >= 0),
  quote_volume numeric NOT NULL CHECK (quote_volume >= 0),
  PRIMARY KEY (market, timeframe, open_time)
);

// Market and interval from a candle file's name, so a folder works as it is:
//   BTC_USDT-5m.csv        (freqtrade/ccxt: BASE_QUOTE-interval) -> USDT-BTC, 5m
//   KRW-BTC-1d-2023.csv    (Upbit: QUOTE-BASE-interval-...)      -> KRW-BTC, 1d
//   upbit_1m_20200220_...json                                     -> (market from content), 1m
// Markets use Upbit's QUOTE-BASE order everywhere in the runtime; the quote currency is data.

export interface FileNameInfo {
  market?: string;
  /** Interval token as written (`5m`, `1h`, `1d`, `3m`). */
  interval?: string;
}

const QUOTES = ['KRW', 'USDT', 'USDC', 'BTC', 'ETH', 'BUSD', 'FDUSD', 'EUR', 'USD'];
const INTERVAL = /(?:^|[-_.])(\d+[mhdw])(?=$|[-_.])/;
const CCXT_PAIR = /(?:^|[-_.])([A-Z0-9]{2,12})[_/]([A-Z0-9]{2,12})(?=$|[-_.])/;
const UPBIT_PAIR = /(?:^|[-_.])([A-Z]{2,5})-([A-Z0-9]{2,12})(?=$|[-_.])/;

export function inferFromFileName(fileName: string): FileNameInfo {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.(csv|json)$/i, '');
  const info: FileNameInfo = {};
  const interval = INTERVAL.exec(base)?.[1];
  if (interval) info.interval = interval;
  const upbit = UPBIT_PAIR.exec(base);
  if (upbit && QUOTES.includes(upbit[1]!)) {
    info.market = `${upbit[1]}-${upbit[2]}`;
    return info;
  }
  const ccxt = CCXT_PAIR.exec(base);
  if (ccxt && QUOTES.includes(ccxt[2]!)) info.market = `${ccxt[2]}-${ccxt[1]}`;
  return info;
}

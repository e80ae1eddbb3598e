// The sweep's output is a TradingBot: the user's own file with the winning values set (comments and
// layout kept), renamed with a suffix so it can run beside the original, plus a merge patch that
// makes the winner a new revision of the original bot (guarded by the A/B split and the rollback
// rule like any other spec change). Both are validated with the apiserver's rules before writing.
import { loadTradingBotYaml } from '@kubetrade/crds';
import { parseDocument, stringify } from 'yaml';
import { type Params, withParams } from './candidates.ts';
import { SweepError } from './errors.ts';

/** Appended to the bot name; kept short so `<name>-sweep` stays a valid DNS subdomain. */
export const WINNER_NAME_SUFFIX = '-sweep';

export interface WinnerFiles {
  name: string;
  /** Full TradingBot YAML to `kubectl apply -f`. */
  tradingBot: string;
  /** `kubectl patch tradingbot <name> --type merge --patch-file <this>`. */
  patch: string;
}

export function winnerFiles(botYaml: string, file: string, params: Params, comment: string): WinnerFiles {
  const doc = parseDocument(botYaml);
  const name = String(doc.getIn(['metadata', 'name']));
  const newName = `${name}${WINNER_NAME_SUFFIX}`;
  doc.setIn(['metadata', 'name'], newName);
  for (const [path, value] of Object.entries(params)) doc.setIn(['spec', ...path.split('.')], value);
  const patch = withParams({}, Object.fromEntries(Object.entries(params).map(([p, v]) => [`spec.${p}`, v])));
  doc.commentBefore = ` ${comment.split('\n').join('\n ')}${doc.commentBefore ? `\n${doc.commentBefore}` : ''}`;
  const tradingBot = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  try {
    loadTradingBotYaml(tradingBot, `${file} (winner)`);
  } catch (e) {
    throw new SweepError('CANDIDATE', `the winning TradingBot does not validate: ${(e as Error).message}`);
  }
  return { name: newName, tradingBot, patch: `# ${comment.split('\n').join('\n# ')}\n${stringify(patch)}` };
}

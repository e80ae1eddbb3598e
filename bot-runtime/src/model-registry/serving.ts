// How `kubetrade run` gets its ML model: with DATABASE_URL (the registry every replica reads) the
// model is a ServedMlModel — the promoted version of spec.ml.model, re-checked each cycle and hot
// reloaded — falling back to spec.ml.modelPath / the bundled file while nothing is promoted.
// Without DATABASE_URL the file model is served as before (no registry to follow).
import type { ResolvedSpec } from '@kubetrade/crds';
import { MlModel } from '../engines/ml.ts';
import { needsMl, resolveModelPath } from '../engines/strategy-models.ts';
import { openTradeStore, storeOptionsFromEnv } from '../store/trade-store.ts';
import { ModelRegistry } from './registry.ts';
import { ServedMlModel, type ServedModelEvent } from './served-model.ts';

/** One JSON line on stderr per model event (the runtime's stdout carries the trading log). */
export function logModelEvent(e: ServedModelEvent): void {
  const level = e.kind === 'switched' || e.kind === 'registry-recovered' ? 'info' : 'warn';
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, msg: `model ${e.kind}`, ...e })}\n`,
  );
}

/**
 * The registry-following ML model, or undefined when there is no registry (no DATABASE_URL) or no
 * arm reads the ML layer. Throws ModelError when the promoted (or fallback) model is refused.
 */
export async function openServedModel(
  spec: ResolvedSpec,
  env: NodeJS.ProcessEnv = process.env,
  onEvent: (e: ServedModelEvent) => void = logModelEvent,
): Promise<ServedMlModel | undefined> {
  if (!env.DATABASE_URL || !needsMl(spec.capital.split)) return undefined;
  const schema = env.KUBETRADE_DB_SCHEMA;
  const store = await openTradeStore({
    ...storeOptionsFromEnv(env),
    // One connection: the registry is read once a cycle.
    pg: { applicationName: 'kubetrade-model-registry', maxConnections: 1, ...(schema ? { schema } : {}) },
  });
  try {
    const served = await ServedMlModel.open({
      registry: new ModelRegistry(store.db),
      name: spec.ml.model,
      fallback: () => MlModel.load(resolveModelPath(spec.ml)),
      onEvent,
    });
    served.onClose(() => store.close());
    return served;
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** Releases a registry-following model (its session and its registry connection) when the run stops. */
export async function closeServedModel(ml: unknown): Promise<void> {
  if (ml instanceof ServedMlModel) await ml.close();
}

// One retrain, start to finish (issue 9): export the runtime's own features from the candles, train
// LightGBM and the LSTM in Python (models/retrain.py), check every exported model (metadata contract,
// Python <-> onnxruntime-node parity), decide promotion against the serving model on the latest
// hold-out window, and record each model in the registry as promoted or as a candidate with the reason.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedSpec } from '@kubetrade/crds';
import { exportFeatures, LABEL_HORIZON } from '../cli/export-features.ts';
import { ML_CONTRACT, MlModel } from '../engines/ml.ts';
import { checkContract, onnxMetadata } from '../engines/onnx-contract.ts';
import { resolveModelPath } from '../engines/strategy-models.ts';
import type { MarketSource, TimeRange } from '../market/source.ts';
import { decidePromotion, type PromotionDecision } from '../model-registry/promotion.ts';
import type { ModelRecord, ModelRegistry } from '../model-registry/registry.ts';
import { RetrainError } from './errors.ts';
import { type ParityFile, parityGap } from './parity.ts';
import { type ModelKindTrained, runTrainer, TRAINED_KINDS } from './trainer.ts';

/** What models/retrain.py writes per model (metrics.json); only the fields read here. */
interface TrainerMetrics {
  kind: ModelKindTrained;
  holdout: { auc: number; rows: number; from: number; to: number; naive_log_loss: number; log_loss: number };
  current_holdout: { auc: number } | { error: string } | null;
  score: { metric: string; value: number };
}

export interface TrainedModel {
  name: string;
  kind: ModelKindTrained;
  version: string;
  score: number;
  currentScore?: number;
  decision: PromotionDecision;
  record: ModelRecord;
  dir: string;
  parity: { python: number; ort: number };
}

export interface RetrainOptions {
  spec: ResolvedSpec;
  source: MarketSource;
  range?: TimeRange;
  registry: ModelRegistry;
  /** Working folder: features.csv and one folder per model (ONNX, metrics, parity, model card). */
  out: string;
  now: Date;
  holdoutDays: number;
  /** Train on shuffled labels: a deliberately worse candidate (tests, promotion drills). */
  degrade?: boolean;
  /** Which models to train (default both). */
  kinds?: readonly ModelKindTrained[];
  python?: string;
  log: (line: string) => void;
}

/** The registry name of each trained kind: LightGBM serves spec.ml.model; the LSTM is kept beside it. */
export function modelNames(spec: ResolvedSpec): Record<ModelKindTrained, string> {
  return { lgbm: spec.ml.model, lstm: `${spec.ml.model}-lstm` };
}

/** A sortable, unique-per-second version id: 20261125T030000Z. */
export function versionAt(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** The serving model's file for the trainer to score: the registry's promoted bytes, else (LightGBM) the spec's file. */
async function currentModelFile(
  o: RetrainOptions,
  name: string,
  kind: ModelKindTrained,
): Promise<{ file?: string; label?: string }> {
  const ref = await o.registry.promoted(name);
  if (ref) {
    const file = join(o.out, `current-${kind}.onnx`);
    await writeFile(file, await o.registry.onnx(name, ref.version));
    return { file, label: `${name}@${ref.version}` };
  }
  const path = kind === 'lgbm' ? resolveModelPath(o.spec.ml) : undefined;
  return path ? { file: path, label: path } : {};
}

async function checkExport(kind: ModelKindTrained, dir: string, onnx: Uint8Array, name: string) {
  const label = `${name} (${join(dir, 'model.onnx')})`;
  if (kind === 'lgbm') {
    // The served kind must load exactly as the runtime will load it.
    const m = await MlModel.load(label, { bytes: onnx, field: 'retrain' }).catch((e: Error) => {
      throw new RetrainError('CONTRACT', e.message);
    });
    await m.close();
  } else {
    const checked = checkContract(onnxMetadata(onnx), ML_CONTRACT);
    if (!checked.ok) throw new RetrainError('CONTRACT', `${label}: ${checked.mismatch}`);
  }
  const parity = JSON.parse(await readFile(join(dir, 'parity.json'), 'utf8')) as ParityFile;
  const gap = await parityGap(onnx, parity);
  if (gap.ort > parity.tolerance || gap.python > parity.tolerance) {
    throw new RetrainError(
      'PARITY',
      `${label}: onnxruntime-node differs from Python by ${Math.max(gap.ort, gap.python).toExponential(2)} > ${parity.tolerance}`,
    );
  }
  return gap;
}

export async function retrain(o: RetrainOptions): Promise<TrainedModel[]> {
  await mkdir(o.out, { recursive: true });
  const features = join(o.out, 'features.csv');
  const exported = await exportFeatures({
    source: o.source,
    engine: o.spec.engine,
    feePct: o.spec.risk.feePct,
    out: features,
    ...(o.range ? { range: o.range } : {}),
  });
  if (exported.rows === 0)
    throw new RetrainError('NO_DATA', 'the candles gave no complete feature rows (too short to warm up?)');
  o.log(`export-features: ${exported.rows} rows (${exported.dropped} dropped while warming up)`);
  const names = modelNames(o.spec);
  const version = versionAt(o.now);
  const lgbmCurrent = await currentModelFile(o, names.lgbm, 'lgbm');
  const lstmCurrent = await currentModelFile(o, names.lstm, 'lstm');
  await runTrainer({
    features,
    out: o.out,
    version,
    trainedAt: o.now.toISOString().replace(/\.\d+Z$/, 'Z'),
    horizon: LABEL_HORIZON,
    holdoutDays: o.holdoutDays,
    ...(lgbmCurrent.file ? { currentLgbm: lgbmCurrent.file } : {}),
    ...(lstmCurrent.file ? { currentLstm: lstmCurrent.file } : {}),
    ...(o.degrade ? { degrade: true } : {}),
    ...(o.kinds ? { kinds: o.kinds } : {}),
    ...(o.python ? { python: o.python } : {}),
    log: o.log,
  });
  const out: TrainedModel[] = [];
  for (const kind of o.kinds ?? TRAINED_KINDS) {
    const dir = join(o.out, kind);
    const onnx = new Uint8Array(await readFile(join(dir, 'model.onnx')));
    const parity = await checkExport(kind, dir, onnx, names[kind]);
    const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as TrainerMetrics;
    const card = await readFile(join(dir, 'MODEL_CARD.md'), 'utf8');
    const current = metrics.current_holdout;
    const currentScore = current && 'auc' in current ? current.auc : undefined;
    const decision = decidePromotion({
      candidateScore: metrics.score.value,
      candidateLogLoss: metrics.holdout.log_loss,
      naiveLogLoss: metrics.holdout.naive_log_loss,
      currentScore,
      ...(current && 'error' in current ? { currentUnscorable: current.error } : {}),
      ...((kind === 'lgbm' ? lgbmCurrent : lstmCurrent).label
        ? { currentLabel: (kind === 'lgbm' ? lgbmCurrent : lstmCurrent).label }
        : {}),
      margin: o.spec.ml.retrain.promotionMargin,
    });
    const record = await o.registry.add(
      {
        name: names[kind],
        version,
        kind,
        onnx,
        score: metrics.score.value,
        metrics: { ...metrics, model_card: card },
      },
      decision,
    );
    o.log(
      `${names[kind]}@${version}: ${decision.promote ? 'PROMOTED' : 'kept as candidate'} — ${decision.reason}`,
    );
    out.push({
      name: names[kind],
      kind,
      version,
      score: metrics.score.value,
      ...(currentScore !== undefined ? { currentScore } : {}),
      decision,
      record,
      dir,
      parity,
    });
  }
  return out;
}

// The controller core's public surface (see README.md in this folder).
import type { OperatorConfig } from '../config.ts';
import type { Manager } from './manager.ts';

export { countedConfiguration } from './api-clients.ts';
export type {
  ControllerOptions,
  Reconcile,
  ReconcileContext,
  ReconcileRequest,
  ReconcileResult,
} from './controller.ts';
export { Controller, outcomeOf } from './controller.ts';
export { isConflict, isGone, isNotFound, KubeApiError } from './errors.ts';
export type { EventType } from './event-recorder.ts';
export { EventRecorder } from './event-recorder.ts';
export type { InformerHandler, InformerTimings } from './informer.ts';
export { Informer } from './informer.ts';
export { KubeHttp } from './kube-http.ts';
export { Logger, silentLogger } from './logger.ts';
export type { LeaderElectionOptions, ManagerOptions } from './manager.ts';
export { Manager } from './manager.ts';
export { keyOf, objectKey, parseKey } from './object-key.ts';
export { controllerOwnerKey } from './owner-ref.ts';
export type { ResourceRef } from './resource.ts';
export { apiVersionOf, RESOURCES } from './resource.ts';

/** What main.ts hands a reconciler module's factory (e.g. `tradingBotController(ctx)`). */
export interface OperatorContext {
  manager: Manager;
  config: OperatorConfig;
}

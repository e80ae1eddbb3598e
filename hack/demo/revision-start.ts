// The rollback rule counts only complete KST days inside the current revision's lifetime, which
// starts at its ControllerRevision's `kubetrade.io/revision-start` annotation. Nobody waits days in a
// demo: this moves that start back — the one fact the rollback demos fake.
import { type KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { ANNOTATION_REVISION_START, revisionName } from '../../operator/src/rollback/revisions.ts';

export async function backdateRevision(
  kc: KubeConfig,
  bot: { namespace: string; name: string },
  revision: string,
  start: Date,
): Promise<void> {
  await KubernetesObjectApi.makeApiClient(kc).patch(
    {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        namespace: bot.namespace,
        name: revisionName(bot.name, revision),
        annotations: { [ANNOTATION_REVISION_START]: start.toISOString() },
      },
    },
    undefined,
    undefined,
    'kubetrade-demo',
    undefined,
    PatchStrategy.MergePatch,
  );
}

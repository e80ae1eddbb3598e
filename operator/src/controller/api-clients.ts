// client-node API clients (typed APIs, KubernetesObjectApi for server-side apply) that share the
// manager's RequestCounter, so rest_client_requests_total sees the reconciler's writes too.
import {
  type Configuration,
  createConfiguration,
  type HttpLibrary,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  KubernetesObjectApi,
  Observable,
  type RequestContext,
  type ResponseContext,
  ServerConfiguration,
} from '@kubernetes/client-node';
import type { RequestCounter } from './request-counter.ts';

class CountingHttpLibrary implements HttpLibrary {
  readonly #inner = new IsomorphicFetchHttpLibrary();
  readonly #counter: RequestCounter;

  constructor(counter: RequestCounter) {
    this.#counter = counter;
  }

  send(request: RequestContext): Observable<ResponseContext> {
    const method = request.getHttpMethod();
    const path = new URL(request.getUrl()).pathname;
    const sent = this.#inner
      .send(request)
      .toPromise()
      .then(
        (res) => {
          this.#counter.record(method, path, res.httpStatusCode);
          return res;
        },
        (err: unknown) => {
          this.#counter.record(method, path, 0);
          throw err;
        },
      );
    return new Observable(sent);
  }
}

export function countedConfiguration(kubeConfig: KubeConfig, counter: RequestCounter): Configuration {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster; set KUBECONFIG or run in a pod');
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    httpApi: new CountingHttpLibrary(counter),
  });
}

/** KubernetesObjectApi whose default namespace comes from the kubeconfig, like makeApiClient. */
export class CountedObjectApi extends KubernetesObjectApi {
  constructor(configuration: Configuration, kubeConfig: KubeConfig) {
    super(configuration);
    this.setDefaultNamespace(kubeConfig);
  }
}

/**
 * pods/NAME/log: checks the pod and container, then proxies to the kubelet of
 * the pod's node (`/containerLogs/NS/POD/CONTAINER`) over TLS with the
 * apiserver's kubelet-client certificate, streaming the answer (follow included).
 */
import https from 'node:https';
import { badRequest, StatusError } from '../../api/errors.js';
import type { Node, Pod } from '../../api/types.js';
import type { Registries } from '../registries.js';
import type { ResourceRequest } from './handlers.js';

/** How the API server reaches kubelets. PEM strings. */
export interface KubeletConnection {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const LOG_PARAMS = ['follow', 'tailLines', 'sinceSeconds', 'sinceTime', 'timestamps', 'previous', 'limitBytes'];

/** Resolves the node's kubelet address: InternalIP and the advertised kubelet port. */
export function kubeletAddress(node: Node): { host: string; port: number } {
  const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '127.0.0.1';
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250;
  return { host: ip, port };
}

/** Serves the log subresource. */
export async function servePodLog(r: ResourceRequest, registries: Registries, kubelet: KubeletConnection): Promise<void> {
  const pod = (await r.registry.get(r.namespace, r.name!)) as Pod;
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  let container = r.url.searchParams.get('container') ?? '';
  if (!container) {
    if (pod.spec.containers.length !== 1) {
      const names = pod.spec.containers.map((c) => c.name).join(' ');
      throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names}]`);
    }
    container = pod.spec.containers[0]!.name;
  }
  if (!containers.some((c) => c.name === container)) {
    throw badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  }
  const previous = r.url.searchParams.get('previous') === 'true';
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const st = statuses.find((s) => s.name === container);
  if (!previous && (!st || (st.state.waiting && !st.lastState?.terminated))) {
    const reason = st?.state.waiting?.reason ?? 'ContainerCreating';
    throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`);
  }
  if (!pod.spec.nodeName) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const node = (await registries.nodes.getOrUndefined(undefined, pod.spec.nodeName)) as Node | undefined;
  if (!node) throw badRequest(`node "${pod.spec.nodeName}" not found`);
  const { host, port } = kubeletAddress(node);
  const q = new URLSearchParams();
  for (const k of LOG_PARAMS) {
    const v = r.url.searchParams.get(k);
    if (v !== null) q.set(k, v);
  }
  const path = `/containerLogs/${encodeURIComponent(pod.metadata.namespace!)}/${encodeURIComponent(pod.metadata.name!)}/${encodeURIComponent(container)}?${q}`;
  await new Promise<void>((resolve, reject) => {
    const up = https.request(
      { host, port, path, method: 'GET', ca: kubelet.caPem, cert: kubelet.certPem, key: kubelet.keyPem, servername: undefined, checkServerIdentity: () => undefined },
      (resp) => {
        const code = resp.statusCode ?? 502;
        r.res.writeHead(code, {
          'Content-Type': resp.headers['content-type'] ?? 'text/plain',
          ...(r.url.searchParams.get('follow') === 'true' ? { 'Transfer-Encoding': 'chunked' } : {}),
        });
        r.res.flushHeaders();
        resp.pipe(r.res);
        resp.on('end', () => resolve());
        resp.on('error', reject);
      },
    );
    r.res.on('close', () => up.destroy());
    up.on('error', (e) => reject(new StatusError(500, 'InternalError', `Get "https://${host}:${port}${path}": ${e.message}`)));
    up.end();
  });
}

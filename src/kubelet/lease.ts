/**
 * The node heartbeat Lease `kube-node-lease/<nodeName>` (coordination.k8s.io/v1),
 * renewed every 10 s with leaseDurationSeconds 40, owned by the Node.
 */
import { StatusError } from '../api/errors.js';
import type { Lease, Node } from '../api/types.js';
import { Resources, type ApiClient } from '../client/types.js';
import { rfc3339Micro, type Clock } from '../machinery/clock.js';

/** Namespace of node leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** Seconds. */
export const LEASE_DURATION_SECONDS = 40;

/** Creates or renews the node's Lease; returns the written object. Throws StatusError on API failures other than 404/409. */
export async function renewNodeLease(client: ApiClient, nodeName: string, node: Node | undefined, clock: Clock, signal?: AbortSignal): Promise<Lease> {
  const ref = Resources.leases(NODE_LEASE_NAMESPACE);
  const now = rfc3339Micro(clock.now());
  const ownerReferences = node?.metadata.uid ? [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: node.metadata.uid }] : undefined;
  let lease: Lease | undefined;
  try {
    lease = await client.get<Lease>(ref, nodeName, signal);
  } catch (err) {
    if (!(err instanceof StatusError) || err.code !== 404) throw err;
  }
  if (!lease) {
    return client.create<Lease>(ref, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: nodeName, namespace: NODE_LEASE_NAMESPACE, ...(ownerReferences ? { ownerReferences } : {}) },
      spec: { holderIdentity: nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now },
    }, {}, signal);
  }
  const updated: Lease = {
    ...lease,
    metadata: { ...lease.metadata, ...(ownerReferences && !lease.metadata.ownerReferences?.length ? { ownerReferences } : {}) },
    spec: { ...lease.spec, holderIdentity: nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now },
  };
  return client.update<Lease>(ref, updated, {}, signal);
}

/** Builders for controller tests: pods, ReplicaSets and Deployments with sensible defaults. */
import type { Pod } from '../../api/types.js';
import type { ReplicaSet } from '../replicaset/reconcile.js';
import type { Deployment } from '../deployment/util.js';

/** The fixed "now" of the tests. */
export const NOW = new Date('2024-01-01T00:10:00Z');

/** `NOW` minus `s` seconds, as RFC 3339. */
export function ago(s: number): string {
  return new Date(NOW.getTime() - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Options of {@link pod}. */
export interface PodOpts {
  node?: string;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  /** Seconds ago the pod became Ready; undefined = not ready. */
  readySince?: number;
  createdAgo?: number;
  restarts?: number;
  deleting?: boolean;
  labels?: Record<string, string>;
  owner?: string;
}

/** A pod `name` in `default` (uid `uid-<name>`, labels app=web unless given). */
export function pod(name: string, o: PodOpts = {}): Pod {
  const conditions = o.readySince === undefined ? [] : [{ type: 'Ready', status: 'True' as const, lastTransitionTime: ago(o.readySince) }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, labels: o.labels ?? { app: 'web' }, creationTimestamp: ago(o.createdAgo ?? 100),
      ...(o.deleting ? { deletionTimestamp: ago(0) } : {}),
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: `uid-${o.owner}`, controller: true }] } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: { phase: o.phase ?? 'Running', conditions, containerStatuses: [{ name: 'c', state: {}, lastState: {}, ready: true, restartCount: o.restarts ?? 0, image: '', imageID: '' }] },
  };
}

/** Options of {@link rs}. */
export interface RSOpts {
  replicas?: number;
  available?: number;
  actual?: number;
  revision?: number;
  createdAgo?: number;
  image?: string;
  minReady?: number;
  annotations?: Record<string, string>;
}

/** A ReplicaSet `name` (uid `uid-<name>`) of Deployment `web`. */
export function rs(name: string, o: RSOpts = {}): ReplicaSet {
  const replicas = o.replicas ?? 1;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, generation: 1, creationTimestamp: ago(o.createdAgo ?? 100),
      annotations: { ...(o.revision ? { 'deployment.kubernetes.io/revision': String(o.revision) } : {}), ...(o.annotations ?? {}) },
    },
    spec: {
      replicas, minReadySeconds: o.minReady ?? 0, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: o.image ?? 'busybox' }] } },
    },
    status: { replicas: o.actual ?? replicas, availableReplicas: o.available ?? replicas, readyReplicas: o.available ?? replicas, observedGeneration: 1 },
  };
}

/** A Deployment `web` with `replicas` (RollingUpdate with the given surge/unavailable). */
export function deployment(replicas: number, surge: number | string = '25%', unavailable: number | string = '25%', image = 'busybox'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', generation: 1 },
    spec: {
      replicas, selector: { matchLabels: { app: 'web' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
    },
    status: {},
  };
}

/**
 * Pure helpers of the Deployment controller (pkg/controller/deployment/util):
 * pod-template hashes, revisions, new/old ReplicaSet lookup, replica counts,
 * maxSurge/maxUnavailable fenceposts and the annotations the controller keeps
 * on ReplicaSets. No I/O.
 */
import type { KubeObject } from '../../api/types.js';
import { NAME_SUFFIX_ALPHABET } from '../../api/names.js';
import type { ReplicaSet } from '../replicaset/reconcile.js';

/** Annotation keys the Deployment controller and kubectl rollout use (deployment.kubernetes.io/*, kubernetes.io/change-cause). */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The label (and selector entry) distinguishing the ReplicaSets of one Deployment. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** A condition of a Deployment's status. */
export interface DeploymentCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** apps/v1 DeploymentStatus. */
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  collisionCount?: number;
  conditions?: DeploymentCondition[];
}

/** apps/v1 Deployment as the controller reads it. */
export interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector?: ReplicaSet['spec']['selector'];
    template?: NonNullable<ReplicaSet['spec']['template']>;
    strategy?: { type?: 'Recreate' | 'RollingUpdate'; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
  };
  status?: DeploymentStatus;
}

/** JSON with object keys sorted, so equal templates hash equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function fnv32a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * ComputeHash: FNV-32a of the template (normalised canonical JSON) and the collision count
 * (4 bytes little-endian in an 8-byte buffer), printed in decimal and encoded
 * with the name-suffix alphabet (rand.SafeEncodeString), e.g. `6ccbc77f68`.
 */
export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(semanticNormalize(template))));
  if (collisionCount !== undefined) {
    const buf = new Uint8Array(8);
    new DataView(buf.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(buf, h);
  }
  return [...String(h)].map((c) => NAME_SUFFIX_ALPHABET[c.charCodeAt(0) % NAME_SUFFIX_ALPHABET.length]).join('');
}

/**
 * Drops null, empty-object and empty-array values recursively: the JSON
 * differences that vanish when Go decodes into typed structs and compares with
 * Semantic.DeepEqual (e.g. `creationTimestamp: null`, `resources: {}`).
 */
export function semanticNormalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(semanticNormalize);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const n = semanticNormalize(x);
      if (n === null || n === undefined) continue;
      if (Array.isArray(n) && n.length === 0) continue;
      if (typeof n === 'object' && !Array.isArray(n) && Object.keys(n).length === 0) continue;
      out[k] = n;
    }
    return out;
  }
  return v;
}

/** The template without the pod-template-hash label, for comparisons. */
function withoutHash(t: unknown): unknown {
  const c = structuredClone((t ?? {}) as { metadata?: { labels?: Record<string, string> } });
  if (c.metadata?.labels) {
    delete c.metadata.labels[POD_TEMPLATE_HASH_LABEL];
    if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
  }
  if (c.metadata && Object.keys(c.metadata).length === 0) delete c.metadata;
  return c;
}

/** EqualIgnoreHash: templates equal apart from the pod-template-hash label. */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return canonicalJson(semanticNormalize(withoutHash(a))) === canonicalJson(semanticNormalize(withoutHash(b)));
}

function created(o: KubeObject): number {
  const t = Date.parse(o.metadata.creationTimestamp ?? '');
  return Number.isFinite(t) ? t : 0;
}

/** Oldest first, ties by name (controller.ReplicaSetsByCreationTimestamp). */
export function byCreation<T extends KubeObject>(list: T[]): T[] {
  return [...list].sort((a, b) => created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's (ignoring the hash). */
export function findNewReplicaSet(d: Deployment, rsList: ReplicaSet[]): ReplicaSet | undefined {
  return byCreation(rsList).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** FindOldReplicaSets: every ReplicaSet but the new one. */
export function findOldReplicaSets(d: Deployment, rsList: ReplicaSet[]): ReplicaSet[] {
  const n = findNewReplicaSet(d, rsList);
  return rsList.filter((rs) => rs.metadata.uid !== n?.metadata.uid);
}

/** The revision annotation as a number (0 when absent or malformed). */
export function revisionOf(o: KubeObject): number {
  const v = Number(o.metadata.annotations?.[REVISION_ANNOTATION] ?? '0');
  return Number.isInteger(v) && v > 0 ? v : 0;
}

/** MaxRevision over a list. */
export function maxRevision(list: KubeObject[]): number {
  return list.reduce((m, o) => Math.max(m, revisionOf(o)), 0);
}

const specReplicas = (rs: ReplicaSet) => rs.spec.replicas ?? 0;

/** Sum of spec.replicas (GetReplicaCountForReplicaSets). */
export function replicaCount(list: (ReplicaSet | undefined)[]): number {
  return list.reduce((s, rs) => s + (rs ? specReplicas(rs) : 0), 0);
}

/** Sum of status.replicas (GetActualReplicaCountForReplicaSets). */
export function actualReplicaCount(list: (ReplicaSet | undefined)[]): number {
  return list.reduce((s, rs) => s + (rs?.status?.replicas ?? 0), 0);
}

/** Sum of status.readyReplicas. */
export function readyReplicaCount(list: (ReplicaSet | undefined)[]): number {
  return list.reduce((s, rs) => s + (rs?.status?.readyReplicas ?? 0), 0);
}

/** Sum of status.availableReplicas. */
export function availableReplicaCount(list: (ReplicaSet | undefined)[]): number {
  return list.reduce((s, rs) => s + (rs?.status?.availableReplicas ?? 0), 0);
}

/** ReplicaSets with spec.replicas > 0 (FilterActiveReplicaSets). */
export function activeReplicaSets(list: (ReplicaSet | undefined)[]): ReplicaSet[] {
  return list.filter((rs): rs is ReplicaSet => !!rs && specReplicas(rs) > 0);
}

/**
 * GetScaledValueFromIntOrPercent: an integer as is, `N%` of `total` rounded up
 * or down. @throws Error for malformed values (validation rejects them first).
 */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    if (/^\d+$/.test(v)) return Number(v);
    throw new Error(`invalid value for IntOrString: invalid value "${v}"`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** ResolveFenceposts: maxSurge rounded up, maxUnavailable down; both 0 makes maxUnavailable 1. */
export function resolveFenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const desired = d.spec.replicas ?? 1;
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  const maxSurge = scaledValue(ru.maxSurge ?? '25%', desired, true);
  let maxUnavailable = scaledValue(ru.maxUnavailable ?? '25%', desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** True for the RollingUpdate strategy (the default). */
export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** MaxUnavailable: 0 unless rolling; capped at replicas. */
export function maxUnavailable(d: Deployment): number {
  const desired = d.spec.replicas ?? 1;
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).maxUnavailable, desired);
}

/** MaxSurge: 0 unless rolling. */
export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).maxSurge : 0;
}

/** The annotations a ReplicaSet gets from its Deployment (skipCopyAnnotation excludes the controller's own). */
export function copyableAnnotations(d: Deployment): Record<string, string> {
  const skip = new Set([LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, 'deprecated.deployment.rollback.to']);
  return Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !skip.has(k)));
}

/** SetReplicasAnnotations' values for a Deployment: desired and desired+maxSurge. */
export function replicasAnnotations(d: Deployment): Record<string, string> {
  const desired = d.spec.replicas ?? 1;
  return { [DESIRED_REPLICAS_ANNOTATION]: String(desired), [MAX_REPLICAS_ANNOTATION]: String(desired + maxSurge(d)) };
}

/** IsSaturated: the new ReplicaSet runs exactly the desired, all available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = d.spec.replicas ?? 1;
  const annotated = Number(rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION]);
  return specReplicas(rs) === desired && annotated === desired && (rs.status?.availableReplicas ?? 0) === desired;
}

/**
 * isScalingEvent: some active ReplicaSet's desired-replicas annotation differs
 * from spec.replicas, i.e. the Deployment was scaled rather than changed.
 */
export function isScalingEvent(d: Deployment, rsList: ReplicaSet[]): boolean {
  const desired = d.spec.replicas ?? 1;
  return activeReplicaSets(rsList).some((rs) => {
    const v = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
    return v !== undefined && Number(v) !== desired;
  });
}

/** The new ReplicaSet's template: the Deployment's plus the pod-template-hash label. */
export function newReplicaSetTemplate(d: Deployment, hash: string): NonNullable<ReplicaSet['spec']['template']> {
  const t = structuredClone(d.spec.template ?? {});
  t.metadata = { ...(t.metadata ?? {}), labels: { ...(t.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  return t;
}

/**
 * Strategic-merge metadata per kind: which lists merge (and by which key),
 * which are sets of primitives, which maps honour `$retainKeys`. Taken from
 * the `patchStrategy`/`patchMergeKey` struct tags of k8s.io/api core/v1,
 * apps/v1, batch/v1 and meta/v1 (facts, restated as a small table). Fields
 * not listed use the defaults: maps merge, lists are replaced whole
 * (tolerations, command, args, envFrom, taints, …).
 */

/** Patch metadata of one field. `type` describes the field's object (or list element) type. */
export interface SmpField {
  /** `merge` (lists merge by key / primitive set), `retainKeys`, or both. */
  strategy?: ('merge' | 'retainKeys')[];
  /** The key that identifies list elements (`name`, `containerPort`, …). */
  mergeKey?: string;
  type?: SmpType;
}

/** Patch metadata of an object type: its fields. */
export interface SmpType {
  fields: Record<string, SmpField>;
}

const merge = (mergeKey?: string, type?: SmpType): SmpField => ({ strategy: ['merge'], mergeKey, type });
const obj = (fields: Record<string, SmpField>): SmpField => ({ type: { fields } });

const CONDITIONS = merge('type');

const OBJECT_META: SmpField = obj({
  ownerReferences: merge('uid'),
  finalizers: merge(),
});

const CONTAINER: SmpType = {
  fields: {
    ports: merge('containerPort'),
    env: merge('name'),
    volumeMounts: merge('mountPath'),
    volumeDevices: merge('devicePath'),
  },
};

const POD_SPEC: SmpField = obj({
  volumes: { strategy: ['merge', 'retainKeys'], mergeKey: 'name' },
  initContainers: merge('name', CONTAINER),
  containers: merge('name', CONTAINER),
  ephemeralContainers: merge('name', CONTAINER),
  imagePullSecrets: merge('name'),
  hostAliases: merge('ip'),
  topologySpreadConstraints: merge('topologyKey'),
  schedulingGates: merge('name'),
  resourceClaims: { strategy: ['merge', 'retainKeys'], mergeKey: 'name' },
});

const POD_STATUS: SmpField = obj({
  conditions: CONDITIONS,
  podIPs: merge('ip'),
  hostIPs: merge('ip'),
  resourceClaimStatuses: { strategy: ['merge', 'retainKeys'], mergeKey: 'name' },
});

const POD_TEMPLATE: SmpField = obj({ metadata: OBJECT_META, spec: POD_SPEC });
const STATUS_WITH_CONDITIONS: SmpField = obj({ conditions: CONDITIONS });

const KINDS: Record<string, Record<string, SmpField>> = {
  Pod: { spec: POD_SPEC, status: POD_STATUS },
  PodTemplate: { template: POD_TEMPLATE },
  Deployment: { spec: obj({ template: POD_TEMPLATE, strategy: { strategy: ['retainKeys'] } }), status: STATUS_WITH_CONDITIONS },
  ReplicaSet: { spec: obj({ template: POD_TEMPLATE }), status: STATUS_WITH_CONDITIONS },
  StatefulSet: { spec: obj({ template: POD_TEMPLATE }), status: STATUS_WITH_CONDITIONS },
  DaemonSet: { spec: obj({ template: POD_TEMPLATE, updateStrategy: { strategy: ['retainKeys'] } }), status: STATUS_WITH_CONDITIONS },
  Job: { spec: obj({ template: POD_TEMPLATE }), status: STATUS_WITH_CONDITIONS },
  CronJob: { spec: obj({ jobTemplate: obj({ metadata: OBJECT_META, spec: obj({ template: POD_TEMPLATE }) }) }) },
  Service: { spec: obj({ ports: merge('port') }), status: STATUS_WITH_CONDITIONS },
  Node: {
    spec: obj({ podCIDRs: merge() }),
    status: obj({ conditions: CONDITIONS, addresses: merge('type') }),
  },
  Namespace: { status: STATUS_WITH_CONDITIONS },
  ServiceAccount: { secrets: merge('name') },
};

/**
 * The strategic-merge metadata for objects of `kind` (e.g. `Pod`). Every kind
 * gets ObjectMeta's (ownerReferences by uid, finalizers as a set); unknown
 * kinds get only that, so their lists are replaced whole.
 */
export function strategicMergeInfo(kind: string): SmpType {
  return { fields: { metadata: OBJECT_META, ...(KINDS[kind] ?? {}) } };
}

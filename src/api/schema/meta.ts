/**
 * meta/v1 definitions (k8s.io/apimachinery/pkg/apis/meta/v1): ObjectMeta, ListMeta,
 * OwnerReference, ManagedFieldsEntry, LabelSelector, Condition.
 * Field numbers follow apimachinery's generated.proto.
 */
import { KEEP, META, bool, i64, ref, refs, str, strMap, strs, time, typeMeta } from './build.js';
import type { Definition } from './types.js';

/** meta/v1 definitions keyed by full name. */
export const metaDefinitions: Record<string, Definition> = {
  [META + 'ObjectMeta']: {
    description: 'Metadata every persisted object carries: identity, labels, annotations, ownership and server bookkeeping.',
    properties: {
      name: str(1, 'Unique name within the namespace. Cannot be changed after creation.'),
      generateName: str(2, 'Prefix the server uses to generate a unique name when `name` is empty.'),
      namespace: str(3, 'Namespace the object lives in; empty for cluster-scoped objects.'),
      selfLink: str(4, 'Deprecated and no longer set by the server.'),
      uid: str(5, 'Server-assigned unique identifier, never reused.'),
      resourceVersion: str(6, 'Opaque version of this object used for optimistic concurrency and watches.'),
      generation: i64(7, 'Sequence number of changes to the desired state, bumped by the server.'),
      creationTimestamp: time(8, 'When the server created the object (RFC 3339, UTC).'),
      deletionTimestamp: time(9, 'When the object will be removed; set once graceful deletion starts.'),
      deletionGracePeriodSeconds: i64(10, 'Seconds the object is given to terminate once deletion starts.', KEEP),
      labels: strMap(11, 'Key/value pairs used to select and group objects.'),
      annotations: strMap(12, 'Key/value pairs for arbitrary non-identifying data.'),
      ownerReferences: refs(13, META + 'OwnerReference', 'Objects this object depends on; garbage collected when all owners are gone.', {
        key: 'uid',
        listType: 'map',
        mapKeys: ['uid'],
      }),
      finalizers: strs(14, 'Keys that must be removed before the object is deleted from storage.', {
        patchStrategy: 'merge',
        listType: 'set',
      }),
      managedFields: refs(17, META + 'ManagedFieldsEntry', 'Which managers own which fields (server-side apply bookkeeping).'),
    },
  },
  [META + 'DeleteOptions']: {
    description: 'Options of a delete: grace period, preconditions and how dependents are treated.',
    // Registered in every group-version, as apimachinery's AddToGroupVersion does.
    gvk: [['', 'v1'], ['apps', 'v1'], ['coordination.k8s.io', 'v1'], ['discovery.k8s.io', 'v1'], ['meta.k8s.io', 'v1'], ['policy', 'v1'], ['autoscaling', 'v1']]
      .map(([group, version]) => ({ group: group!, version: version!, kind: 'DeleteOptions' })),
    properties: {
      ...typeMeta(),
      gracePeriodSeconds: i64(1, 'Seconds before the object is deleted; 0 deletes at once.', KEEP),
      preconditions: ref(2, META + 'Preconditions', 'Conditions the object must meet to be deleted.'),
      orphanDependents: bool(3, 'Deprecated: orphan the dependents (use propagationPolicy).', KEEP),
      propagationPolicy: str(4, 'How dependents are collected: Orphan, Background or Foreground.'),
      dryRun: strs(5, 'When present, the delete is not persisted (`All`).'),
    },
  },
  [META + 'Preconditions']: {
    description: 'Must hold for a delete to proceed.',
    properties: {
      uid: str(1, 'The object must have this UID.'),
      resourceVersion: str(2, 'The object must have this resourceVersion.'),
    },
  },
  [META + 'OwnerReference']: {
    description: 'Points at an owning object in the same namespace.',
    properties: {
      apiVersion: str(5, 'API version of the owner.', KEEP),
      kind: str(1, 'Kind of the owner.', KEEP),
      name: str(3, 'Name of the owner.', KEEP),
      uid: str(4, 'UID of the owner.', KEEP),
      controller: bool(6, 'True when the owner is the managing controller.', KEEP),
      blockOwnerDeletion: bool(7, 'When true, foreground deletion of the owner waits for this object.', KEEP),
    },
    required: ['apiVersion', 'kind', 'name', 'uid'],
  },
  [META + 'ManagedFieldsEntry']: {
    description: 'One field manager and the set of fields it owns.',
    properties: {
      manager: str(1, 'Name of the workflow managing these fields.'),
      operation: str(2, 'Operation that produced the entry: Apply or Update.'),
      apiVersion: str(3, 'Version of the fields described.'),
      time: time(4, 'When the entry was last changed.'),
      fieldsType: str(6, 'Format of fieldsV1; only FieldsV1 exists.'),
      fieldsV1: { type: 'object', rawJson: true, proto: 7, description: 'The owned field set, as a nested JSON trie.' },
      subresource: str(8, 'Subresource the update went through, if any.'),
    },
  },
  [META + 'LabelSelector']: {
    description: 'Selects objects by label. Requirements are ANDed; an empty selector matches everything.',
    properties: {
      matchLabels: strMap(1, 'Exact key=value matches.'),
      matchExpressions: refs(2, META + 'LabelSelectorRequirement', 'Set-based requirements.'),
    },
  },
  [META + 'LabelSelectorRequirement']: {
    description: 'One set-based label requirement.',
    properties: {
      key: str(1, 'Label key the requirement applies to.', KEEP),
      operator: str(2, 'In, NotIn, Exists or DoesNotExist.', KEEP),
      values: strs(3, 'Values for In/NotIn; must be empty for Exists/DoesNotExist.'),
    },
    required: ['key', 'operator'],
  },
  [META + 'ListMeta']: {
    description: 'Metadata of a list response.',
    properties: {
      selfLink: str(1, 'Deprecated and no longer set.'),
      resourceVersion: str(2, 'Storage revision the list was read at.'),
      continue: str(3, 'Token to fetch the next chunk when the list was limited.'),
      remainingItemCount: i64(4, 'Estimated number of items after this chunk.', KEEP),
    },
  },
  [META + 'Condition']: {
    description: 'One aspect of an object\'s current state.',
    properties: {
      type: str(1, 'Condition type in CamelCase.', KEEP),
      status: str(2, 'True, False or Unknown.', KEEP),
      observedGeneration: i64(3, 'Generation the condition was computed from.'),
      lastTransitionTime: time(4, 'When the status last changed.'),
      reason: str(5, 'Machine-readable CamelCase reason for the last transition.', KEEP),
      message: str(6, 'Human-readable detail.', KEEP),
    },
    required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  },
};


/**
 * Namespace and Node defaulting (pkg/apis/core/v1/defaults.go SetDefaults_Namespace,
 * SetDefaults_NamespaceStatus, SetDefaults_NodeStatus; namespace strategy PrepareForCreate).
 */
import type { Namespace, Node } from '../types.js';

/** The label every namespace carries with its own name (`kubernetes.io/metadata.name`). */
export const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';

/**
 * Default a Namespace in place: label `kubernetes.io/metadata.name=<name>`,
 * `spec.finalizers: [kubernetes]` and `status.phase: Active` when unset.
 */
export function defaultNamespace(ns: Namespace): Namespace {
  const name = ns.metadata.name;
  if (name) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), [LABEL_METADATA_NAME]: name };
  ns.spec ??= {};
  ns.spec.finalizers ??= ['kubernetes'];
  ns.status ??= {};
  ns.status.phase ??= 'Active';
  return ns;
}

/** Default a Node in place: `status.allocatable` copies `status.capacity` when absent. */
export function defaultNode(node: Node): Node {
  node.spec ??= {};
  const status = node.status;
  if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
  return node;
}

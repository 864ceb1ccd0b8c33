/** Strategies for Namespaces, Nodes, Events and Leases. */
import type { CoreEvent, KubeObject, Namespace, Node } from '../../../api/types.js';
import { rfc3339 } from '../../../machinery/clock.js';
import { findResource } from '../../resources.js';
import type { Strategy } from '../strategy.js';

/** Namespace strategy: finalizer `kubernetes`, phase Active, the metadata.name label. */
export const namespaceStrategy: Strategy = {
  info: findResource('', 'v1', 'namespaces')!,
  hasStatus: true,
  prepareForCreate(obj) {
    const ns = obj as Namespace;
    ns.spec = { finalizers: ['kubernetes'] };
    ns.status = { phase: 'Active' };
    ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
  },
  prepareForUpdate(obj, old) {
    const ns = obj as Namespace;
    ns.spec = (old as Namespace).spec;
    ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
  },
  gracePeriod: undefined,
  selectableFields: (obj) => ({ 'status.phase': (obj as Namespace).status?.phase ?? '' }),
};

/** Node strategy: status updates keep the spec. */
export const nodeStrategy: Strategy = {
  info: findResource('', 'v1', 'nodes')!,
  hasStatus: true,
  prepareForCreate(obj) {
    const n = obj as Node;
    n.spec = n.spec ?? {};
  },
  prepareForStatusUpdate(obj, old) {
    (obj as Node).spec = (old as Node).spec;
  },
  selectableFields: (obj) => ({ 'spec.unschedulable': String((obj as Node).spec?.unschedulable ?? false) }),
};

/** core/v1 Event strategy: involvedObject field selectors, firstTimestamp default. */
export const eventStrategy: Strategy = {
  info: findResource('', 'v1', 'events')!,
  hasStatus: false,
  prepareForCreate(obj, ctx) {
    const ev = obj as CoreEvent;
    ev.involvedObject = ev.involvedObject ?? {};
    if (ev.firstTimestamp === undefined) ev.firstTimestamp = rfc3339(ctx.now);
  },
  selectableFields(obj: KubeObject) {
    const ev = obj as CoreEvent;
    const io = ev.involvedObject ?? {};
    return {
      'involvedObject.kind': io.kind ?? '',
      'involvedObject.namespace': io.namespace ?? '',
      'involvedObject.name': io.name ?? '',
      'involvedObject.uid': io.uid ?? '',
      'involvedObject.apiVersion': io.apiVersion ?? '',
      'involvedObject.resourceVersion': io.resourceVersion ?? '',
      'involvedObject.fieldPath': io.fieldPath ?? '',
      reason: ev.reason ?? '',
      reportingComponent: ev.reportingComponent ?? '',
      source: ev.source?.component ?? '',
      type: ev.type ?? '',
    };
  },
};

/** coordination.k8s.io/v1 Lease strategy (no status subresource). */
export const leaseStrategy: Strategy = {
  info: findResource('coordination.k8s.io', 'v1', 'leases')!,
  hasStatus: false,
};

/**
 * Pod strategy (pkg/registry/core/pod/strategy.go): defaulting and validation on
 * create, the pod-update rules on update, status kept on main updates and spec
 * kept on status updates, and graceful deletion for pods bound to a node.
 */
import type { KubeObject, Pod } from '../../../api/types.js';
import { defaultPod, computeQOSClass } from '../../../api/defaults/pod.js';
import { validatePod, validatePodUpdate } from '../../../api/validation/pod.js';
import { findResource } from '../../resources.js';
import type { Strategy } from '../strategy.js';

/** Pod strategy: defaulting, validation, the pod-update rules, graceful deletion. */
export const podStrategy: Strategy = {
  info: findResource('', 'v1', 'pods')!,
  hasStatus: true,
  prepareForCreate(obj) {
    const pod = obj as Pod;
    defaultPod(pod);
    pod.status = { phase: 'Pending', qosClass: computeQOSClass(pod) };
  },
  validate: (obj) => validatePod(obj as Pod),
  prepareForUpdate(obj, old) {
    const pod = obj as Pod;
    defaultPod(pod);
    pod.status = (old as Pod).status;
  },
  validateUpdate: (obj, old) => validatePodUpdate(obj as Pod, old as Pod),
  prepareForStatusUpdate(obj, old) {
    const pod = obj as Pod;
    const o = old as Pod;
    pod.spec = o.spec;
    pod.metadata.labels = pod.metadata.labels ?? o.metadata.labels;
  },
  gracePeriod(obj: KubeObject, requested: number | undefined): number | undefined {
    const pod = obj as Pod;
    // Unscheduled or finished pods go at once, as Kubernetes' CheckGracefulDelete.
    if (!pod.spec.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    const g = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    return g < 0 ? 1 : g;
  },
  selectableFields(obj) {
    const pod = obj as Pod;
    return {
      'spec.nodeName': pod.spec?.nodeName ?? '',
      'spec.restartPolicy': pod.spec?.restartPolicy ?? '',
      'spec.schedulerName': pod.spec?.schedulerName ?? '',
      'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
      'spec.hostNetwork': String(pod.spec?.hostNetwork ?? false),
      'status.phase': pod.status?.phase ?? '',
      'status.podIP': pod.status?.podIP ?? '',
      'status.nominatedNodeName': pod.status?.nominatedNodeName ?? '',
    };
  },
};

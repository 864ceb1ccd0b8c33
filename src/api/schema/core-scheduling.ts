/**
 * core/v1 scheduling definitions: tolerations, taints, node and pod affinity,
 * topology spread. Field numbers follow core/v1 generated.proto.
 */
import { CORE, KEEP, META, i32, i64, ref, refs, str, strs, time } from './build.js';
import type { Definition } from './types.js';

/** Scheduling-related definitions used by PodSpec and NodeSpec. */
export const schedulingDefinitions: Record<string, Definition> = {
  [CORE + 'Toleration']: {
    description: 'Lets the pod schedule onto (or stay on) nodes with a matching taint.',
    properties: {
      key: str(1, 'Taint key to match; empty with Exists matches all keys.'),
      operator: str(2, 'Exists or Equal. Default Equal.', { enum: ['Equal', 'Exists'] }),
      value: str(3, 'Taint value to match for Equal.'),
      effect: str(4, 'Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all.'),
      tolerationSeconds: i64(5, 'For NoExecute: seconds the pod stays bound after the taint appears.', KEEP),
    },
  },
  [CORE + 'Taint']: {
    description: 'Repels pods that do not tolerate it.',
    properties: {
      key: str(1, 'Taint key.', KEEP),
      value: str(2, 'Taint value.'),
      effect: str(3, 'NoSchedule, PreferNoSchedule or NoExecute.', KEEP),
      timeAdded: time(4, 'When a NoExecute taint was added.'),
    },
    required: ['key', 'effect'],
  },
  [CORE + 'Affinity']: {
    description: 'Node affinity, pod affinity and pod anti-affinity rules.',
    properties: {
      nodeAffinity: ref(1, CORE + 'NodeAffinity', 'Rules about which nodes the pod may use.'),
      podAffinity: ref(2, CORE + 'PodAffinity', 'Rules to co-locate with other pods.'),
      podAntiAffinity: ref(3, CORE + 'PodAntiAffinity', 'Rules to avoid other pods.'),
    },
  },
  [CORE + 'NodeAffinity']: {
    description: 'Node selection rules.',
    properties: {
      requiredDuringSchedulingIgnoredDuringExecution: ref(1, CORE + 'NodeSelector', 'Hard requirement at scheduling time.'),
      preferredDuringSchedulingIgnoredDuringExecution: refs(2, CORE + 'PreferredSchedulingTerm', 'Weighted preferences.'),
    },
  },
  [CORE + 'NodeSelector']: {
    description: 'A union of node selector terms (ORed).',
    properties: { nodeSelectorTerms: refs(1, CORE + 'NodeSelectorTerm', 'Terms; any may match.') },
    required: ['nodeSelectorTerms'],
  },
  [CORE + 'NodeSelectorTerm']: {
    description: 'Requirements ANDed together.',
    properties: {
      matchExpressions: refs(1, CORE + 'NodeSelectorRequirement', 'Requirements on node labels.'),
      matchFields: refs(2, CORE + 'NodeSelectorRequirement', 'Requirements on node fields.'),
    },
  },
  [CORE + 'NodeSelectorRequirement']: {
    description: 'A key, an operator and values.',
    properties: {
      key: str(1, 'Label key.', KEEP),
      operator: str(2, 'In, NotIn, Exists, DoesNotExist, Gt or Lt.', KEEP),
      values: strs(3, 'Values to compare against.'),
    },
    required: ['key', 'operator'],
  },
  [CORE + 'PreferredSchedulingTerm']: {
    description: 'A weighted node preference.',
    properties: {
      weight: i32(1, 'Weight 1-100.', KEEP),
      preference: ref(2, CORE + 'NodeSelectorTerm', 'The preferred term.'),
    },
    required: ['weight', 'preference'],
  },
  [CORE + 'PodAffinity']: {
    description: 'Co-location rules.',
    properties: {
      requiredDuringSchedulingIgnoredDuringExecution: refs(1, CORE + 'PodAffinityTerm', 'Hard requirements.'),
      preferredDuringSchedulingIgnoredDuringExecution: refs(2, CORE + 'WeightedPodAffinityTerm', 'Weighted preferences.'),
    },
  },
  [CORE + 'PodAntiAffinity']: {
    description: 'Anti-co-location rules.',
    properties: {
      requiredDuringSchedulingIgnoredDuringExecution: refs(1, CORE + 'PodAffinityTerm', 'Hard requirements.'),
      preferredDuringSchedulingIgnoredDuringExecution: refs(2, CORE + 'WeightedPodAffinityTerm', 'Weighted preferences.'),
    },
  },
  [CORE + 'PodAffinityTerm']: {
    description: 'Pods matched by a selector, within a topology domain.',
    properties: {
      labelSelector: ref(1, META + 'LabelSelector', 'Pods to match.'),
      namespaces: strs(2, 'Namespaces to look in; default the pod\'s own.'),
      topologyKey: str(3, 'Node label defining the domain, e.g. kubernetes.io/hostname.', KEEP),
      namespaceSelector: ref(4, META + 'LabelSelector', 'Namespaces to look in, by label.'),
      matchLabelKeys: strs(5, 'Label keys whose values are copied from the incoming pod.'),
      mismatchLabelKeys: strs(6, 'Label keys whose values must differ from the incoming pod.'),
    },
    required: ['topologyKey'],
  },
  [CORE + 'WeightedPodAffinityTerm']: {
    description: 'A weighted pod affinity term.',
    properties: {
      weight: i32(1, 'Weight 1-100.', KEEP),
      podAffinityTerm: ref(2, CORE + 'PodAffinityTerm', 'The term.'),
    },
    required: ['weight', 'podAffinityTerm'],
  },
  [CORE + 'TopologySpreadConstraint']: {
    description: 'How evenly matching pods must spread across domains.',
    properties: {
      maxSkew: i32(1, 'Largest allowed difference in matching pods between domains.', KEEP),
      topologyKey: str(2, 'Node label defining the domain.', KEEP),
      whenUnsatisfiable: str(3, 'DoNotSchedule or ScheduleAnyway.', KEEP),
      labelSelector: ref(4, META + 'LabelSelector', 'Pods counted.'),
      minDomains: i32(5, 'Minimum number of eligible domains.', KEEP),
      nodeAffinityPolicy: str(6, 'Honor or Ignore node affinity when counting.', KEEP),
      nodeTaintsPolicy: str(7, 'Honor or Ignore node taints when counting.', KEEP),
      matchLabelKeys: strs(8, 'Label keys whose values are copied from the incoming pod.'),
    },
    required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'],
  },
};

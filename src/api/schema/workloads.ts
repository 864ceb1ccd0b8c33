/**
 * apps/v1 Deployment and ReplicaSet, coordination.k8s.io/v1 Lease and
 * autoscaling/v1 Scale. Field numbers follow each group's generated.proto.
 */
import {
  APPS, AUTOSCALING, COORD, CORE, KEEP, META, bool, conditions, gvk, i32, i64, intOrString, microTime, objectMeta, ref,
  str, time, typeMeta,
} from './build.js';
import type { Definition } from './types.js';

/** Workload, lease and scale definitions. */
export const workloadDefinitions: Record<string, Definition> = {
  [APPS + 'Deployment']: {
    description: 'Declarative updates for pods through ReplicaSets: rolling updates and rollbacks.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: ref(2, APPS + 'DeploymentSpec', 'Desired behaviour of the deployment.'),
      status: ref(3, APPS + 'DeploymentStatus', 'Most recently observed state.'),
    },
    gvk: gvk('apps', 'v1', 'Deployment'),
  },
  [APPS + 'DeploymentSpec']: {
    description: 'Desired state of a deployment.',
    properties: {
      replicas: i32(1, 'Desired number of pods. Default 1.', KEEP),
      selector: ref(2, META + 'LabelSelector', 'Selects the pods the deployment manages; must match the template labels.'),
      template: ref(3, CORE + 'PodTemplateSpec', 'Template for the pods.'),
      strategy: ref(4, APPS + 'DeploymentStrategy', 'How old pods are replaced by new ones.', { goType: 'v1.DeploymentStrategy' }),
      minReadySeconds: i32(5, 'Seconds a new pod must be ready to count as available.'),
      revisionHistoryLimit: i32(6, 'Old ReplicaSets kept for rollback. Default 10.', KEEP),
      paused: bool(7, 'Whether rollouts are paused.'),
      progressDeadlineSeconds: i32(9, 'Seconds before a stalled rollout is reported failed. Default 600.', KEEP),
    },
    required: ['selector', 'template'],
  },
  [APPS + 'DeploymentStrategy']: {
    description: 'How to replace existing pods.',
    properties: {
      type: str(1, 'Recreate or RollingUpdate. Default RollingUpdate.', { enum: ['Recreate', 'RollingUpdate'] }),
      rollingUpdate: ref(2, APPS + 'RollingUpdateDeployment', 'Rolling update parameters.'),
    },
  },
  [APPS + 'RollingUpdateDeployment']: {
    description: 'Rolling update parameters.',
    properties: {
      maxUnavailable: intOrString(1, 'Pods (or percent) that may be unavailable during the update. Default 25%.'),
      maxSurge: intOrString(2, 'Pods (or percent) above the desired count during the update. Default 25%.'),
    },
  },
  [APPS + 'DeploymentStatus']: {
    description: 'Observed state of a deployment.',
    properties: {
      observedGeneration: i64(1, 'Generation last acted on by the controller.'),
      replicas: i32(2, 'Pods targeted by the deployment.'),
      updatedReplicas: i32(3, 'Pods running the current template.'),
      readyReplicas: i32(7, 'Pods that are ready.'),
      availableReplicas: i32(4, 'Pods ready for at least minReadySeconds.'),
      unavailableReplicas: i32(5, 'Pods still needed for full availability.'),
      terminatingReplicas: i32(9, 'Pods being terminated.', KEEP),
      conditions: conditions(6, APPS + 'DeploymentCondition', 'Available, Progressing, ReplicaFailure.'),
      collisionCount: i32(8, 'Hash collision counter for ReplicaSet names.', KEEP),
    },
  },
  [APPS + 'DeploymentCondition']: {
    description: 'One condition of a deployment.',
    properties: {
      type: str(1, 'Available, Progressing or ReplicaFailure.', KEEP),
      status: str(2, 'True, False or Unknown.', KEEP),
      lastUpdateTime: time(6, 'When the condition was last updated.'),
      lastTransitionTime: time(7, 'When the status last changed.'),
      reason: str(4, 'CamelCase reason.'),
      message: str(5, 'Human-readable detail.'),
    },
    required: ['type', 'status'],
  },
  [APPS + 'ReplicaSet']: {
    description: 'Keeps a given number of identical pods running.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: ref(2, APPS + 'ReplicaSetSpec', 'Desired behaviour of the ReplicaSet.'),
      status: ref(3, APPS + 'ReplicaSetStatus', 'Most recently observed state.'),
    },
    gvk: gvk('apps', 'v1', 'ReplicaSet'),
  },
  [APPS + 'ReplicaSetSpec']: {
    description: 'Desired state of a ReplicaSet.',
    properties: {
      replicas: i32(1, 'Desired number of pods. Default 1.', KEEP),
      minReadySeconds: i32(4, 'Seconds a new pod must be ready to count as available.'),
      selector: ref(2, META + 'LabelSelector', 'Selects the pods counted; must match the template labels.'),
      template: ref(3, CORE + 'PodTemplateSpec', 'Template for new pods.'),
    },
    required: ['selector'],
  },
  [APPS + 'ReplicaSetStatus']: {
    description: 'Observed state of a ReplicaSet.',
    properties: {
      replicas: i32(1, 'Most recently observed number of pods.', KEEP),
      fullyLabeledReplicas: i32(2, 'Pods whose labels match the template.'),
      readyReplicas: i32(4, 'Pods that are ready.'),
      availableReplicas: i32(5, 'Pods ready for at least minReadySeconds.'),
      terminatingReplicas: i32(7, 'Pods being terminated.', KEEP),
      observedGeneration: i64(3, 'Generation last acted on by the controller.'),
      conditions: conditions(6, APPS + 'ReplicaSetCondition', 'Current state, e.g. ReplicaFailure.'),
    },
    required: ['replicas'],
  },
  [APPS + 'ReplicaSetCondition']: {
    description: 'One condition of a ReplicaSet.',
    properties: {
      type: str(1, 'Condition type, e.g. ReplicaFailure.', KEEP),
      status: str(2, 'True, False or Unknown.', KEEP),
      lastTransitionTime: time(3, 'When the status last changed.'),
      reason: str(4, 'CamelCase reason.'),
      message: str(5, 'Human-readable detail.'),
    },
    required: ['type', 'status'],
  },
  [COORD + 'Lease']: {
    description: 'A lease used for leader election and node heartbeats.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: ref(2, COORD + 'LeaseSpec', 'Holder and timing of the lease.'),
    },
    gvk: gvk('coordination.k8s.io', 'v1', 'Lease'),
  },
  [COORD + 'LeaseSpec']: {
    description: 'Holder and timing of a lease.',
    properties: {
      holderIdentity: str(1, 'Identity of the current holder.', KEEP),
      leaseDurationSeconds: i32(2, 'Seconds candidates wait before taking over an unrenewed lease.', KEEP),
      acquireTime: microTime(3, 'When the current holder acquired the lease.'),
      renewTime: microTime(4, 'When the holder last renewed the lease.'),
      leaseTransitions: i32(5, 'Times the lease changed holder.', KEEP),
      strategy: str(6, 'Coordinated leader election strategy.', KEEP),
      preferredHolder: str(7, 'Holder that should take over next.', KEEP),
    },
  },
  [AUTOSCALING + 'Scale']: {
    description: 'The scale subresource of a scalable resource (deployments/scale, replicasets/scale).',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: ref(2, AUTOSCALING + 'ScaleSpec', 'Desired scale.'),
      status: ref(3, AUTOSCALING + 'ScaleStatus', 'Current scale.'),
    },
    gvk: gvk('autoscaling', 'v1', 'Scale'),
  },
  [AUTOSCALING + 'ScaleSpec']: {
    description: 'Desired scale.',
    properties: { replicas: i32(1, 'Desired number of instances.') },
  },
  [AUTOSCALING + 'ScaleStatus']: {
    description: 'Current scale.',
    properties: {
      replicas: i32(1, 'Actual number of instances.', KEEP),
      selector: str(2, 'Label query over the counted pods, in string form (`app=web`).'),
    },
    required: ['replicas'],
  },
};

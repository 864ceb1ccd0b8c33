/**
 * Pod QoS class for the kubelet's status: the API server's computation
 * (pkg/apis/core/v1/helper/qos GetPodQOS) on the pod as API defaulting leaves it,
 * where a container limit without a request counts as a request of the same value.
 */
import { computeQOSClass } from '../api/defaults/pod.js';
import type { Container, Pod } from '../api/types.js';

function withDefaultedRequests(c: Container): Container {
  const limits = c.resources?.limits;
  if (!limits) return c;
  return { ...c, resources: { ...c.resources, requests: { ...limits, ...(c.resources?.requests ?? {}) } } };
}

/** `Guaranteed`, `Burstable` or `BestEffort`. */
export function podQOSClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  return computeQOSClass({
    ...pod,
    spec: { ...pod.spec, containers: pod.spec.containers.map(withDefaultedRequests), initContainers: pod.spec.initContainers?.map(withDefaultedRequests) },
  });
}

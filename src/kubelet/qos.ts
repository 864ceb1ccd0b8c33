/**
 * Pod QoS class (pkg/apis/core/v1/helper/qos GetPodQOS), from cpu and memory
 * requests and limits. A container limit without a request counts as a request of the
 * same value (API defaulting does the same).
 */
import type { Container, Pod } from '../api/types.js';
import { parseQuantity } from './quantity.js';

const QOS_RESOURCES = ['cpu', 'memory'] as const;

/** `Guaranteed` when every container limits cpu and memory with requests equal to limits, `BestEffort` with no requests or limits at all, else `Burstable`. */
export function podQOSClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Container[] = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const limits = c.resources?.limits ?? {};
    const requests = c.resources?.requests ?? {};
    for (const r of QOS_RESOURCES) {
      const l = limits[r];
      const q = requests[r] ?? l;
      if (q !== undefined && parseQuantity(q) !== 0) any = true;
      if (l !== undefined && parseQuantity(l) !== 0) any = true;
      if (l === undefined) {
        guaranteed = false;
        continue;
      }
      if (q === undefined || parseQuantity(q) !== parseQuantity(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** NodeResourcesFit: requests must fit allocatable; scores LeastAllocated. */
import type { Pod } from '../../api/types.js';
import { type FilterPlugin, type NodeInfo, type ScorePlugin, type Status, Code, OK } from '../framework.js';
import { podRequests } from '../resources.js';

/** NodeResourcesFit: requests (cpu millicores, memory and ephemeral-storage bytes, pod count) must fit allocatable; scores LeastAllocated. */
export const nodeResourcesFit: FilterPlugin & ScorePlugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  filter(pod: Pod, ni: NodeInfo): Status {
    const want = podRequests(pod);
    const reasons: string[] = [];
    const { requested: used, allocatable: cap } = ni;
    if (cap.pods > 0n && used.pods + 1n > cap.pods) reasons.push('Too many pods');
    if (want.milliCPU > 0n && used.milliCPU + want.milliCPU > cap.milliCPU) reasons.push('Insufficient cpu');
    if (want.memory > 0n && used.memory + want.memory > cap.memory) reasons.push('Insufficient memory');
    if (want.ephemeralStorage > 0n && cap.ephemeralStorage > 0n && used.ephemeralStorage + want.ephemeralStorage > cap.ephemeralStorage) {
      reasons.push('Insufficient ephemeral-storage');
    }
    return reasons.length ? { code: Code.Unschedulable, reasons } : OK;
  },
  score(pod: Pod, ni: NodeInfo): number {
    const want = podRequests(pod);
    const frac = (used: bigint, add: bigint, cap: bigint) => (cap > 0n ? Number(((cap - used - add) * 100n) / cap) : 0);
    const cpu = frac(ni.requested.milliCPU, want.milliCPU, ni.allocatable.milliCPU);
    const mem = frac(ni.requested.memory, want.memory, ni.allocatable.memory);
    return Math.max(0, Math.round((cpu + mem) / 2));
  },
};

/** Spreads pods of the same owner (or same labels) across nodes: fewer siblings scores higher. */
export const selectorSpread: ScorePlugin = {
  name: 'PodTopologySpread',
  weight: 2,
  score(pod: Pod, ni: NodeInfo, all: NodeInfo[]): number {
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller)?.uid;
    const labels = JSON.stringify(pod.metadata.labels ?? {});
    const siblings = (n: NodeInfo) =>
      n.pods.filter((p) => p.metadata.namespace === pod.metadata.namespace &&
        (owner ? p.metadata.ownerReferences?.some((o) => o.uid === owner) : JSON.stringify(p.metadata.labels ?? {}) === labels)).length;
    const most = Math.max(...all.map(siblings));
    return most === 0 ? 100 : Math.round(((most - siblings(ni)) * 100) / most);
  },
};

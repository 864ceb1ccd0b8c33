/**
 * The scheduling framework (kube-scheduler's `framework` package, reduced):
 * Filter plugins say whether a pod fits a node, returning a Status with a code;
 * Score plugins rank the feasible nodes 0–100, weighted. Expected outcomes are
 * values (Status), never exceptions.
 */
import type { Node, Pod } from '../api/types.js';

/** Status codes as the framework's. */
export enum Code {
  Success = 0,
  /** The pod does not fit, but preemption might help (e.g. resources). */
  Unschedulable = 2,
  /** The pod does not fit and preemption cannot help (taints, affinity, node name). */
  UnschedulableAndUnresolvable = 3,
}

/** The result of one plugin on one node. `reasons` are the user-facing texts. */
export interface Status {
  code: Code;
  reasons: string[];
}

/** Success. */
export const OK: Status = { code: Code.Success, reasons: [] };

/** A failure with one reason. */
export function unschedulable(reason: string, unresolvable = false): Status {
  return { code: unresolvable ? Code.UnschedulableAndUnresolvable : Code.Unschedulable, reasons: [reason] };
}

/** Resource amounts: cpu in millicores, memory and ephemeral-storage in bytes, pods as a count. */
export interface Resources {
  milliCPU: bigint;
  memory: bigint;
  ephemeralStorage: bigint;
  pods: bigint;
}

/** A node with the pods assigned to it and their summed requests (the scheduler's NodeInfo). */
export interface NodeInfo {
  node: Node;
  pods: Pod[];
  requested: Resources;
  allocatable: Resources;
}

/** Decides whether `pod` fits `nodeInfo`. */
export interface FilterPlugin {
  name: string;
  filter(pod: Pod, nodeInfo: NodeInfo): Status;
}

/** Scores a feasible node 0–100 (higher is better). */
export interface ScorePlugin {
  name: string;
  weight: number;
  score(pod: Pod, nodeInfo: NodeInfo, all: NodeInfo[]): number;
}

/** The plugin set of a profile. */
export interface Profile {
  filters: FilterPlugin[];
  scores: ScorePlugin[];
}

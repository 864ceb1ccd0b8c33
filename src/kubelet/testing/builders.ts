/** Builders for kubelet tests: pods and runtime states with sensible defaults. */
import type { Container, Pod, PodSpec } from '../../api/types.js';
import { hashContainer } from '../podutil.js';
import type { ContainerRuntimeState, PodRuntimeStatus, SandboxState } from '../runtime-state.js';

/** A bound pod `name` in `default` with uid `uid-<name>` and the given containers/spec. */
export function makePod(name: string, spec: Partial<PodSpec> = {}, meta: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '1', ...meta },
    spec: { containers: [{ name: 'c', image: 'busybox' }], nodeName: 'node1', restartPolicy: 'Always', ...spec },
  };
}

/** A ready sandbox with an IP. */
export function sandbox(over: Partial<SandboxState> = {}): SandboxState {
  return { id: 'sb1', attempt: 0, ready: true, createdAtMs: 1000, ip: '10.88.0.2', additionalIps: [], ...over };
}

/** A container instance of `spec` (hash matching the spec). */
export function instance(spec: Container, over: Partial<ContainerRuntimeState> = {}): ContainerRuntimeState {
  return {
    id: `${spec.name}-${over.restartCount ?? 0}`, name: spec.name, sandboxId: 'sb1', restartCount: 0, state: 'running',
    createdAtMs: 2000, startedAtMs: 2000, finishedAtMs: 0, exitCode: 0, reason: '', message: '',
    image: 'docker.io/library/busybox:latest', imageRef: 'docker.io/library/busybox@sha256:abc', hash: hashContainer(spec), logPath: '',
    ...over,
  };
}

/** A runtime status for `pod`. */
export function runtimeOf(pod: Pod, sandboxes: SandboxState[], containers: ContainerRuntimeState[]): PodRuntimeStatus {
  return { uid: pod.metadata.uid ?? '', name: pod.metadata.name ?? '', namespace: 'default', sandboxes, containers };
}

/**
 * The API client contract every peapod component uses to talk to the API server
 * (always over HTTPS, even in one process, so a remote kubelet is the same code).
 */
import type { DeleteOptions, KubeList, KubeObject, WatchEvent } from '../api/types.js';

/** Which collection a call addresses. `namespace` is omitted for cluster-scoped kinds or all-namespace lists. */
export interface ResourceRef {
  /** API group; `''` for core. */
  group: string;
  version: string;
  /** Plural resource name, e.g. `pods`. */
  resource: string;
  namespace?: string;
}

/** Query options for list and watch, as the Kubernetes ListOptions. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  limit?: number;
  continue?: string;
  /** Seconds; the server ends the watch after this. */
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
}

/** Patch flavours and their content types. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** Options for writes. */
export interface WriteOptions {
  /** Subresource such as `status` or `binding`. */
  subresource?: string;
  fieldManager?: string;
  dryRun?: boolean;
}

/** A typed client for the Kubernetes REST API. Failures are thrown as `StatusError` (from ../api/errors). */
export interface ApiClient {
  get<T extends KubeObject>(ref: ResourceRef, name: string, signal?: AbortSignal): Promise<T>;
  list<T extends KubeObject>(ref: ResourceRef, opts?: ListOptions, signal?: AbortSignal): Promise<KubeList<T>>;
  create<T extends KubeObject>(ref: ResourceRef, obj: KubeObject, opts?: WriteOptions, signal?: AbortSignal): Promise<T>;
  /** PUT; `opts.subresource` = `status` updates only the status. Conflicts throw a 409 StatusError. */
  update<T extends KubeObject>(ref: ResourceRef, obj: KubeObject, opts?: WriteOptions, signal?: AbortSignal): Promise<T>;
  patch<T extends KubeObject>(ref: ResourceRef, name: string, type: PatchType, patch: unknown, opts?: WriteOptions, signal?: AbortSignal): Promise<T>;
  /** POST to a subresource of a named object, e.g. `pods/NAME/binding`; returns the parsed response. */
  createSubresource(ref: ResourceRef, name: string, subresource: string, body: unknown, signal?: AbortSignal): Promise<unknown>;
  /** DELETE; resolves with the returned object (or Status). */
  delete(ref: ResourceRef, name: string, opts?: DeleteOptions, signal?: AbortSignal): Promise<unknown>;
  /** A watch stream; ends when the server closes it or `signal` aborts. ERROR events are yielded as-is. */
  watch<T extends KubeObject>(ref: ResourceRef, opts: ListOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
}

/** Common resource refs. */
export const Resources = {
  pods: (namespace?: string): ResourceRef => ({ group: '', version: 'v1', resource: 'pods', namespace }),
  nodes: (): ResourceRef => ({ group: '', version: 'v1', resource: 'nodes' }),
  namespaces: (): ResourceRef => ({ group: '', version: 'v1', resource: 'namespaces' }),
  events: (namespace?: string): ResourceRef => ({ group: '', version: 'v1', resource: 'events', namespace }),
  leases: (namespace?: string): ResourceRef => ({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace }),
} as const;

/** Records core/v1 Events about an object (client-go's EventRecorder). */
export interface EventRecorder {
  /**
   * Emits an Event. Repeats of the same (object, reason, message) within a short
   * window bump `count` and `lastTimestamp` instead of creating a new Event.
   * Never throws: failures are logged.
   */
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
}

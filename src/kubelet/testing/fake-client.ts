/**
 * An in-memory ApiClient for kubelet tests: objects per resource, a global
 * resourceVersion counter, optimistic concurrency on update, the status subresource,
 * graceful pod deletion (deletionTimestamp first, removal at grace 0), uid
 * preconditions, `spec.nodeName=` field selectors and watch streams.
 */
import { alreadyExists, conflict, CONFLICT_MODIFIED, notFound, StatusError } from '../../api/errors.js';
import type { DeleteOptions, KubeList, KubeObject, WatchEvent } from '../../api/types.js';
import type { ApiClient, ListOptions, PatchType, ResourceRef, WriteOptions } from '../../client/types.js';

interface Stored { ref: string; ns: string; obj: KubeObject }
interface LogEntry { rv: number; ref: string; ev: WatchEvent }

const refKey = (r: ResourceRef): string => `${r.group}/${r.resource}`;
const clone = <T>(v: T): T => structuredClone(v);

function matchesField(obj: KubeObject, sel?: string): boolean {
  if (!sel) return true;
  return sel.split(',').every((part) => {
    const [k, v] = part.split('=');
    if (k === 'spec.nodeName') return ((obj.spec as { nodeName?: string } | undefined)?.nodeName ?? '') === v;
    if (k === 'metadata.name') return obj.metadata.name === v;
    return true;
  });
}

/** The in-memory API. `calls` records writes as `verb resource/name[/sub]`. */
export class FakeApiClient implements ApiClient {
  private objects = new Map<string, Stored>();
  private log: LogEntry[] = [];
  private rv = 100;
  private waiters = new Set<() => void>();
  readonly calls: string[] = [];
  /** Fail the next N status updates with 409 (to exercise retry). */
  conflictsToInject = 0;

  private key(r: ResourceRef, name: string, ns?: string): string {
    return `${refKey(r)}|${ns ?? r.namespace ?? ''}|${name}`;
  }

  private emit(ref: ResourceRef, type: WatchEvent['type'], obj: KubeObject): void {
    this.log.push({ rv: this.rv, ref: refKey(ref), ev: { type, object: clone(obj) } });
    for (const w of [...this.waiters]) w();
  }

  private gr(r: ResourceRef): { group: string; resource: string } {
    return { group: r.group, resource: r.resource };
  }

  /** Direct read for assertions (undefined if absent). */
  peek<T extends KubeObject>(ref: ResourceRef, name: string): T | undefined {
    const s = this.objects.get(this.key(ref, name));
    return s ? (clone(s.obj) as T) : undefined;
  }

  /** All objects of a resource (for assertions). */
  all<T extends KubeObject>(ref: ResourceRef): T[] {
    return [...this.objects.values()].filter((s) => s.ref === refKey(ref) && (!ref.namespace || s.ns === ref.namespace)).map((s) => clone(s.obj) as T);
  }

  async get<T extends KubeObject>(ref: ResourceRef, name: string): Promise<T> {
    const s = this.objects.get(this.key(ref, name));
    if (!s) throw notFound(this.gr(ref), name);
    return clone(s.obj) as T;
  }

  async list<T extends KubeObject>(ref: ResourceRef, opts?: ListOptions): Promise<KubeList<T>> {
    const items = this.all<T>(ref).filter((o) => matchesField(o, opts?.fieldSelector));
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.rv) }, items };
  }

  async create<T extends KubeObject>(ref: ResourceRef, obj: KubeObject, _opts?: WriteOptions): Promise<T> {
    const ns = obj.metadata.namespace ?? ref.namespace ?? '';
    const name = obj.metadata.name ?? `${obj.metadata.generateName ?? 'x'}${this.rv}`;
    const k = this.key(ref, name, ns);
    if (this.objects.has(k)) throw alreadyExists(this.gr(ref), name);
    this.rv++;
    const stored: KubeObject = clone({ ...obj, metadata: { ...obj.metadata, name, ...(ns ? { namespace: ns } : {}), uid: obj.metadata.uid ?? `uid-${name}-${this.rv}`, resourceVersion: String(this.rv), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } });
    this.objects.set(k, { ref: refKey(ref), ns, obj: stored });
    this.calls.push(`create ${ref.resource}/${name}`);
    this.emit(ref, 'ADDED', stored);
    return clone(stored) as T;
  }

  async update<T extends KubeObject>(ref: ResourceRef, obj: KubeObject, opts?: WriteOptions): Promise<T> {
    const name = obj.metadata.name ?? '';
    const k = this.key(ref, name, obj.metadata.namespace);
    const s = this.objects.get(k);
    if (!s) throw notFound(this.gr(ref), name);
    this.calls.push(`update ${ref.resource}/${name}${opts?.subresource ? `/${opts.subresource}` : ''}`);
    if (opts?.subresource === 'status' && this.conflictsToInject > 0) {
      this.conflictsToInject--;
      throw conflict(this.gr(ref), name, CONFLICT_MODIFIED);
    }
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== s.obj.metadata.resourceVersion) throw conflict(this.gr(ref), name, CONFLICT_MODIFIED);
    this.rv++;
    const next: KubeObject = opts?.subresource === 'status'
      ? { ...clone(s.obj), status: clone(obj.status) }
      : { ...clone(obj), status: clone(s.obj.status) };
    next.metadata = { ...(opts?.subresource === 'status' ? s.obj.metadata : obj.metadata), uid: s.obj.metadata.uid, resourceVersion: String(this.rv) };
    s.obj = next;
    this.emit(ref, 'MODIFIED', next);
    return clone(next) as T;
  }

  async patch<T extends KubeObject>(ref: ResourceRef, name: string, _type: PatchType, patch: unknown): Promise<T> {
    const s = this.objects.get(this.key(ref, name));
    if (!s) throw notFound(this.gr(ref), name);
    this.rv++;
    s.obj = { ...s.obj, ...(patch as object), metadata: { ...s.obj.metadata, resourceVersion: String(this.rv) } };
    this.emit(ref, 'MODIFIED', s.obj);
    return clone(s.obj) as T;
  }

  async createSubresource(): Promise<unknown> {
    throw new StatusError(405, 'MethodNotAllowed', 'not supported by the fake');
  }

  async delete(ref: ResourceRef, name: string, opts?: DeleteOptions): Promise<unknown> {
    const k = this.key(ref, name);
    const s = this.objects.get(k);
    if (!s) throw notFound(this.gr(ref), name);
    if (opts?.preconditions?.uid && opts.preconditions.uid !== s.obj.metadata.uid) {
      throw conflict(this.gr(ref), name, `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${s.obj.metadata.uid}`);
    }
    this.calls.push(`delete ${ref.resource}/${name}${opts?.gracePeriodSeconds !== undefined ? ` grace=${opts.gracePeriodSeconds}` : ''}`);
    this.rv++;
    const isBoundPod = ref.resource === 'pods' && !!(s.obj.spec as { nodeName?: string } | undefined)?.nodeName;
    const grace = opts?.gracePeriodSeconds ?? (s.obj.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds ?? 30;
    if (isBoundPod && grace > 0) {
      s.obj = { ...s.obj, metadata: { ...s.obj.metadata, deletionTimestamp: s.obj.metadata.deletionTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'), deletionGracePeriodSeconds: grace, resourceVersion: String(this.rv) } };
      this.emit(ref, 'MODIFIED', s.obj);
      return clone(s.obj);
    }
    this.objects.delete(k);
    s.obj.metadata.resourceVersion = String(this.rv);
    this.emit(ref, 'DELETED', s.obj);
    return clone(s.obj);
  }

  async *watch<T extends KubeObject>(ref: ResourceRef, opts: ListOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    let from = Number(opts.resourceVersion ?? this.rv);
    while (!signal.aborted) {
      const evs = this.log.filter((e) => e.rv > from && e.ref === refKey(ref) && (!ref.namespace || e.ev.object.metadata.namespace === ref.namespace));
      for (const e of evs) {
        from = e.rv;
        if (matchesField(e.ev.object, opts.fieldSelector)) yield clone(e.ev) as WatchEvent<T>;
      }
      if (evs.length) continue;
      await new Promise<void>((resolve) => {
        const w = (): void => { this.waiters.delete(w); signal.removeEventListener('abort', w); resolve(); };
        this.waiters.add(w);
        signal.addEventListener('abort', w, { once: true });
      });
    }
  }
}

/** Records events in memory (`reason: message`). */
export class FakeRecorder {
  readonly events: { type: string; reason: string; message: string; object: string; fieldPath?: string }[] = [];
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    this.events.push({ type, reason, message, object: `${obj.kind ?? ''}/${obj.metadata.name ?? ''}`, fieldPath });
  }
  /** `Reason: message` strings, in order. */
  lines(): string[] {
    return this.events.map((e) => `${e.reason}: ${e.message}`);
  }
}

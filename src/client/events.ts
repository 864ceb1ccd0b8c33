/**
 * An EventRecorder writing core/v1 Events through the API, with client-go's
 * correlation: a repeat of the same (object, type, reason, message, source)
 * patches `count` and `lastTimestamp` of the existing Event instead of creating one.
 */
import type { CoreEvent, KubeObject } from '../api/types.js';
import { rfc3339, rfc3339Micro, realClock, type Clock } from '../machinery/clock.js';
import { Resources, type ApiClient, type EventRecorder } from './types.js';

/** Creates a recorder for `component` (e.g. `kubelet`, `default-scheduler`) on `host`. */
export class ApiEventRecorder implements EventRecorder {
  private seen = new Map<string, { name: string; namespace: string; count: number }>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: ApiClient,
    private readonly component: string,
    private readonly host?: string,
    private readonly clock: Clock = realClock,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    this.chain = this.chain.then(() => this.write(obj, type, reason, message, fieldPath)).catch((err: unknown) => {
      this.log(`event ${reason} for ${obj.metadata.name}: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  /** Resolves when every event recorded so far has been written. */
  flush(): Promise<void> {
    return this.chain;
  }

  private async write(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): Promise<void> {
    const namespace = obj.metadata.namespace || 'default';
    const now = this.clock.now();
    const corr = [obj.metadata.uid, type, reason, message, fieldPath ?? ''].join('\0');
    const prev = this.seen.get(corr);
    if (prev) {
      prev.count++;
      try {
        await this.client.patch(Resources.events(prev.namespace), prev.name, 'merge', { count: prev.count, lastTimestamp: rfc3339(now) });
        return;
      } catch {
        this.seen.delete(corr);
      }
    }
    const name = `${obj.metadata.name ?? 'unknown'}.${(now.getTime() * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`;
    const ev: CoreEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        apiVersion: obj.apiVersion,
        resourceVersion: obj.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: this.host ?? '',
    };
    void rfc3339Micro;
    await this.client.create(Resources.events(namespace), ev);
    if (this.seen.size > 4096) this.seen.clear();
    this.seen.set(corr, { name, namespace, count: 1 });
  }
}

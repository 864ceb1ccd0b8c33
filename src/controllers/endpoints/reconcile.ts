/**
 * Pure decisions of the endpoints and EndpointSlice controllers
 * (pkg/controller/endpoint, pkg/controller/endpointslice): which pods back a Service,
 * on which port numbers (named target ports resolved from container ports), and the
 * Endpoints subsets and EndpointSlices that result. No I/O: the controller compares the
 * result with what is stored and writes the difference.
 */
import { labelSelectorFromLabelSelector } from '../../api/selectors/labels.js';
import {
  ENDPOINTSLICE_CONTROLLER_NAME, LABEL_HEADLESS, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, isHeadless,
  type EndpointAddress, type EndpointPort, type EndpointSlice, type EndpointSubset, type Endpoints, type Service, type ServicePort, type SliceEndpoint,
} from '../../api/servicetypes.js';
import type { Pod } from '../../api/types.js';

/** True when the pod's Ready condition is True (podutil.IsPodReady). */
export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * ShouldPodBeInEndpoints: the pod has an IP, is not terminal, and (unless
 * `includeTerminating`) is not being deleted.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP) return false;
  const phase = pod.status.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return includeTerminating || !pod.metadata.deletionTimestamp;
}

/**
 * FindPort: the container port a service port targets on `pod`: a number as is, a name
 * looked up among the pod's container ports of the same protocol; undefined when absent.
 */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  const proto = sp.protocol ?? 'TCP';
  for (const c of [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? []).filter((ic) => ic.restartPolicy === 'Always')]) {
    for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? 'TCP') === proto) return p.containerPort;
  }
  return undefined;
}

/** Pods in the Service's namespace matching its selector (none for a Service without selector). */
export function selectPods(svc: Service, pods: Pod[]): Pod[] {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return [];
  const selector = labelSelectorFromLabelSelector({ matchLabels: sel });
  return pods.filter((p) => p.metadata.namespace === svc.metadata.namespace && selector.matches(p.metadata.labels ?? {}));
}

function address(pod: Pod): EndpointAddress {
  const a: EndpointAddress = { ip: pod.status!.podIP! };
  if (pod.spec.nodeName) a.nodeName = pod.spec.nodeName;
  a.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  return a;
}

function hostnameFor(svc: Service, pod: Pod): string | undefined {
  return pod.spec.hostname && pod.spec.subdomain === svc.metadata.name ? pod.spec.hostname : undefined;
}

function portsKey(ports: EndpointPort[]): string {
  return ports.map((p) => `${p.name ?? ''}/${p.port ?? ''}/${p.protocol ?? ''}`).sort().join(',');
}

/** One backend and the ports it serves. */
interface Backend {
  pod: Pod;
  ports: EndpointPort[];
  ready: boolean;
}

/** Backends of the Service: each candidate pod with its resolved ports (a pod lacking a named port skips that port). */
function backends(svc: Service, pods: Pod[], includeTerminating: boolean): Backend[] {
  const publish = svc.spec?.publishNotReadyAddresses === true;
  const out: Backend[] = [];
  for (const pod of selectPods(svc, pods)) {
    if (!shouldPodBeInEndpoints(pod, includeTerminating || publish)) continue;
    const ports: EndpointPort[] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const n = findPort(pod, sp);
      if (n === undefined) continue;
      const ep: EndpointPort = { name: sp.name ?? '', port: n, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      ports.push(ep);
    }
    if (ports.length === 0 && (svc.spec?.ports?.length ?? 0) > 0) continue;
    out.push({ pod, ports, ready: publish || isPodReady(pod) });
  }
  return out;
}

function byIP(a: EndpointAddress, b: EndpointAddress): number {
  return a.ip.localeCompare(b.ip, 'en', { numeric: true }) || (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '');
}

/**
 * The Endpoints subsets of a Service (repacked: addresses sharing a port set form one
 * subset; ready pods in `addresses`, others in `notReadyAddresses`; sorted by IP).
 * Terminating pods are left out unless `publishNotReadyAddresses`.
 */
export function computeSubsets(svc: Service, pods: Pod[]): EndpointSubset[] {
  const groups = new Map<string, EndpointSubset>();
  for (const b of backends(svc, pods, false)) {
    const key = portsKey(b.ports);
    let ss = groups.get(key);
    if (!ss) { ss = { ports: [...b.ports].sort((x, y) => (x.name ?? '').localeCompare(y.name ?? '')) }; groups.set(key, ss); }
    const a = address(b.pod);
    const hn = hostnameFor(svc, b.pod);
    if (hn) a.hostname = hn;
    (b.ready ? (ss.addresses ??= []) : (ss.notReadyAddresses ??= [])).push(a);
  }
  const out = [...groups.values()];
  for (const ss of out) {
    ss.addresses?.sort(byIP);
    ss.notReadyAddresses?.sort(byIP);
    if (ss.ports?.length === 0) delete ss.ports;
  }
  return out.sort((a, b) => portsKey(a.ports ?? []).localeCompare(portsKey(b.ports ?? [])));
}

/** Labels of the Endpoints/EndpointSlices of a Service: its own labels plus the headless label. */
export function endpointsLabels(svc: Service): Record<string, string> {
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (isHeadless(svc)) labels[LABEL_HEADLESS] = '';
  else delete labels[LABEL_HEADLESS];
  return labels;
}

/** The Endpoints object the controller wants for `svc` (same name and namespace). */
export function desiredEndpoints(svc: Service, pods: Pod[]): Endpoints {
  const subsets = computeSubsets(svc, pods);
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace, labels: endpointsLabels(svc) },
    ...(subsets.length ? { subsets } : {}),
  };
}

/** True when `cur` differs from `want` in labels or subsets (what the controller compares). */
export function endpointsChanged(cur: Endpoints, want: Endpoints): boolean {
  return JSON.stringify(cur.subsets ?? []) !== JSON.stringify(want.subsets ?? [])
    || JSON.stringify(cur.metadata.labels ?? {}) !== JSON.stringify(want.metadata.labels ?? {});
}

/** The content of one desired EndpointSlice. */
export interface SliceContent {
  ports: EndpointPort[];
  endpoints: SliceEndpoint[];
}

/**
 * Desired EndpointSlice contents: one per distinct port set (sorted), endpoints sorted by
 * address, with ready/serving/terminating conditions; terminating pods are included
 * (ready false). A Service with a selector and no backends gets one empty placeholder.
 */
export function desiredSliceContents(svc: Service, pods: Pod[]): SliceContent[] {
  const groups = new Map<string, SliceContent>();
  const publish = svc.spec?.publishNotReadyAddresses === true;
  for (const b of backends(svc, pods, true)) {
    const key = portsKey(b.ports);
    let g = groups.get(key);
    if (!g) { g = { ports: [...b.ports].sort((x, y) => (x.name ?? '').localeCompare(y.name ?? '')), endpoints: [] }; groups.set(key, g); }
    const terminating = !!b.pod.metadata.deletionTimestamp;
    const serving = publish || isPodReady(b.pod);
    const e: SliceEndpoint = { addresses: [b.pod.status!.podIP!], conditions: { ready: serving && !terminating, serving, terminating } };
    const hn = hostnameFor(svc, b.pod);
    if (hn) e.hostname = hn;
    e.targetRef = { kind: 'Pod', namespace: b.pod.metadata.namespace, name: b.pod.metadata.name, uid: b.pod.metadata.uid };
    if (b.pod.spec.nodeName) e.nodeName = b.pod.spec.nodeName;
    g.endpoints.push(e);
  }
  const out = [...groups.values()].sort((a, b) => portsKey(a.ports).localeCompare(portsKey(b.ports)));
  for (const g of out) g.endpoints.sort((a, b) => (a.addresses[0] ?? '').localeCompare(b.addresses[0] ?? '', 'en', { numeric: true }));
  return out.length ? out : [{ ports: [], endpoints: [] }];
}

/** Labels of a managed EndpointSlice of `svc`. */
export function sliceLabels(svc: Service): Record<string, string> {
  return { ...endpointsLabels(svc), [LABEL_SERVICE_NAME]: svc.metadata.name ?? '', [LABEL_MANAGED_BY]: ENDPOINTSLICE_CONTROLLER_NAME };
}

/** What to write: new slices (generateName), updated slices, slices to delete. */
export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  remove: EndpointSlice[];
}

function sliceContentOf(s: EndpointSlice): string {
  return JSON.stringify({ p: s.ports ?? [], e: s.endpoints ?? [] });
}

/**
 * Reconciles the Service's managed slices (`existing`) with `want`: a slice already
 * holding the wanted content is kept; the others are reused in name order (updated),
 * then created or deleted as the counts require.
 */
export function planSlices(svc: Service, want: SliceContent[], existing: EndpointSlice[]): SlicePlan {
  const labels = sliceLabels(svc);
  const plan: SlicePlan = { create: [], update: [], remove: [] };
  const pending = [...existing].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const rest: SliceContent[] = [];
  for (const w of want) {
    const text = JSON.stringify({ p: w.ports, e: w.endpoints });
    const i = pending.findIndex((s) => sliceContentOf(s) === text);
    if (i < 0) { rest.push(w); continue; }
    const [kept] = pending.splice(i, 1);
    if (JSON.stringify(kept!.metadata.labels ?? {}) !== JSON.stringify(labels)) plan.update.push({ ...kept!, metadata: { ...kept!.metadata, labels } });
  }
  for (const w of rest) {
    const reuse = pending.shift();
    if (reuse) plan.update.push({ ...reuse, metadata: { ...reuse.metadata, labels }, ports: w.ports, endpoints: w.endpoints });
    else plan.create.push(newSlice(svc, w, labels));
  }
  plan.remove.push(...pending);
  return plan;
}

function newSlice(svc: Service, w: SliceContent, labels: Record<string, string>): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata.name ?? ''}-`,
      namespace: svc.metadata.namespace,
      labels,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name ?? '', uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints: w.endpoints,
    ports: w.ports,
  };
}

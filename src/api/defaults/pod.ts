/**
 * Pod defaulting: what a real cluster adds to a created Pod, field for field,
 * as `kubectl get pod -o yaml` shows it.
 *
 * Mirrors pkg/apis/core/v1/defaults.go (SetDefaults_Pod, _PodSpec, _Container,
 * _ContainerPort, _Probe, _HTTPGetAction, volume sources) plus the admission
 * plugins a default cluster runs on create: ServiceAccount (serviceAccountName
 * `default`), Priority (priority 0, preemptionPolicy PreemptLowerPriority) and
 * DefaultTolerationSeconds (300 s NoExecute tolerations for not-ready and
 * unreachable). The service-account token volume is NOT added.
 */
import type { Container, Pod, PodSpec, Toleration } from '../types.js';
import { addQuantity, compareQuantity, parseQuantity, ZERO_QUANTITY, type Quantity } from './quantity.js';

/** Seconds a pod tolerates a not-ready/unreachable node by default (DefaultTolerationSeconds). */
export const DEFAULT_NOT_READY_TOLERATION_SECONDS = 300;
/** Taint key of a node whose Ready condition is False. */
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
/** Taint key of a node whose Ready condition is Unknown. */
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';

/**
 * The tag an image reference carries: `nginx:1.25` -> `1.25`, `nginx` -> `latest`,
 * `nginx@sha256:…` -> `` (digest only), `reg:5000/app` -> `latest`.
 * Mirrors pkg/util/parsers.ParseImageName (no tag and no digest means `latest`).
 */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const hasDigest = at >= 0;
  const name = hasDigest ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf('/');
  const lastColon = name.lastIndexOf(':');
  const tag = lastColon > lastSlash ? name.slice(lastColon + 1) : '';
  if (!tag && !hasDigest) return 'latest';
  return tag;
}

/** `Always` when the image's tag is `latest` (or absent, with no digest), else `IfNotPresent`. */
export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  const http = probe.httpGet;
  if (isObject(http)) {
    http.path ??= '/';
    http.scheme ??= 'HTTP';
  }
}

function defaultEnv(c: Container): void {
  for (const ev of c.env ?? []) {
    const fieldRef = isObject(ev.valueFrom) ? ev.valueFrom.fieldRef : undefined;
    if (isObject(fieldRef)) fieldRef.apiVersion ??= 'v1';
  }
}

/** SetDefaults_Container (+ ports, probes, and requests defaulted from limits). Mutates `c`. */
export function defaultContainer(c: Container): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultImagePullPolicy(c.image ?? '');
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  c.resources ??= {};
  const { limits } = c.resources;
  if (limits) {
    const requests = (c.resources.requests ??= {});
    for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
  }
  for (const p of c.ports ?? []) p.protocol ||= 'TCP';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultEnv(c);
}

function defaultVolumes(spec: PodSpec): void {
  for (const v of spec.volumes ?? []) {
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.length === 0) v.emptyDir = {};
    for (const key of ['secret', 'configMap', 'projected', 'downwardAPI']) {
      const src = v[key];
      if (isObject(src)) src.defaultMode ??= 420;
    }
    const hostPath = v.hostPath;
    if (isObject(hostPath)) hostPath.type ??= '';
  }
}

function tolerates(list: Toleration[], key: string): boolean {
  return list.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
}

/** The DefaultTolerationSeconds admission plugin: add the two 300 s NoExecute tolerations unless already tolerated. */
export function addDefaultTolerations(spec: PodSpec): void {
  const list = spec.tolerations ?? [];
  const add: Toleration[] = [];
  for (const key of [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]) {
    if (!tolerates(list, key)) {
      add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_NOT_READY_TOLERATION_SECONDS });
    }
  }
  if (add.length) spec.tolerations = [...list, ...add];
}

function defaultHostNetworkPorts(containers: Container[] | undefined): void {
  for (const c of containers ?? []) for (const p of c.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
}

/** SetDefaults_PodSpec plus the ServiceAccount and Priority admission defaults. Mutates `spec`. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  const sa = spec.serviceAccountName || spec.serviceAccount || 'default';
  spec.serviceAccountName = sa;
  spec.serviceAccount = sa;
  spec.priority ??= 0;
  spec.preemptionPolicy ||= 'PreemptLowerPriority';
  if (spec.hostNetwork) {
    defaultHostNetworkPorts(spec.containers);
    defaultHostNetworkPorts(spec.initContainers);
  }
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  const eph = spec.ephemeralContainers;
  if (Array.isArray(eph)) for (const c of eph) if (isObject(c)) defaultContainer(c as Container);
  defaultVolumes(spec);
  addDefaultTolerations(spec);
}

/**
 * Default a Pod in place (and return it) exactly as the apiserver does on
 * create: spec defaults, container defaults, admission defaults. Idempotent.
 * Does not touch `status` (see {@link computeQOSClass}).
 */
export function defaultPod(pod: Pod): Pod {
  pod.spec ??= { containers: [] };
  defaultPodSpec(pod.spec);
  return pod;
}

function sumInto(acc: Map<string, Quantity>, list: Record<string, string> | undefined, found?: Set<string>): void {
  for (const [name, raw] of Object.entries(list ?? {})) {
    if (name !== 'cpu' && name !== 'memory') continue;
    const q = parseQuantity(raw);
    if (!q || compareQuantity(q, ZERO_QUANTITY) <= 0) continue;
    found?.add(name);
    const prev = acc.get(name);
    acc.set(name, prev ? addQuantity(prev, q) : q);
  }
}

/**
 * The pod's QoS class, computed as Kubernetes' ComputePodQOS does (only cpu and
 * memory count; zero quantities are ignored):
 * BestEffort when no container has any request or limit; Guaranteed when every
 * container (init included) has cpu and memory limits and the summed requests
 * equal the summed limits for every resource; Burstable otherwise.
 * Call it on a defaulted pod (requests defaulted from limits).
 */
export function computeQOSClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of all) {
    sumInto(requests, c.resources?.requests);
    const found = new Set<string>();
    sumInto(limits, c.resources?.limits, found);
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || compareQuantity(lim, req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/**
 * Pod validation on create (pkg/apis/core/validation ValidatePodCreate /
 * ValidatePodSpec), for the fields peapod interprets. Field paths and messages
 * match Kubernetes, so `kubectl` users see the errors they know, e.g.
 * `spec.containers[0].image: Required value`.
 */
import type { FieldError } from '../errors.js';
import type { Pod, PodSpec, Toleration, Volume } from '../types.js';
import { child, duplicate, forbidden, index, invalid, invalidEach, notSupported, required } from './field.js';
import { validateContainers, validateInitContainers } from './containers.js';
import { validateLabels, validateObjectMeta } from './objectmeta.js';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from './primitives.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'] as const;
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
const MAX_INT32 = 2147483647;

function oneOf(field: string, value: string | undefined, valid: readonly string[]): FieldError[] {
  if (!value) return [required(field)];
  return valid.includes(value) ? [] : [notSupported(field, value, valid)];
}

/** ValidateVolumes: names are unique DNS labels; exactly one volume source each. Returns the valid names. */
export function validateVolumes(volumes: Volume[] | undefined, path: string): { names: Set<string>; errs: FieldError[] } {
  const names = new Set<string>();
  const errs: FieldError[] = [];
  (volumes ?? []).forEach((v, i) => {
    const p = index(path, i);
    const el: FieldError[] = [];
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.length === 0) el.push(required(p, 'must specify a volume type'));
    else if (sources.length > 1) el.push(forbidden(child(p, sources[1] ?? ''), 'may not specify more than 1 volume type'));
    const namePath = child(p, 'name');
    if (!v.name) el.push(required(namePath));
    else el.push(...invalidEach(namePath, v.name, isDNS1123Label(v.name)));
    if (names.has(v.name)) el.push(duplicate(namePath, v.name));
    if (el.length === 0) names.add(v.name);
    errs.push(...el);
  });
  return { names, errs };
}

/** ValidateTolerations. */
export function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = index(path, i);
    if (t.key) errs.push(...invalidEach(child(p, 'key'), t.key, isQualifiedName(t.key)));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(invalid(child(p, 'operator'), t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(invalid(child(p, 'effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    const op: string = t.operator ?? '';
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(t.value ?? '');
      if (msgs.length) errs.push(invalid(child(p, 'operator'), t.value ?? '', msgs.join(';')));
    } else if (op === 'Exists') {
      if (t.value) errs.push(invalid(child(p, 'operator'), t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(child(p, 'operator'), op, ['Equal', 'Exists']));
    }
    if (t.effect && !(TAINT_EFFECTS as readonly string[]).includes(t.effect)) errs.push(notSupported(child(p, 'effect'), t.effect, TAINT_EFFECTS));
  });
  return errs;
}

function validateNames(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const dnsSub: [string, string | undefined][] = [['serviceAccountName', spec.serviceAccountName], ['nodeName', spec.nodeName]];
  for (const [f, v] of dnsSub) if (v) errs.push(...invalidEach(child(path, f), v, isDNS1123Subdomain(v)));
  const dnsLabel: [string, string | undefined][] = [['hostname', spec.hostname], ['subdomain', spec.subdomain]];
  for (const [f, v] of dnsLabel) if (v) errs.push(...invalidEach(child(path, f), v, isDNS1123Label(v)));
  return errs;
}

/** ValidatePodSpec (subset: volumes, containers, init containers, policies, names, deadlines, tolerations). */
export function validatePodSpec(spec: PodSpec | undefined, path = 'spec'): FieldError[] {
  if (!spec || typeof spec !== 'object') return [required(path)];
  const { names: volumes, errs } = validateVolumes(spec.volumes, child(path, 'volumes'));
  const taken = new Set<string>();
  errs.push(...validateContainers(spec.containers, volumes, child(path, 'containers'), taken));
  errs.push(...validateInitContainers(spec.initContainers, volumes, child(path, 'initContainers'), taken));
  errs.push(...oneOf(child(path, 'restartPolicy'), spec.restartPolicy, RESTART_POLICIES));
  errs.push(...oneOf(child(path, 'dnsPolicy'), spec.dnsPolicy, DNS_POLICIES));
  errs.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  errs.push(...validateNames(spec, path));
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null && (ads < 1 || ads > MAX_INT32)) {
    errs.push(invalid(child(path, 'activeDeadlineSeconds'), ads, inclusiveRangeError(1, MAX_INT32)));
  }
  errs.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')));
  if (spec.preemptionPolicy !== undefined) errs.push(...oneOf(child(path, 'preemptionPolicy'), spec.preemptionPolicy, PREEMPTION_POLICIES));
  const tgp = spec.terminationGracePeriodSeconds;
  if (tgp !== undefined && tgp !== null && !Number.isInteger(tgp)) errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), tgp, 'must be an integer'));
  return errs;
}

/**
 * ValidatePodCreate: ObjectMeta (namespaced, DNS-subdomain names) + spec;
 * ephemeral containers cannot be set on create. Call on the defaulted pod.
 */
export function validatePod(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata ?? {}, true, nameIsDNSSubdomain);
  errs.push(...validatePodSpec(pod.spec));
  const eph = pod.spec?.ephemeralContainers;
  if (Array.isArray(eph) && eph.length > 0) errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  return errs;
}

export { validatePodUpdate } from './podupdate.js';

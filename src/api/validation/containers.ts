/**
 * Container validation (pkg/apis/core/validation validateContainerCommon and
 * friends): name, image, termination message policy, ports, env, volume
 * mounts, pull policy, resources. Paths and messages as Kubernetes gives them.
 */
import type { FieldError } from '../errors.js';
import type { Container, ContainerPort, EnvVar, ResourceRequirements, VolumeMount } from '../types.js';
import { compareQuantity, parseQuantity, QUANTITY_FORMAT_ERROR, ZERO_QUANTITY } from '../defaults/quantity.js';
import { child, duplicate, forbidden, index, invalid, invalidEach, key, notFound, notSupported, required } from './field.js';
import { isDNS1123Label, isQualifiedName, isRelaxedEnvVarName, isValidPortName, isValidPortNum } from './primitives.js';

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'] as const;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

function validatePorts(ports: ContainerPort[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = index(path, i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) errs.push(...invalidEach(child(p, 'name'), port.name, msgs));
      else if (names.has(port.name)) errs.push(duplicate(child(p, 'name'), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(child(p, 'containerPort')));
    else errs.push(...invalidEach(child(p, 'containerPort'), port.containerPort, isValidPortNum(port.containerPort)));
    if (port.hostPort) errs.push(...invalidEach(child(p, 'hostPort'), port.hostPort, isValidPortNum(port.hostPort)));
    if (!port.protocol) errs.push(required(child(p, 'protocol')));
    else if (!(PROTOCOLS as readonly string[]).includes(port.protocol)) errs.push(notSupported(child(p, 'protocol'), port.protocol, PROTOCOLS));
  });
  return errs;
}

function validateEnv(env: EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((ev, i) => {
    const p = child(index(path, i), 'name');
    if (!ev.name) errs.push(required(p));
    else errs.push(...invalidEach(p, ev.name, isRelaxedEnvVarName(ev.name)));
    if (ev.valueFrom !== undefined && ev.value) {
      errs.push(invalid(child(index(path, i), 'valueFrom'), '', 'may not be specified when `value` is not empty'));
    }
  });
  return errs;
}

function validateVolumeMounts(mounts: VolumeMount[] | undefined, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const p = index(path, i);
    if (!m.name) errs.push(required(child(p, 'name')));
    if (!volumes.has(m.name)) errs.push(notFound(child(p, 'name'), m.name ?? ''));
    if (!m.mountPath) errs.push(required(child(p, 'mountPath')));
    if (seen.has(m.mountPath)) errs.push(invalid(child(p, 'mountPath'), m.mountPath, 'must be unique'));
    seen.add(m.mountPath);
    if (m.subPath && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      errs.push(invalid(child(p, 'subPath'), m.subPath, m.subPath.startsWith('/') ? 'must be a relative path' : "must not contain '..'"));
    }
  });
  return errs;
}

function isStandardContainerResource(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-') || name.includes('/');
}

function validateResourceList(list: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, raw] of Object.entries(list ?? {})) {
    const p = key(path, name);
    if (name.includes('/')) errs.push(...invalidEach(p, name, isQualifiedName(name)));
    else if (!isStandardContainerResource(name)) errs.push(invalid(p, name, 'must be a standard resource for containers'));
    const q = typeof raw === 'string' ? parseQuantity(raw) : undefined;
    if (!q) errs.push(invalid(p, raw, QUANTITY_FORMAT_ERROR));
    else if (compareQuantity(q, ZERO_QUANTITY) < 0) errs.push(invalid(p, raw, 'must be greater than or equal to 0'));
  }
  return errs;
}

/** ValidateResourceRequirements: valid names and quantities, each request at most its limit. */
export function validateResources(res: ResourceRequirements | undefined, path: string): FieldError[] {
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const errs = [...validateResourceList(res?.limits, limPath), ...validateResourceList(res?.requests, reqPath)];
  for (const [name, raw] of Object.entries(res?.requests ?? {})) {
    const lim = res?.limits?.[name];
    const rq = parseQuantity(raw);
    const lq = lim === undefined ? undefined : parseQuantity(lim);
    if (!rq || !lq) continue;
    const overcommit = !name.startsWith('hugepages-') && (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || !name.includes('/'));
    if (!overcommit && compareQuantity(rq, lq) !== 0) errs.push(invalid(reqPath, raw, `must be equal to ${name} limit of ${lim}`));
    else if (compareQuantity(rq, lq) > 0) errs.push(invalid(reqPath, raw, `must be less than or equal to ${name} limit of ${lim}`));
  }
  return errs;
}

/** validateContainerCommon: the checks every kind of container gets. */
export function validateContainerCommon(c: Container, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const namePath = child(path, 'name');
  if (!c.name) errs.push(required(namePath));
  else errs.push(...invalidEach(namePath, c.name, isDNS1123Label(c.name)));
  if (!c.image) errs.push(required(child(path, 'image')));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(required(child(path, 'terminationMessagePolicy')));
  else if (!(TERMINATION_MESSAGE_POLICIES as readonly string[]).includes(tmp)) {
    errs.push(notSupported(child(path, 'terminationMessagePolicy'), tmp, TERMINATION_MESSAGE_POLICIES));
  }
  errs.push(...validatePorts(c.ports, child(path, 'ports')));
  errs.push(...validateEnv(c.env, child(path, 'env')));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, child(path, 'volumeMounts')));
  const pp = c.imagePullPolicy;
  if (!pp) errs.push(required(child(path, 'imagePullPolicy')));
  else if (!(PULL_POLICIES as readonly string[]).includes(pp)) errs.push(notSupported(child(path, 'imagePullPolicy'), pp, PULL_POLICIES));
  errs.push(...validateResources(c.resources, child(path, 'resources')));
  return errs;
}

/** validateContainers: at least one; common checks; names unique (seeded with `taken`). */
export function validateContainers(list: Container[] | undefined, volumes: Set<string>, path: string, taken: Set<string>): FieldError[] {
  if (!list || list.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  list.forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, volumes, p));
    if (taken.has(c.name)) errs.push(duplicate(child(p, 'name'), c.name));
    else taken.add(c.name);
    if (c.restartPolicy !== undefined) errs.push(forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  return errs;
}

/** validateInitContainers: like containers, names unique across both lists; restartPolicy only `Always`. */
export function validateInitContainers(list: Container[] | undefined, volumes: Set<string>, path: string, taken: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  (list ?? []).forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, volumes, p));
    const rp: unknown = c.restartPolicy;
    if (rp !== undefined && rp !== 'Always') errs.push(notSupported(child(p, 'restartPolicy'), rp, ['Always']));
    if (taken.has(c.name)) errs.push(duplicate(child(p, 'name'), c.name));
    else if (c.name) taken.add(c.name);
    if (rp !== 'Always') {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[f] !== undefined) errs.push(forbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

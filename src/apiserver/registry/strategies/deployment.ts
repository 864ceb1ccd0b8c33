/**
 * apps/v1 Deployment strategy (pkg/registry/apps/deployment/strategy.go):
 * defaults (replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10,
 * progressDeadlineSeconds 600, template defaults), ValidateDeployment with
 * Kubernetes' field paths and messages, immutable selector, status strategy.
 */
import type { FieldError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/types.js';
import { child, forbidden, invalid, notSupported, required } from '../../../api/validation/field.js';
import { findResource } from '../../resources.js';
import type { Strategy } from '../strategy.js';
import {
  defaultPodTemplate, keepSpecForStatus, nonNegative, validateSelector, validateSelectorImmutable, validateTemplateForReplicaSet,
  type PodTemplateSpec,
} from './replicaset.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function specOf(obj: KubeObject): Obj {
  if (!isObj(obj.spec)) obj.spec = {};
  return obj.spec as Obj;
}

/** SetDefaults_Deployment (apps/v1). Mutates `obj`. */
export function defaultDeployment(obj: KubeObject): void {
  const spec = specOf(obj);
  spec.replicas ??= 1;
  if (!isObj(spec.strategy)) spec.strategy = {};
  const strategy = spec.strategy as Obj;
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    if (!isObj(strategy.rollingUpdate)) strategy.rollingUpdate = {};
    const ru = strategy.rollingUpdate as Obj;
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template as PodTemplateSpec | undefined);
}

const PERCENT = /^[0-9]+%$/;

/** ValidatePositiveIntOrPercent + IsNotMoreThan100Percent (when `max100`). */
function intOrPercent(v: unknown, path: string, max100: boolean): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') {
    if (!PERCENT.test(v)) return [invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
    if (max100 && Number(v.slice(0, -1)) > 100) return [invalid(path, v, 'must not be greater than 100%')];
    return [];
  }
  if (typeof v === 'number' && Number.isInteger(v)) return v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];
  return [invalid(path, v, 'must be an integer or percentage (e.g \'5%\')')];
}

function isZero(v: unknown): boolean {
  return v === 0 || v === '0%';
}

/** ValidateDeploymentStrategy. */
function validateStrategy(strategy: unknown, path: string): FieldError[] {
  const s = isObj(strategy) ? strategy : {};
  switch (s.type) {
    case 'Recreate':
      return s.rollingUpdate !== undefined && s.rollingUpdate !== null
        ? [forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")]
        : [];
    case 'RollingUpdate': {
      if (!isObj(s.rollingUpdate)) return [required(child(path, 'rollingUpdate'), 'this should be defaulted and never be nil')];
      const ru = s.rollingUpdate;
      const p = child(path, 'rollingUpdate');
      const errs = [...intOrPercent(ru.maxUnavailable, child(p, 'maxUnavailable'), true), ...intOrPercent(ru.maxSurge, child(p, 'maxSurge'), false)];
      if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) errs.push(invalid(child(p, 'maxUnavailable'), ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      return errs;
    }
    default:
      return [notSupported(child(path, 'type'), s.type ?? '', ['Recreate', 'RollingUpdate'])];
  }
}

/** ValidateDeploymentSpec with Kubernetes' field paths. Call on the defaulted object. */
export function validateDeployment(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = [...nonNegative(spec.replicas, 'spec.replicas')];
  const sel = validateSelector(spec.selector, 'spec.selector');
  errs.push(...sel.errs);
  errs.push(...validateTemplateForReplicaSet(spec.template as PodTemplateSpec | undefined, spec.selector, sel.ok, 'spec.template'));
  errs.push(...validateStrategy(spec.strategy, 'spec.strategy'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const pds = spec.progressDeadlineSeconds;
  errs.push(...nonNegative(pds, 'spec.progressDeadlineSeconds'));
  if (typeof pds === 'number' && pds <= (typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0)) {
    errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

/** apps/v1 Deployment: defaults, validation, immutable selector, status subresource, generation tracking. */
export const deploymentStrategy: Strategy = {
  info: findResource('apps', 'v1', 'deployments')!,
  hasStatus: true,
  tracksGeneration: true,
  prepareForCreate(obj) {
    defaultDeployment(obj);
    obj.status = {};
  },
  validate: validateDeployment,
  prepareForUpdate(obj) {
    defaultDeployment(obj);
  },
  validateUpdate: (obj, old) => [...validateDeployment(obj), ...validateSelectorImmutable(obj, old)],
  prepareForStatusUpdate: keepSpecForStatus,
};

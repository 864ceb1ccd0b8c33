/**
 * core/v1 Service strategy (pkg/registry/core/service/strategy.go): defaults on create
 * and update, ValidateService / ValidateServiceUpdate, allocated values kept across
 * updates, status subresource. Cluster IPs and node ports are allocated by the
 * service registry store (../service-store.ts) before this strategy runs.
 */
import type { Service } from '../../../api/servicetypes.js';
import { findResource } from '../../resources.js';
import type { Strategy } from '../strategy.js';
import { defaultService, keepAllocatedValues, validateService, validateServiceUpdate } from './service-validation.js';

export { defaultService, validateService, validateServiceUpdate } from './service-validation.js';

/** The Service strategy; `status` holds `loadBalancer` (empty for peapod). */
export const serviceStrategy: Strategy = {
  info: findResource('', 'v1', 'services')!,
  hasStatus: true,
  prepareForCreate(obj) {
    defaultService(obj);
    (obj as Service).status = { loadBalancer: {} };
  },
  validate: validateService,
  prepareForUpdate(obj, old) {
    defaultService(obj);
    keepAllocatedValues(obj, old);
  },
  validateUpdate: validateServiceUpdate,
  prepareForStatusUpdate(obj, old) {
    (obj as Service).spec = structuredClone((old as Service).spec);
  },
};

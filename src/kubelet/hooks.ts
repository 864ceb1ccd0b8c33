/**
 * Container lifecycle hooks (pkg/kubelet/lifecycle/handlers.go HandlerRunner):
 * postStart runs right after StartContainer (a failure kills the container), preStop
 * runs before the TERM signal within the termination grace period. Handlers: exec
 * (ExecSync in the container), httpGet (only connection errors fail, as Go's
 * http.Client.Do) and sleep.
 */
import type { Container, Pod } from '../api/types.js';
import type { RuntimeService } from './cri/api.js';
import { podFullName } from './podutil.js';
import { runHttpGet, type ActionSpec } from './prober/handlers.js';

/** The postStart or preStop handler of a container, if any. */
export function lifecycleHandler(c: Container, hook: 'postStart' | 'preStop'): ActionSpec | undefined {
  const lc = c.lifecycle as { postStart?: ActionSpec; preStop?: ActionSpec } | undefined;
  return lc?.[hook];
}

/**
 * Runs a lifecycle handler; resolves to undefined on success or to Kubernetes' failure
 * message (`Exec lifecycle hook ([sh -c exit 1]) for Container "c" in Pod "p_ns(uid)"
 * failed - error: command 'sh -c exit 1' exited with 1: , message: ""`). `timeoutSeconds`
 * bounds the run (0 = none). Never throws.
 */
export async function runHook(spec: ActionSpec, pod: Pod, c: Container, containerId: string, podIP: string, runtime: RuntimeService, timeoutSeconds: number, signal?: AbortSignal): Promise<string | undefined> {
  try {
    if (spec.exec) {
      const cmd = spec.exec.command ?? [];
      const r = await runtime.execSync(containerId, cmd, timeoutSeconds, signal);
      if (r.exitCode === 0) return undefined;
      const out = Buffer.concat([r.stdout, r.stderr]).toString('utf8');
      return `Exec lifecycle hook ([${cmd.join(' ')}]) for Container ${JSON.stringify(c.name)} in Pod ${JSON.stringify(podFullName(pod))} failed - error: command '${cmd.join(' ')}' exited with ${r.exitCode}: ${out}, message: ${JSON.stringify(out)}`;
    }
    if (spec.httpGet) {
      const r = await runHttpGet(spec.httpGet, c, podIP, timeoutSeconds > 0 ? timeoutSeconds : 30);
      if (r.result === 'success' || r.output.startsWith('HTTP probe failed')) return undefined;
      return `HTTP lifecycle hook (${spec.httpGet.path ?? '/'}) for Container ${JSON.stringify(c.name)} in Pod ${JSON.stringify(podFullName(pod))} failed - error: ${r.output}`;
    }
    if (spec.sleep) {
      const ms = Math.min(spec.sleep.seconds, timeoutSeconds > 0 ? timeoutSeconds : Infinity) * 1000;
      await new Promise((r) => setTimeout(r, ms));
      return undefined;
    }
    return `Cannot run handler: invalid handler: ${JSON.stringify(spec)}`;
  } catch (err) {
    return `Lifecycle hook for Container ${JSON.stringify(c.name)} in Pod ${JSON.stringify(podFullName(pod))} failed - error: ${err instanceof Error ? err.message : String(err)}`;
  }
}

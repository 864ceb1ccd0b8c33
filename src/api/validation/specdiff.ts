/**
 * A readable diff of two JSON values in the style of Go's `cmp.Diff`, as the
 * apiserver appends to the pod-update Forbidden message: lines prefixed with
 * `  ` (context), `- ` (old) and `+ ` (new), then tab indentation, Go field
 * names (`Args`), runs of identical fields elided as `... // N identical fields`.
 * Not byte-identical to Go; meant for humans.
 */

const TYPE_NAMES: Record<string, string> = {
  containers: 'core.Container', initContainers: 'core.Container', ephemeralContainers: 'core.EphemeralContainer',
  volumes: 'core.Volume', tolerations: 'core.Toleration', ports: 'core.ContainerPort', env: 'core.EnvVar',
  volumeMounts: 'core.VolumeMount', imagePullSecrets: 'core.LocalObjectReference',
};

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
}

/** Deep equality where absent, null and empty arrays are the same (Kubernetes' Semantic.DeepEqual on nil/empty slices). */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isAbsent(a) && isAbsent(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

function goField(k: string): string {
  return k.charAt(0).toUpperCase() + k.slice(1);
}

/** A Go-literal-like rendering of a JSON value: `"x"`, `30`, `nil`, `[]string{"a"}`, `{Name: "x"}`. */
export function goLiteral(v: unknown): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) {
    const inner = v.map(goLiteral).join(', ');
    return v.every((x) => typeof x === 'string') ? `[]string{${inner}}` : `{${inner}}`;
  }
  return `{${Object.entries(v).map(([k, x]) => `${goField(k)}: ${goLiteral(x)}`).join(', ')}}`;
}

function tabs(n: number): string {
  return '\t'.repeat(n);
}

function elide(out: string[], depth: number, n: number, what = 'field'): void {
  if (n > 0) out.push(`  ${tabs(depth)}... // ${n} identical ${n === 1 ? what : `${what}s`}`);
}

function diffObject(a: Record<string, unknown>, b: Record<string, unknown>, depth: number, out: string[]): void {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  let same = 0;
  for (const k of keys) {
    if (semanticEqual(a[k], b[k])) {
      if (k === 'name' && typeof a[k] === 'string') {
        elide(out, depth, same);
        same = 0;
        out.push(`  ${tabs(depth)}Name: ${goLiteral(a[k])},`);
      } else same++;
      continue;
    }
    elide(out, depth, same);
    same = 0;
    diffValue(a[k], b[k], depth, `${goField(k)}: `, k, out);
  }
  elide(out, depth, same);
}

function diffValue(a: unknown, b: unknown, depth: number, label: string, key: string, out: string[]): void {
  const typeName = TYPE_NAMES[key];
  if (isObj(a) && isObj(b)) {
    out.push(`  ${tabs(depth)}${label}{`);
    diffObject(a, b, depth + 1, out);
    out.push(`  ${tabs(depth)}},`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.some(isObj)) {
    out.push(`  ${tabs(depth)}${label}${typeName ? `[]${typeName}` : ''}{`);
    let same = 0;
    a.forEach((x, i) => {
      if (semanticEqual(x, b[i])) return void same++;
      elide(out, depth + 1, same, 'element');
      same = 0;
      diffValue(x, b[i], depth + 1, '', '', out);
    });
    elide(out, depth + 1, same, 'element');
    out.push(`  ${tabs(depth)}},`);
    return;
  }
  out.push(`- ${tabs(depth)}${label}${goLiteral(a)},`);
  out.push(`+ ${tabs(depth)}${label}${goLiteral(b)},`);
}

/** The diff of `oldValue` to `newValue` rooted at Go type `typeName` (e.g. `core.PodSpec`). Empty when equal. */
export function specDiff(oldValue: unknown, newValue: unknown, typeName: string): string {
  if (semanticEqual(oldValue, newValue)) return '';
  const out: string[] = [];
  if (isObj(oldValue) && isObj(newValue)) {
    out.push(`  ${typeName}{`);
    diffObject(oldValue, newValue, 1, out);
    out.push('  }');
  } else {
    diffValue(oldValue, newValue, 0, '', '', out);
  }
  return `${out.join('\n')}\n`;
}

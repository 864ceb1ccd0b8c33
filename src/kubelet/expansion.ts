/**
 * `$(VAR)` expansion as Kubernetes' third_party/forked/golang/expansion: used for
 * container env values (against the variables defined before them) and for
 * command/args (against the whole environment).
 */

/**
 * Expands `$(NAME)` references in `input` with `lookup`; undefined lookups leave the
 * reference as written. `$$` is an escaped `$` (so `$$(X)` gives the literal `$(X)`),
 * an unterminated `$(` and a `$` before any other character are kept as is. Any text
 * between the parentheses is a name, exactly as Kubernetes' Expand does.
 */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') out += '$';
    else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close < 0) out += '$(';
      else {
        const name = rest.slice(1, close);
        const v = lookup(name);
        out += v ?? `$(${name})`;
        advance = close + 1;
      }
    } else out += `$${rest[0]}`;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** `expand` against a map of variables (MappingFuncFor with one context). */
export function expandWith(input: string, env: ReadonlyMap<string, string>): string {
  return expand(input, (n) => env.get(n));
}

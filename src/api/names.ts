/**
 * Object names and UIDs, as the apiserver generates them.
 *
 * Mirrors k8s.io/apiserver/pkg/storage/names (SimpleNameGenerator) and
 * k8s.io/apimachinery/pkg/util/rand: a `generateName` prefix gets five random
 * characters from an alphabet without vowels (so no words are spelled) and
 * without look-alike characters.
 */
import { randomInt, randomUUID } from 'node:crypto';

/** The alphabet Kubernetes draws generated-name suffixes from (no vowels, no 0/1/3). */
export const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Length of the random suffix appended to `generateName`. */
export const RANDOM_SUFFIX_LENGTH = 5;

/** Longest name a generated name may reach (a DNS-1123 label). */
export const MAX_NAME_LENGTH = 63;

/** Longest `generateName` base kept before the suffix: 63 - 5 = 58. */
export const MAX_GENERATED_NAME_BASE_LENGTH = MAX_NAME_LENGTH - RANDOM_SUFFIX_LENGTH;

/**
 * `base` (truncated to 58 characters) followed by 5 random characters from
 * {@link NAME_SUFFIX_ALPHABET}, e.g. `web-` -> `web-x7kq2`.
 *
 * @param random optional source of integers in [0, n) (for deterministic tests).
 */
export function generateName(base: string, random: (n: number) => number = randomInt): string {
  const prefix = base.length > MAX_GENERATED_NAME_BASE_LENGTH ? base.slice(0, MAX_GENERATED_NAME_BASE_LENGTH) : base;
  let suffix = '';
  for (let i = 0; i < RANDOM_SUFFIX_LENGTH; i++) {
    suffix += NAME_SUFFIX_ALPHABET[random(NAME_SUFFIX_ALPHABET.length)] ?? 'x';
  }
  return prefix + suffix;
}

/** A random (version 4) UUID in canonical lowercase form, as `metadata.uid`. */
export function newUID(): string {
  return randomUUID();
}

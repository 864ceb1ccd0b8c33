/** Time source, injectable so control loops can be tested with a fake clock. */
export interface Clock {
  /** The current time. */
  now(): Date;
}

/** The wall clock. */
export const realClock: Clock = { now: () => new Date() };

/** A settable clock for tests. */
export class FakeClock implements Clock {
  constructor(private t: Date = new Date('2024-01-01T00:00:00Z')) {}
  now(): Date {
    return new Date(this.t.getTime());
  }
  /** Moves time forward by `ms` milliseconds. */
  step(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

/** RFC 3339 with second precision (`2024-01-01T00:00:00Z`), as metav1.Time serialises. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 with microseconds (`2024-01-01T00:00:00.000000Z`), as metav1.MicroTime serialises. */
export function rfc3339Micro(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

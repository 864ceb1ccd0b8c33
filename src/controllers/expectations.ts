/**
 * Controller expectations (pkg/controller/controller_utils.go
 * UIDTrackingControllerExpectations): after a controller creates or deletes
 * pods it waits to observe those changes in its informer before acting again
 * on the same owner, so a stale cache never causes double creates or deletes.
 * Expectations expire after 5 minutes (a lost watch event cannot wedge an owner).
 */
import { realClock, type Clock } from '../machinery/clock.js';

/** Milliseconds after which unmet expectations are ignored (ExpectationsTimeout). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  /** Pod UIDs whose deletion is expected. */
  deleting: Set<string>;
  at: number;
}

/** Per-owner-key add/delete expectations with UID tracking for deletions; see the file comment. */
export class ControllerExpectations {
  private store = new Map<string, Expectation>();

  constructor(private readonly clock: Clock = realClock) {}

  /** True when `key` has no pending expectations (or they expired): the controller may sync. */
  satisfied(key: string): boolean {
    const e = this.store.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now().getTime() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  /** Records that `adds` creations are about to happen (replaces previous expectations). */
  expectCreations(key: string, adds: number): void {
    this.store.set(key, { add: adds, del: 0, deleting: new Set(), at: this.clock.now().getTime() });
  }

  /** Records that the pods with these UIDs are about to be deleted (replaces previous expectations). */
  expectDeletions(key: string, uids: string[]): void {
    this.store.set(key, { add: 0, del: uids.length, deleting: new Set(uids), at: this.clock.now().getTime() });
  }

  /** A creation was observed (or failed and will not be observed). */
  creationObserved(key: string): void {
    const e = this.store.get(key);
    if (e) e.add--;
  }

  /** The deletion of pod `uid` was observed (or failed); counted once per UID. */
  deletionObserved(key: string, uid: string): void {
    const e = this.store.get(key);
    if (e && e.deleting.delete(uid)) e.del--;
  }

  /** Forgets `key` (its owner is gone). */
  delete(key: string): void {
    this.store.delete(key);
  }
}

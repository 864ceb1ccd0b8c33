/**
 * Image pulling per imagePullPolicy (pkg/kubelet/images image_manager.go
 * EnsureImageExists), with Kubernetes' events and waiting reasons:
 * `ErrImagePull`, `ImagePullBackOff`, `ErrImageNeverPull`.
 */
import type { Container, Pod } from '../api/types.js';
import type { EventRecorder } from '../client/types.js';
import type { Clock } from '../machinery/clock.js';
import { Backoff } from './backoff.js';
import type { ImageService, PodSandboxConfig } from './cri/api.js';
import { formatGoDurationMs } from './duration.js';
import { containerFieldPath, normalizeImage, podRef, pullPolicy } from './podutil.js';

/** Outcome of ensureImageExists: the image ref to create the container with, or a waiting reason. */
export type EnsureImageResult =
  | { ok: true; imageRef: string; image: string }
  | { ok: false; reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName'; message: string };

/** Makes sure container images are present before containers are created. */
export class ImageManager {
  /** Pull back-off per `<podUID>_<image>`: 10 s doubling to 5 min, as the kubelet's. */
  readonly backoff = new Backoff(10_000, 300_000);
  /** Last pull error per back-off key (shown in ImagePullBackOff messages). */
  private lastError = new Map<string, string>();
  /** imageRef -> imageID (a repo digest when the image has one). */
  readonly imageIDs = new Map<string, string>();

  constructor(
    private readonly images: ImageService,
    private readonly recorder: EventRecorder,
    private readonly clock: Clock,
  ) {}

  private event(pod: Pod, c: Container, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event(podRef(pod), type, reason, message, containerFieldPath(pod, c.name));
  }

  private remember(imageRef: string, repoDigests: string[]): void {
    if (imageRef && repoDigests[0]) this.imageIDs.set(imageRef, repoDigests[0]);
  }

  /**
   * Ensures the container's image is present, pulling according to the pull policy.
   * Never throws for pull failures: they come back as a waiting reason and message.
   */
  async ensureImageExists(pod: Pod, c: Container, sandboxConfig: PodSandboxConfig | undefined, signal?: AbortSignal): Promise<EnsureImageResult> {
    const shown = c.image ?? '';
    if (!shown.trim()) return { ok: false, reason: 'InvalidImageName', message: `Failed to apply default image tag "${shown}": couldn't parse image name "${shown}": invalid reference format` };
    const image = normalizeImage(shown);
    const policy = pullPolicy(c);
    const present = await this.images.imageStatus({ image }, signal);
    if (present) this.remember(present.id, present.repoDigests);
    if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
      if (present) {
        this.event(pod, c, 'Normal', 'Pulled', `Container image "${shown}" already present on machine`);
        return { ok: true, imageRef: present.id, image };
      }
      const msg = `Container image "${shown}" is not present with pull policy of Never`;
      this.event(pod, c, 'Warning', 'ErrImageNeverPull', msg);
      return { ok: false, reason: 'ErrImageNeverPull', message: msg };
    }
    const key = `${pod.metadata.uid ?? ''}_${image}`;
    const now = this.clock.now().getTime();
    if (this.backoff.isInBackOffSinceUpdate(key, now)) {
      const msg = `Back-off pulling image "${shown}"`;
      this.event(pod, c, 'Normal', 'BackOff', msg);
      const prev = this.lastError.get(key);
      return { ok: false, reason: 'ImagePullBackOff', message: prev ? `${msg}: ${prev}` : msg };
    }
    this.event(pod, c, 'Normal', 'Pulling', `Pulling image "${shown}"`);
    const started = performance.now();
    try {
      const ref = await this.images.pullImage({ image }, sandboxConfig, signal);
      const took = formatGoDurationMs(performance.now() - started);
      const st = await this.images.imageStatus({ image }, signal);
      if (st) this.remember(ref || st.id, st.repoDigests);
      this.backoff.reset(key);
      this.lastError.delete(key);
      this.event(pod, c, 'Normal', 'Pulled', `Successfully pulled image "${shown}" in ${took} (${took} including waiting). Image size: ${st?.size ?? 0} bytes.`);
      return { ok: true, imageRef: ref || st?.id || image, image };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.backoff.next(key, this.clock.now().getTime(), this.clock.now().getTime());
      this.lastError.set(key, `ErrImagePull: ${msg}`);
      this.event(pod, c, 'Warning', 'Failed', `Failed to pull image "${shown}": ${msg}`);
      return { ok: false, reason: 'ErrImagePull', message: msg };
    }
  }

  /** Ms until the pull back-off of (pod, container image) ends; 0 when not backing off. */
  backoffRemaining(pod: Pod, c: Container): number {
    const key = `${pod.metadata.uid ?? ''}_${normalizeImage(c.image ?? '')}`;
    const now = this.clock.now().getTime();
    if (!this.backoff.isInBackOffSinceUpdate(key, now)) return 0;
    return this.backoff.remainingSinceUpdate(key, now);
  }

  /** Fills imageIDs for runtime image refs not seen yet (e.g. containers adopted after a restart). */
  async resolveImageIDs(refs: Iterable<string>, signal?: AbortSignal): Promise<void> {
    for (const ref of refs) {
      if (!ref || this.imageIDs.has(ref) || ref.includes('@')) continue;
      try {
        const st = await this.images.imageStatus({ image: ref }, signal);
        this.imageIDs.set(ref, st?.repoDigests[0] ?? ref);
      } catch {
        // Leave the runtime's ref as the imageID.
      }
    }
  }

  /** Forgets pull back-off state of a pod that went away. */
  forgetPod(uid: string): void {
    this.backoff.deletePrefix(`${uid}_`);
    for (const k of [...this.lastError.keys()]) if (k.startsWith(`${uid}_`)) this.lastError.delete(k);
  }
}

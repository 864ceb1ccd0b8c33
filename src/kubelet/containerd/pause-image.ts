/**
 * Builds a minimal pause image without a registry: a static C program (exits 0 on
 * SIGTERM/SIGINT, reaps children, loops on pause()) packed as a docker-save archive
 * that `ctr -n k8s.io images import` accepts. It plays the role of
 * `registry.k8s.io/pause` for sandboxes, and is small enough (~700 KiB) to double
 * as a do-nothing container image in tests.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile, chmod, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import * as tar from 'tar';

const execFileP = promisify(execFile);

/** The pause program's C source. */
export const PAUSE_C_SOURCE = `#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
static void on_term(int s) { (void)s; _exit(0); }
static void on_chld(int s) { (void)s; while (waitpid(-1, 0, WNOHANG) > 0) {} }
int main(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_term; sigaction(SIGINT, &sa, 0); sigaction(SIGTERM, &sa, 0);
  sa.sa_handler = on_chld; sa.sa_flags = SA_NOCLDSTOP | SA_RESTART; sigaction(SIGCHLD, &sa, 0);
  for (;;) pause();
}
`;

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** OCI architecture name for this Node process. */
export function ociArch(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[arch] ?? arch;
}

/**
 * Compiles the pause program and writes a docker-save archive (`manifest.json`,
 * `<sha>.json` config with `rootfs.diff_ids` and `Entrypoint ["/pause"]`, and
 * `<diffid>/layer.tar` holding `/pause`) to `outFile`, tagged `imageName`
 * (e.g. `localhost/pause:1`; docker-style short names become `docker.io/library/...`
 * on import).
 *
 * @returns the image config digest (`sha256:...`) = the image ID containerd reports.
 * @throws Error when gcc (with static glibc) is missing or compilation fails.
 */
export async function buildPauseImageArchive(outFile: string, imageName: string): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'peapod-pause-'));
  try {
    const rootfs = join(work, 'rootfs');
    await mkdir(rootfs);
    await writeFile(join(work, 'pause.c'), PAUSE_C_SOURCE);
    await execFileP('gcc', ['-static', '-Os', '-s', '-o', join(rootfs, 'pause'), join(work, 'pause.c')]);
    await chmod(join(rootfs, 'pause'), 0o755);

    const image = join(work, 'image');
    await mkdir(image);
    const layerTmp = join(work, 'layer.tar');
    await tar.create({ file: layerTmp, cwd: rootfs, portable: true, mtime: new Date(0) }, ['pause']);
    const layer = await readFile(layerTmp);
    const diffId = sha256(layer);
    await mkdir(join(image, diffId));
    await writeFile(join(image, diffId, 'layer.tar'), layer);

    const config = JSON.stringify({
      architecture: ociArch(),
      os: 'linux',
      created: '1970-01-01T00:00:00Z',
      config: { Entrypoint: ['/pause'], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
      history: [{ created: '1970-01-01T00:00:00Z', created_by: 'peapod buildPauseImageArchive' }],
    });
    const configId = sha256(config);
    await writeFile(join(image, `${configId}.json`), config);
    const manifest = [{ Config: `${configId}.json`, RepoTags: [imageName], Layers: [`${diffId}/layer.tar`] }];
    await writeFile(join(image, 'manifest.json'), JSON.stringify(manifest));

    await mkdir(dirname(outFile), { recursive: true });
    const tmpOut = `${outFile}.tmp-${process.pid}`;
    await tar.create({ file: tmpOut, cwd: image, portable: true }, ['manifest.json', `${configId}.json`, diffId]);
    await rename(tmpOut, outFile);
    return `sha256:${configId}`;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * core/v1 volume definitions: Volume (with VolumeSource inline) and the sources
 * peapod supports (emptyDir, hostPath, configMap, secret, downwardAPI, projected,
 * persistentVolumeClaim, image). Other upstream sources are accepted as free-form
 * objects so strict decoding does not reject them. Field numbers follow core/v1 generated.proto.
 */
import { CORE, KEEP, bool, i32, i64, qty, ref, refs, str } from './build.js';
import type { Definition, Field } from './types.js';

const LOR = CORE + 'LocalObjectReference';

/** A volume source peapod does not implement: accepted, not checked, not decoded from protobuf. */
function foreign(description: string): Field {
  return { type: 'object', description };
}

/** Definitions for pod volumes. */
export const volumeDefinitions: Record<string, Definition> = {
  [CORE + 'Volume']: {
    description: 'A named volume that containers in the pod can mount.',
    properties: { name: str(1, 'Volume name, unique within the pod (DNS label).', KEEP) },
    embeds: [{ proto: 2, ref: CORE + 'VolumeSource' }],
    required: ['name'],
  },
  [CORE + 'VolumeSource']: {
    description: 'Where a volume\'s data comes from; exactly one source is set.',
    properties: {
      hostPath: ref(1, CORE + 'HostPathVolumeSource', 'A file or directory on the node.'),
      emptyDir: ref(2, CORE + 'EmptyDirVolumeSource', 'A scratch directory that lives as long as the pod.'),
      secret: ref(6, CORE + 'SecretVolumeSource', 'Files from a Secret.'),
      persistentVolumeClaim: ref(10, CORE + 'PersistentVolumeClaimVolumeSource', 'A PersistentVolumeClaim in the pod\'s namespace.'),
      downwardAPI: ref(16, CORE + 'DownwardAPIVolumeSource', 'Files holding pod fields and resources.'),
      configMap: ref(19, CORE + 'ConfigMapVolumeSource', 'Files from a ConfigMap.'),
      projected: ref(26, CORE + 'ProjectedVolumeSource', 'Several sources merged into one directory.'),
      image: ref(30, CORE + 'ImageVolumeSource', 'Read-only contents of an OCI image.'),
      gcePersistentDisk: foreign('GCE persistent disk (not supported by peapod).'),
      awsElasticBlockStore: foreign('AWS EBS volume (not supported by peapod).'),
      gitRepo: foreign('Deprecated git repository volume (not supported by peapod).'),
      nfs: foreign('NFS mount (not supported by peapod).'),
      iscsi: foreign('iSCSI disk (not supported by peapod).'),
      glusterfs: foreign('Glusterfs mount (not supported by peapod).'),
      rbd: foreign('Rados block device (not supported by peapod).'),
      flexVolume: foreign('FlexVolume plugin (not supported by peapod).'),
      cinder: foreign('Cinder volume (not supported by peapod).'),
      cephfs: foreign('CephFS mount (not supported by peapod).'),
      flocker: foreign('Flocker volume (not supported by peapod).'),
      fc: foreign('Fibre Channel volume (not supported by peapod).'),
      azureFile: foreign('Azure File share (not supported by peapod).'),
      vsphereVolume: foreign('vSphere disk (not supported by peapod).'),
      quobyte: foreign('Quobyte mount (not supported by peapod).'),
      azureDisk: foreign('Azure data disk (not supported by peapod).'),
      photonPersistentDisk: foreign('Photon disk (not supported by peapod).'),
      portworxVolume: foreign('Portworx volume (not supported by peapod).'),
      scaleIO: foreign('ScaleIO volume (not supported by peapod).'),
      storageos: foreign('StorageOS volume (not supported by peapod).'),
      csi: foreign('CSI inline volume (not supported by peapod).'),
      ephemeral: foreign('Generic ephemeral volume (not supported by peapod).'),
    },
  },
  [CORE + 'HostPathVolumeSource']: {
    description: 'A path on the node mounted into the pod.',
    properties: {
      path: str(1, 'Path on the node; symlinks are followed.', KEEP),
      type: str(2, 'Expected kind of path: "", DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice.', KEEP),
    },
    required: ['path'],
  },
  [CORE + 'EmptyDirVolumeSource']: {
    description: 'An initially empty directory that shares the pod\'s lifetime.',
    properties: {
      medium: str(1, 'Storage medium: "" for node disk or Memory for tmpfs.'),
      sizeLimit: qty(2, 'Maximum size of the directory.'),
    },
  },
  [CORE + 'KeyToPath']: {
    description: 'Maps a key of a ConfigMap or Secret to a file path.',
    properties: {
      key: str(1, 'The key to project.', KEEP),
      path: str(2, 'Relative file path to write the key to.', KEEP),
      mode: i32(3, 'File mode bits (0000-0777).', KEEP),
    },
    required: ['key', 'path'],
  },
  [CORE + 'ConfigMapVolumeSource']: {
    description: 'Projects a ConfigMap\'s keys as files.',
    properties: {
      items: refs(2, CORE + 'KeyToPath', 'Keys to project; all keys when empty.'),
      defaultMode: i32(3, 'Mode bits for created files. Default 0644.', KEEP),
      optional: bool(4, 'Whether the ConfigMap may be missing.', KEEP),
    },
    embeds: [{ proto: 1, ref: LOR }],
  },
  [CORE + 'SecretVolumeSource']: {
    description: 'Projects a Secret\'s keys as files.',
    properties: {
      secretName: str(1, 'Name of the Secret in the pod\'s namespace.'),
      items: refs(2, CORE + 'KeyToPath', 'Keys to project; all keys when empty.'),
      defaultMode: i32(3, 'Mode bits for created files. Default 0644.', KEEP),
      optional: bool(4, 'Whether the Secret may be missing.', KEEP),
    },
  },
  [CORE + 'DownwardAPIVolumeSource']: {
    description: 'Files holding information about the pod.',
    properties: {
      items: refs(1, CORE + 'DownwardAPIVolumeFile', 'Files to create.'),
      defaultMode: i32(2, 'Mode bits for created files. Default 0644.', KEEP),
    },
  },
  [CORE + 'DownwardAPIVolumeFile']: {
    description: 'One downward API file.',
    properties: {
      path: str(1, 'Relative path of the file.', KEEP),
      fieldRef: ref(2, CORE + 'ObjectFieldSelector', 'Pod field to write (metadata.name, metadata.labels, ...).'),
      resourceFieldRef: ref(3, CORE + 'ResourceFieldSelector', 'Container resource to write.'),
      mode: i32(4, 'Mode bits for this file.', KEEP),
    },
    required: ['path'],
  },
  [CORE + 'ProjectedVolumeSource']: {
    description: 'Several volume sources merged into one directory.',
    properties: {
      sources: refs(1, CORE + 'VolumeProjection', 'The sources to merge.'),
      defaultMode: i32(2, 'Mode bits for created files. Default 0644.', KEEP),
    },
  },
  [CORE + 'VolumeProjection']: {
    description: 'One source of a projected volume; exactly one is set.',
    properties: {
      secret: ref(1, CORE + 'SecretProjection', 'Keys of a Secret.'),
      downwardAPI: ref(2, CORE + 'DownwardAPIProjection', 'Pod information.'),
      configMap: ref(3, CORE + 'ConfigMapProjection', 'Keys of a ConfigMap.'),
      serviceAccountToken: ref(4, CORE + 'ServiceAccountTokenProjection', 'A bound service account token.'),
      clusterTrustBundle: { type: 'object', description: 'Certificates from ClusterTrustBundles (not supported by peapod).' },
      podCertificate: { type: 'object', description: 'A pod certificate (not supported by peapod).' },
    },
  },
  [CORE + 'ConfigMapProjection']: {
    description: 'Projects ConfigMap keys into a projected volume.',
    properties: {
      items: refs(2, CORE + 'KeyToPath', 'Keys to project; all keys when empty.'),
      optional: bool(4, 'Whether the ConfigMap may be missing.', KEEP),
    },
    embeds: [{ proto: 1, ref: LOR }],
  },
  [CORE + 'SecretProjection']: {
    description: 'Projects Secret keys into a projected volume.',
    properties: {
      items: refs(2, CORE + 'KeyToPath', 'Keys to project; all keys when empty.'),
      optional: bool(4, 'Whether the Secret may be missing.', KEEP),
    },
    embeds: [{ proto: 1, ref: LOR }],
  },
  [CORE + 'DownwardAPIProjection']: {
    description: 'Pod information in a projected volume.',
    properties: { items: refs(1, CORE + 'DownwardAPIVolumeFile', 'Files to create.') },
  },
  [CORE + 'ServiceAccountTokenProjection']: {
    description: 'A service account token written to a file.',
    properties: {
      audience: str(1, 'Intended audience of the token.'),
      expirationSeconds: i64(2, 'Requested token lifetime in seconds. Default 3600.', KEEP),
      path: str(3, 'Relative file path of the token.', KEEP),
    },
    required: ['path'],
  },
  [CORE + 'PersistentVolumeClaimVolumeSource']: {
    description: 'Mounts the volume bound to a PersistentVolumeClaim.',
    properties: {
      claimName: str(1, 'Name of the claim in the pod\'s namespace.', KEEP),
      readOnly: bool(2, 'Mount read-only.'),
    },
    required: ['claimName'],
  },
  [CORE + 'ImageVolumeSource']: {
    description: 'An OCI image mounted read-only.',
    properties: {
      reference: str(1, 'Image reference.'),
      pullPolicy: str(2, 'Always, Never or IfNotPresent.'),
    },
  },
};

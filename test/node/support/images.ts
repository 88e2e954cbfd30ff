import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from './host';

/** What test/node/build.sh made, by role: the names it gave each image (images.json beside the archives). */
export interface BuiltImages {
  readonly backend: string;
  readonly frontend: string;
  /** The helm test pods' image (it has wget). */
  readonly tests: string;
  /** The pod sandbox's image, containerd's sandbox_image. */
  readonly pause: string;
  readonly coredns: string;
}

export function builtImages(imagesDir: string): BuiltImages {
  return JSON.parse(readFileSync(join(imagesDir, 'images.json'), 'utf8')) as BuiltImages;
}

/** The image reference as containerd and the kubelet name it (Docker Hub's defaults filled in). */
export function fullyQualified(image: string): string {
  const [first, ...rest] = image.split('/');
  if (rest.length > 0 && /[.:]|^localhost$/.test(first)) return image;
  return rest.length === 0 ? `docker.io/library/${image}` : `docker.io/${image}`;
}

/** Chart values that point the `helm test` pods at the tier's test image, which is imported, never pulled. */
export function testsImageValues(images: BuiltImages): { tests: { image: { repository: string; tag: string; pullPolicy: 'Never' } } } {
  const at = images.tests.lastIndexOf(':');
  return { tests: { image: { repository: images.tests.slice(0, at), tag: images.tests.slice(at + 1), pullPolicy: 'Never' } } };
}

/**
 * For the test files (global-setup.ts hands them the images' folder in NODE_IMAGES_DIR): a values file
 * with testsImageValues, to pass to helm or the smoke script with `-f` / `--values`. It lives in the
 * node's state folder, which restoreHost removes however the run ends.
 */
export function testsImageValuesFile(): string {
  const dir = process.env.NODE_IMAGES_DIR;
  if (!dir) throw new Error('NODE_IMAGES_DIR is not set: the node tier runs through jest.node.config.js');
  return valuesFile('tests-image-values', testsImageValues(builtImages(dir)));
}

/** A values file in the node's state folder (restoreHost removes it), for the synth's `--values` and helm's `-f`. */
export function valuesFile(name: string, values: object): string {
  const file = join(STATE_DIR, `${name}.yaml`);
  writeFileSync(file, JSON.stringify(values));
  return file;
}

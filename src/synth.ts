import type { PrivateKey } from 'openpgp';
import type { Settings } from './config/load';
import type { SecretValues } from './constructs/secret';
import { CHART_NAME } from './model/helpers';
import { chartFiles, chartMetadata } from './outputs/helm/chart';
import { packageChart } from './outputs/helm/package';
import { provenanceFile, provenanceMessage } from './outputs/helm/provenance';
import { OutputFile, RAW_FILES, rawFiles } from './outputs/raw';
import { version as chartVersion } from '../package.json';

export interface SynthResult {
  /** `dist/`: the raw manifests and the packaged chart. */
  readonly dist: Map<string, OutputFile>;
  /** `charts/todo-chatbot/`: the chart source. */
  readonly chart: Map<string, string>;
}

export const CHART_VERSION = chartVersion;

let packagedChart: { readonly files: ReadonlyMap<string, string>; readonly tgz: Buffer } | undefined;

/**
 * The chart depends on no setting (values are Helm's to read), so it is generated and packaged once
 * per process; the compiled synth does it while its snapshot is built (scripts/synth-snapshot.ts).
 */
function chart(): NonNullable<typeof packagedChart> {
  if (!packagedChart) {
    const files = chartFiles(CHART_VERSION);
    packagedChart = { files, tgz: packageChart(CHART_NAME, files) };
  }
  return packagedChart;
}

const CHART_ARCHIVE = { prefix: `${CHART_NAME}-`, suffix: '.tgz' } as const;
/** A provenance file is named after its archive, as Helm looks for it. */
const PROVENANCE_SUFFIX = '.prov';

/** The packaged chart's file name in dist/. */
function chartArchiveName(version: string): string {
  return `${CHART_ARCHIVE.prefix}${version}${CHART_ARCHIVE.suffix}`;
}

/**
 * Whether a file in dist/ is one a synth writes: a raw file, or the chart archive of any version (an
 * earlier synth's) or its provenance file.
 */
export function isDistFile(name: string): boolean {
  const { prefix, suffix } = CHART_ARCHIVE;
  const archive = name.endsWith(PROVENANCE_SUFFIX) ? name.slice(0, -PROVENANCE_SUFFIX.length) : name;
  return (Object.values(RAW_FILES) as string[]).includes(name) || (archive.startsWith(prefix) && archive.endsWith(suffix) && archive.length > prefix.length + suffix.length);
}

/** Everything `npm run synth` writes, computed in memory. */
export function synth(settings: Settings, secretValues?: SecretValues): SynthResult {
  const dist = rawFiles(settings, secretValues);
  const { files, tgz } = chart();
  dist.set(chartArchiveName(CHART_VERSION), { content: tgz });
  return { dist, chart: new Map(files) };
}

/** The packaged chart's provenance file, signed with `key`, by its name in dist/ (`helm package --sign`). */
export async function chartProvenance(key: PrivateKey): Promise<[name: string, file: OutputFile]> {
  const archive = chartArchiveName(CHART_VERSION);
  const message = provenanceMessage(chartMetadata(CHART_VERSION), archive, chart().tgz);
  return [`${archive}${PROVENANCE_SUFFIX}`, { content: await provenanceFile(message, key) }];
}

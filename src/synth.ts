import type { Settings } from './config/load';
import type { SecretValues } from './constructs/secret';
import { CHART_NAME } from './model/names';
import { chartFiles } from './outputs/helm/chart';
import { packageChart } from './outputs/helm/package';
import { OutputFile, rawFiles } from './outputs/raw';
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

/** Everything `npm run synth` writes, computed in memory. */
export function synth(settings: Settings, secretValues?: SecretValues): SynthResult {
  const dist = rawFiles(settings, secretValues);
  const { files, tgz } = chart();
  dist.set(`${CHART_NAME}-${CHART_VERSION}.tgz`, { content: tgz });
  return { dist, chart: new Map(files) };
}

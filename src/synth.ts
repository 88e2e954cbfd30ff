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

/** Everything `npm run synth` writes, computed in memory. */
export function synth(settings: Settings, secretValues?: SecretValues): SynthResult {
  const dist = rawFiles(settings, secretValues);
  const chart = chartFiles(CHART_VERSION);
  dist.set(`${CHART_NAME}-${CHART_VERSION}.tgz`, { content: packageChart(CHART_NAME, chart) });
  return { dist, chart };
}

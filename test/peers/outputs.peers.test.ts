import { PROFILE_NAMES } from '../../src/config/profiles';
import { checkovOnChart, described, findings } from './support/peers';
import { outputsOf, Profile, SETTINGS, Settings } from './support/outputs';

/*
 * What we ship, judged by the tools a platform team runs before anything reaches its cluster: zero
 * findings beyond the accepted ones listed, each with its reason, in test/peers/'s configuration files.
 */
const CASES = PROFILE_NAMES.flatMap((profile) => (Object.keys(SETTINGS) as Settings[]).map((settings): [Profile, Settings] => [profile, settings]));

describe.each(CASES)('the %s profile %s', (profile, settings) => {
  const outputs = outputsOf(profile, settings);

  it('raw manifests: kube-linter, kube-score and checkov find nothing', () => {
    expect(described(findings(outputs.raw))).toEqual([]);
  });

  it('helm template (v4), helm test pods included: kube-linter, kube-score and checkov find nothing', () => {
    expect(described(findings([outputs.helmRendered]))).toEqual([]);
  });

  it("the chart folder: checkov's Helm framework finds nothing", () => {
    expect(described(checkovOnChart(outputs.chartDir, outputs.helmValues))).toEqual([]);
  });
});

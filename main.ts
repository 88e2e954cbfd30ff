/*
 * Entry point of `npm run synth` (and of `cdk8s synth`, through cdk8s.yaml). See src/cli.ts.
 */
import { runCli } from './src/cli';

void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  projectRoot: __dirname,
}).then((code) => {
  process.exitCode = code;
});

/*
 * `npm run validate [paths...]`: checks the manifests in dist/ (or the paths given) against the
 * Kubernetes OpenAPI schemas, strictly (no unknown fields), and against the policy rules of
 * docs/policy.md. Exits 1 when anything fails.
 */
import { validateFiles } from '../src/validate/validate-files';

const paths = process.argv.slice(2);
const { objects, problems } = validateFiles(paths.length > 0 ? paths : ['dist']);
for (const problem of problems) process.stderr.write(`error: ${problem}\n`);
process.stdout.write(`${objects} objects checked: ${problems.length === 0 ? 'all valid' : `${problems.length} problems`}\n`);
process.exitCode = problems.length === 0 && objects > 0 ? 0 : 1;

import { valueAtPath } from '../config/conditions';
import { describeAllowed } from '../config/errors';
import { schemaLeaves, valuesJsonSchema } from '../config/json-schema';
import { profiles } from '../config/profiles';

/*
 * The values reference, a Markdown table read from the schema and the profiles: the chart's README
 * carries it, and `npm run docs` writes it into README.md.
 */

/** Text as one Markdown table cell: its pipes escaped, its lines joined. */
export const markdownCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (value: unknown) => (value === undefined ? '' : `\`${JSON.stringify(value)}\``);

/** One row per setting: its path, what it allows, its default and its cloud value, and its meaning. */
export function valuesTable(): string {
  const rows = schemaLeaves(valuesJsonSchema()).map(({ path: keys, node }) => {
    const path = keys.join('.');
    const minikube = valueAtPath(profiles.minikube, path);
    const cloud = valueAtPath(profiles.cloud, path);
    const cloudCell = JSON.stringify(cloud) === JSON.stringify(minikube) ? '' : code(cloud);
    return `| \`${path}\` | ${markdownCell(describeAllowed(node))} | ${code(minikube)} | ${cloudCell} | ${markdownCell(node.description ?? '')} |`;
  });
  return ['| Key | Allowed | Default (minikube) | cloud | Description |', '|---|---|---|---|---|', ...rows].join('\n');
}

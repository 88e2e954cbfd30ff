import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { ChartContext } from '../src/outputs/helm/chart-context';
import { valuesJsonSchema } from '../src/config/json-schema';
import type { ValuesPath } from '../src/model/context';
import { ROOT } from './support/processes';

/*
 * A construct names a setting by a path the type system checks (`ValuesPath`). This mutation test
 * misspells the first path in every file that names one (conditions, computations) and type-checks the
 * project with all of them at once: each file must get an error where its path is. The chart context
 * checks the paths again at synth time, for one made at run time.
 */

/** Where the model names settings by path: the constructs and the helpers of `_helpers.tpl`. */
const MODEL_FILES = [...readdirSync(join(ROOT, 'src', 'constructs')).map((file) => join(ROOT, 'src', 'constructs', file)), join(ROOT, 'src', 'model', 'helpers.ts')];

/** Properties whose value is a values path, and those whose value is a [path, value] pair. */
const PATH_PROPERTIES = new Set(['truthy', 'of', 'required']);
const PAIR_PROPERTIES = new Set(['equals', 'greaterThan']);

/** The first values path a file writes, as the literal that holds it. */
function firstPath(source: ts.SourceFile): ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression | undefined {
  const isText = (node: ts.Node | undefined) => node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node));
  let found: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name)) {
      const value = PAIR_PROPERTIES.has(node.name.text) && ts.isArrayLiteralExpression(node.initializer) ? node.initializer.elements[0] : PATH_PROPERTIES.has(node.name.text) ? node.initializer : undefined;
      if (isText(value)) {
        found = value as typeof found;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A program of the project in which `texts` replace the files they name. */
function program(texts: ReadonlyMap<string, string>): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => { throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')); } });
  if (!config) throw new Error('tsconfig.json could not be read');
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => texts.get(file) ?? readFile(file);
  return ts.createProgram({ rootNames: MODEL_FILES, options: config.options, host });
}

describe('values paths are checked', () => {
  it('a misspelt path in any model file fails tsc, at that path', () => {
    const mutated = new Map<string, string>();
    const lines = new Map<string, number>();
    for (const file of MODEL_FILES) {
      const text = readFileSync(file, 'utf8');
      const literal = firstPath(ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true));
      if (!literal) continue;
      // The last character before the closing quote or backtick: the path's last key gains a letter.
      const end = literal.getEnd() - 1;
      mutated.set(file, `${text.slice(0, end)}x${text.slice(end)}`);
      lines.set(file, ts.getLineAndCharacterOfPosition(literal.getSourceFile(), literal.getStart()).line);
    }
    // The constructs that name settings by path, at the least: the test would pass on an empty list.
    expect([...mutated.keys()].map((file) => file.slice(ROOT.length + 1)).sort()).toEqual(
      expect.arrayContaining(['src/constructs/deployment.ts', 'src/constructs/ingress.ts', 'src/constructs/kagent-agent.ts', 'src/constructs/network-policy.ts', 'src/constructs/secret.ts', 'src/constructs/service.ts', 'src/model/helpers.ts']),
    );
    const errorLines = (files: ReadonlyMap<string, string>) => {
      const checked = program(files);
      const byFile = new Map<string, number[]>();
      for (const diagnostic of ts.getPreEmitDiagnostics(checked)) {
        if (!diagnostic.file || diagnostic.start === undefined) continue;
        const list = byFile.get(diagnostic.file.fileName) ?? [];
        list.push(diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line);
        byFile.set(diagnostic.file.fileName, list);
      }
      return byFile;
    };
    expect(errorLines(new Map())).toEqual(new Map());
    const errors = errorLines(mutated);
    for (const [file, line] of lines) expect({ file, errorAtPath: errors.get(file)?.includes(line) ?? false }).toEqual({ file, errorAtPath: true });
  }, 120_000);

  it('the chart context refuses a path the schema does not have, and a template that names a setting without one', () => {
    const ctx = new ChartContext(valuesJsonSchema());
    const misspelt = 'frontend.ingress.hots' as ValuesPath;
    expect(() => ctx.when({ truthy: misspelt }, {})).toThrow('chart context: "frontend.ingress.hots" is no path of the values schema');
    expect(() => ctx.computed(() => '', { helper: 'todo-chatbot.canonicalCpu', of: misspelt })).toThrow('is no path of the values schema');
    expect(() => ctx.template(() => '', '.Values.frontend.ingress.host | quote')).toThrow('a template names settings only through computed()');
    expect(ctx.renderCondition({ all: [{ truthy: 'frontend.ingress.host' }, { greaterThan: ['backend.replicas', 1] }] })).toBe('and (.Values.frontend.ingress.host) (gt (int .Values.backend.replicas) 1)');
  });
});

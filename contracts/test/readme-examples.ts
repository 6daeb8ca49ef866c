/**
 * The fenced code blocks of every README (and CONTRIBUTING.md), and what `readme-examples.test.ts` does with each:
 * "Every example in every README is run by a test, so none can rot."
 *
 * How a block is marked (its info string, or an HTML comment on the line before it):
 * - ```sh (or bash, shell): run. A block of `npm start` / `pnpm start` commands runs the CLI, one command at a
 *   time; a block of `.ci/run` commands is compared with `.ci/run` (CI runs it); anything else is run with bash
 *   against twins on free ports (their default-port hosts rewritten).
 * - ```ts: run with tsx, as a module, with the default-port hosts rewritten.
 * - ```yaml fixtures [twin]: a fixtures document, started as the twin's fixtures file (the twin of the package
 *   whose README it is, unless named).
 * - ```text tree: a layout; every path in it must exist (`<platform>` stands for each twin, other `<…>` and `*`
 *   for at least one file).
 * - ```text routes [twin]: an API listing; every `METHOD /path` must be an operation of the twin's spec, and every
 *   `"field"` a property of the request body (`"field"?` an optional one).
 * - `<!-- not-run: reason -->` on the line before: not run, for the reason given.
 * Anything else fails the test. The section "Use Doppel in your project" is skipped: its blocks run in the consumer
 * test, against the packages built and installed from tarballs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the runner of `ts` examples (readme-examples-runner.ts) prints before each example's result. */
export const RESULT_PREFIX = 'readme-example-result ';

/** The heading of the root README section whose blocks another test runs. */
export const SKIPPED_SECTION = 'Use Doppel in your project';

export type BlockKind = 'script' | 'cli' | 'ci' | 'ts' | 'fixtures' | 'tree' | 'routes' | 'not-run' | 'unmarked';

export interface Block {
  /** Relative to the repository root, with forward slashes. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string: language, then flags. */
  lang: string;
  flags: string[];
  text: string;
  /** The reason given by `<!-- not-run: reason -->` just before the block. */
  notRun?: string;
  /** The twin the block is about: named in the flags, else the package's (`packages/mock-<twin>/README.md`). */
  twin?: string;
}

/** README.md and CONTRIBUTING.md at the root, and the README.md of every top-level folder and every package. */
export function readmeFiles(root: string): string[] {
  const files = ['README.md', 'CONTRIBUTING.md'].filter((f) => existsSync(join(root, f)));
  const dirs = (parent: string) =>
    readdirSync(join(root, parent), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules')
      .map((d) => (parent ? `${parent}/${d.name}` : d.name))
      .sort();
  for (const dir of [...dirs(''), ...dirs('packages')]) if (existsSync(join(root, dir, 'README.md'))) files.push(`${dir}/README.md`);
  return files;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`]*)$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const NOT_RUN = /^<!--\s*not-run:(.*?)-->\s*$/;

/** The fenced blocks of one Markdown file, outside the section SKIPPED_SECTION. */
export function extractBlocks(root: string, file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  const packageTwin = /^packages\/mock-([a-z]+)\/README\.md$/.exec(file)?.[1];
  let skipLevel: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const heading = HEADING.exec(lines[i]!);
    if (heading) {
      const level = heading[1]!.length;
      if (skipLevel !== undefined && level <= skipLevel) skipLevel = undefined;
      if (heading[2]!.includes(SKIPPED_SECTION)) skipLevel = level;
      continue;
    }
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const [lang = '', ...flags] = open[2]!.trim().split(/\s+/).filter(Boolean);
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[end]!)) end++;
    if (skipLevel === undefined) {
      let prev = i - 1;
      while (prev >= 0 && lines[prev]!.trim() === '') prev--;
      const notRun = prev >= 0 ? NOT_RUN.exec(lines[prev]!.trim())?.[1]?.trim() : undefined;
      const named = flags.find((f) => /^(dingtalk|zentao|ones|oauth)$/.test(f));
      const twin = named ?? packageTwin;
      blocks.push({
        file,
        line: i + 1,
        lang,
        flags,
        text: lines.slice(i + 1, end).join('\n'),
        ...(notRun !== undefined && { notRun }),
        ...(twin !== undefined && { twin }),
      });
    }
    i = end;
  }
  return blocks;
}

/** The commands of a shell block: continuation lines joined, comments and blank lines dropped. */
export function shellCommands(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => stripComment(l).trim())
    .filter(Boolean);
}

/** A line without its `# comment` (a `#` at the start or after a blank, outside quotes). */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/** `[install && ]npm start [-- args]`, `npx -y pnpm@x start …` or `pnpm start …`. */
export const START_COMMAND =
  /^(?:(?<install>npx -y pnpm@[\d.]+ install --frozen-lockfile) && )?(?<run>(?:npm|pnpm|npx -y pnpm@[\d.]+) start)(?: -- (?<args>.*))?$/;

/** A command of npm, pnpm or `npx -y pnpm@x`. */
export const PACKAGE_COMMAND = /^(?:npm|pnpm|npx -y pnpm@[\d.]+) /;

/** The commands `.ci/run` runs (lines that are not comments, conditionals or settings). */
export function ciCommands(root: string): string[] {
  return readFileSync(join(root, '.ci/run'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('npx '));
}

export function classify(block: Block, ci: string[]): BlockKind {
  if (block.notRun !== undefined) return 'not-run';
  if (['sh', 'bash', 'shell'].includes(block.lang)) {
    const commands = shellCommands(block.text);
    if (commands.length && commands.every((c) => START_COMMAND.test(c))) return 'cli';
    // Package-manager commands other than start (install, test, …) are CI's: never run from a test.
    if (commands.some((c) => PACKAGE_COMMAND.test(c) || ci.includes(c))) return 'ci';
    return 'script';
  }
  if (['ts', 'typescript'].includes(block.lang)) return 'ts';
  if (block.lang === 'yaml' && block.flags.includes('fixtures')) return 'fixtures';
  if (block.lang === 'text' && block.flags.includes('tree')) return 'tree';
  if (block.lang === 'text' && block.flags.includes('routes')) return 'routes';
  return 'unmarked';
}

/** `localhost:4010`, `127.0.0.1:4020`, … → the same host on the port the twin really listens on. */
export function rewriteHosts(text: string, ports: Map<number, number>): string {
  return text.replace(/\b(localhost|127\.0\.0\.1):(\d{4,5})\b/g, (whole, host: string, port: string) => {
    const real = ports.get(Number(port));
    return real === undefined ? whole : `${host}:${real}`;
  });
}

/** Port flags and variables of a start command set to 0 (a free port): `--dingtalk-port 5010`, `DOPPEL_X_PORT=1`. */
export function zeroPorts(command: string): string {
  return command.replace(/(--[a-z]+-port[ =])\d+/g, '$10').replace(/\b(DOPPEL_[A-Z]+_PORT=)\d+/g, '$10');
}

// ---------------------------------------------------------------- layouts

export interface TreeEntry {
  /** As written, relative to the repository root, parents joined. */
  path: string;
  line: string;
}

const PATH_TOKEN = /^[\w.@<>*/-]+$/;

/**
 * The paths of a layout block. Each line is `path [path…]  description` (columns two or more blanks apart), nested
 * by indentation under the last line ending in `/`; a line whose first column is not a path continues a description.
 */
export function treeEntries(text: string): TreeEntry[] {
  const out: TreeEntry[] = [];
  const parents: { indent: number; path: string }[] = [];
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const columns = line.trim().split(/\s{2,}/);
    const paths: string[] = [];
    for (const c of columns) {
      if (!PATH_TOKEN.test(c) || !/[./]/.test(c)) break;
      paths.push(c);
    }
    if (!paths.length) continue;
    while (parents.length && parents.at(-1)!.indent >= indent) parents.pop();
    const parent = parents.at(-1)?.path ?? '';
    for (const p of paths) out.push({ path: parent + p, line: line.trim() });
    if (paths[0]!.endsWith('/')) parents.push({ indent, path: parent + paths[0]! });
  }
  return out;
}

/** Does `pattern` (segments with `*` or `<name>` wildcards) name at least one file or folder under root? */
export function pathExists(root: string, pattern: string): boolean {
  const segments = pattern.replace(/\/$/, '').split('/');
  const walk = (dir: string, i: number): boolean => {
    if (i === segments.length) return true;
    const seg = segments[i]!;
    if (!/[*<]/.test(seg)) return existsSync(join(dir, seg)) && walk(join(dir, seg), i + 1);
    const re = new RegExp(`^${seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/<[^>]+>|\*/g, '[^/]+')}$`);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return false;
    }
    return names.some((n) => re.test(n) && walk(join(dir, n), i + 1));
  };
  return walk(root, 0);
}

// ---------------------------------------------------------------- API listings

export interface RouteListing {
  routes: { method: string; path: string }[];
  /** Body fields: `"name"` (required) or `"name"?` (optional). */
  fields: { name: string; optional: boolean }[];
}

/** `GET|DELETE /__admin/plugins/{name}` → two routes; `{ "yaml": …, "name"?: … }` → fields. */
export function routeListing(text: string): RouteListing {
  const routes: RouteListing['routes'] = [];
  for (const m of text.matchAll(/\b((?:GET|POST|PUT|PATCH|DELETE)(?:\|(?:GET|POST|PUT|PATCH|DELETE))*)\s+(\/\S*)/g)) {
    for (const method of m[1]!.split('|')) routes.push({ method, path: m[2]! });
  }
  const fields = [...text.matchAll(/"([\w-]+)"(\?)?:/g)].map((m) => ({ name: m[1]!, optional: m[2] === '?' }));
  return { routes, fields };
}

import { Command, Option } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { renderConfigTemplate } from '../config/docs';
import { CONFIG_FILE } from '../config/schema';
import { VirtworkError } from '../core/errors';
import { packageInfo } from '../core/_package';
import { CliContext } from './_context';
import { count } from './_words';
import { gitInit, vendorVirtwork } from './_init-source';

/** Path of the CI workflow `virtwork init` writes. */
export const CI_WORKFLOW = '.github/workflows/virtwork.yaml';

/** `virtwork init [dir]`: scaffolds a GitOps repository that renders virtwork manifests into `dist/`. */
export function initCommand(ctx: CliContext): Command {
  return new Command('init')
    .description('Scaffold a GitOps repository: package.json depending on a vendored virtwork tarball, cdk8s.yaml, virtwork.yaml, ' +
      '.gitignore, a CI check that dist/ is up to date, and git init')
    .argument('[dir]', 'directory to create or fill', '.')
    .addOption(new Option('--from <path|tarball>', 'the virtwork to depend on: a virtwork-*.tgz (from npm pack) or a virtwork directory to pack ' +
      '(default: this virtwork, packed); it is copied into vendor/ and committed, so the repository installs without a registry'))
    .addOption(new Option('--no-git', 'do not run git init'))
    .addOption(new Option('-f, --force', 'overwrite files that already exist'))
    .addHelpText('after', `
Examples:
  $ virtwork init my-load                              # this virtwork, packed into my-load/vendor/
  $ virtwork init my-load --from ~/src/virtwork        # a checkout of virtwork, packed (its prepare build runs)
  $ virtwork init my-load --from virtwork-0.1.0.tgz --no-git`)
    .action((dir: string, opts: { force?: boolean; from?: string; git: boolean }) => {
      const target = resolve(ctx.cwd, dir);
      const files = scaffoldFiles(basename(target), '');
      refuseExisting(target, files, opts.force === true);
      mkdirSync(target, { recursive: true });
      const source = vendorVirtwork(target, opts.from, ctx.cwd);
      const written = [...writeScaffold(target, scaffoldFiles(basename(target), `file:${source.tarball}`), true), source.tarball];
      const git = opts.git ? gitInit(target) : undefined;
      const shown = relative(ctx.cwd, target) || '.';
      const steps = [`cd ${shown}`, 'npm install', 'npx virtwork synth', ...(git ? ['git add -A', 'git commit -m "virtwork: initial dist/"'] : [])];
      ctx.out(`created ${count(written.length, 'file')} in ${shown}/: ${written.join(', ')} (virtwork from ${source.from})\n` +
        (git === 'initialized' ? `initialized a git repository in ${shown}/\n` : '') +
        (opts.git && git === undefined ? 'note: git was not found; run git init yourself before committing\n' : '') +
        `next: ${steps.join(' && ')}\n`);
    });
}

/**
 * The files of a new GitOps repository, by relative path, depending on virtwork as `virtworkSpec` (e.g.
 * `file:vendor/virtwork-0.1.0.tgz`). Pure apart from reading virtwork's own package.json.
 */
export function scaffoldFiles(name: string, virtworkSpec: string): Map<string, string> {
  const pkg = packageInfo();
  const pin = (range: string | undefined) => (range ?? '').replace(/^[\^~]/, '');
  const packageJson = {
    name: npmName(name),
    version: '0.0.0',
    private: true,
    description: 'virtwork load manifests, rendered into dist/ for GitOps',
    scripts: {
      synth: 'virtwork synth',
      validate: 'virtwork validate',
      check: 'virtwork synth && git diff --exit-code -- dist/ && test -z "$(git status --porcelain -- dist/)"',
    },
    devDependencies: { [pkg.name]: virtworkSpec, 'cdk8s-cli': pin(pkg.devDependencies['cdk8s-cli']) },
  };
  return new Map([
    ['package.json', `${JSON.stringify(packageJson, null, 2)}\n`],
    ['cdk8s.yaml', [
      '# `npx cdk8s synth` runs the app below with CDK8S_OUTDIR=dist. Note that cdk8s deletes dist/ before running it;',
      '# `npx virtwork synth` (npm run synth) replaces dist/ atomically and leaves it untouched on bad input.',
      'app: npx virtwork synth',
      'output: dist',
      '',
    ].join('\n')],
    [CONFIG_FILE, renderConfigTemplate()],
    ['.gitignore', 'node_modules/\n'],
    [CI_WORKFLOW, [
      '# Fails when dist/ is not what virtwork.yaml renders to: run `npx virtwork synth` and commit dist/.',
      'name: virtwork',
      'on: [push, pull_request]',
      'jobs:',
      '  dist-up-to-date:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/setup-node@v4',
      '        with:',
      "          node-version: '22'",
      '      - run: npm ci',
      '      - run: npx virtwork validate',
      '      - run: npx virtwork synth',
      '      - name: dist/ is up to date',
      '        run: |',
      '          git status --porcelain -- dist/',
      '          git diff --exit-code -- dist/',
      '          test -z "$(git status --porcelain -- dist/)"',
      '',
    ].join('\n')],
  ]);
}

/** Refuses files of `files` that exist under `dir`, unless `force`. */
function refuseExisting(dir: string, files: ReadonlyMap<string, string>, force: boolean): void {
  const existing = [...files.keys()].filter((f) => existsSync(join(dir, f)));
  if (existing.length > 0 && !force) {
    throw new VirtworkError(`${dir}: ${existing.join(', ')} already exist; use --force to overwrite`);
  }
}

/** Writes `files` under `dir`; refuses to overwrite existing files unless `force`. Returns the paths written. */
export function writeScaffold(dir: string, files: ReadonlyMap<string, string>, force: boolean): string[] {
  refuseExisting(dir, files, force);
  for (const [file, content] of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  return [...files.keys()];
}

/** A valid npm package name from a directory name. */
function npmName(name: string): string {
  const cleaned = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|[-]+$/g, '');
  return cleaned.length > 0 ? cleaned.slice(0, 214) : 'virtwork-gitops';
}

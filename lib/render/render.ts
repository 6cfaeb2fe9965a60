import { isAbsolute, relative, resolve } from 'node:path';
import { App } from 'cdk8s';
import { writeDist } from './dist-writer';
import { VirtworkError, show } from '../core/errors';
import { gitopsFiles } from './gitops-files';
import { SynthInput, buildApp, renderCharts } from './synth';
import { outOfBandSecretFiles } from './secrets-out';
import { runSignals } from '../monitoring/run-signals';
import { signalsFiles } from '../monitoring/signals-chart';
import { Workload } from '../workloads/_workload';

/** Where the files that go beside the manifests are written. */
export interface RenderOptions {
  /** Directory replaced with the GitOps files (Argo CD Application, Flux Kustomization); none without it. */
  readonly gitopsDir?: string;
  /** Directory replaced with the user-data Secrets kept out of the manifests; none without it. */
  readonly secretsOut?: string;
  /** With `signals`: directory replaced with the Grafana dashboard JSON and the kube-burner config; none without it. */
  readonly signalsDir?: string;
}

/** Result of {@link renderToDir}. */
export interface RenderResult {
  /** Directory written. */
  readonly outdir: string;
  /** File names written, sorted. */
  readonly files: readonly string[];
  /** GitOps directory written, and its files. */
  readonly gitops?: { readonly dir: string; readonly files: readonly string[] };
  /** Secrets directory written, and its files. */
  readonly secrets?: { readonly dir: string; readonly files: readonly string[] };
  /** Signals directory written, and its files. */
  readonly signals?: { readonly dir: string; readonly files: readonly string[] };
  /** User-data Secrets the manifests reference but that were not written anywhere (no `secretsOut`). */
  readonly unwrittenSecrets: number;
  /** VMs synthesized per workload instance (instance name → VMs), e.g. for the fleet counts `virtwork synth` prints. */
  readonly vmsByInstance: ReadonlyMap<string, number>;
}

/**
 * Synthesizes `input` and replaces `outdir` with the result. Everything is validated and rendered in
 * memory before the first byte is written, so bad input leaves `outdir` untouched.
 */
export function renderToDir(input: SynthInput, outdir: string, o: RenderOptions = {}): RenderResult {
  const app = buildApp(input);
  const files = renderCharts(app);
  const gitops = input.gitops && o.gitopsDir !== undefined ? gitopsFiles(input.gitops) : undefined;
  const secrets = outOfBandSecretFiles(app);
  const signals = input.signals && o.signalsDir !== undefined
    ? signalsFiles(runSignals(app.node.findAll().filter((c): c is Workload => c instanceof Workload)))
    : undefined;
  const dirs = [
    ['output', outdir], ['GitOps directory', gitops && o.gitopsDir], ['secrets directory', secrets.size > 0 ? o.secretsOut : undefined],
    ['signals directory', signals && o.signalsDir],
  ]
    .filter((d): d is [string, string] => d[1] !== undefined);
  for (const [i, [what, dir]] of dirs.entries()) {
    for (const [other, otherDir] of dirs.slice(i + 1)) {
      if (within(dir, otherDir) || within(otherDir, dir)) {
        throw new VirtworkError(`the ${other} ${show(otherDir)} and the ${what} ${show(dir)} must be separate directories, neither inside the other`);
      }
    }
  }
  writeDist(outdir, files);
  const sorted = (m: Map<string, string>) => [...m.keys()].sort();
  if (gitops) writeDist(o.gitopsDir!, gitops);
  const writeSecrets = secrets.size > 0 && o.secretsOut !== undefined;
  if (writeSecrets) writeDist(o.secretsOut!, secrets, { private: true });
  if (signals) writeDist(o.signalsDir!, signals, { json: true });
  return {
    outdir,
    files: sorted(files),
    ...(gitops ? { gitops: { dir: o.gitopsDir!, files: sorted(gitops) } } : {}),
    ...(writeSecrets ? { secrets: { dir: o.secretsOut!, files: sorted(secrets) } } : {}),
    ...(signals ? { signals: { dir: o.signalsDir!, files: sorted(signals) } } : {}),
    unwrittenSecrets: writeSecrets ? 0 : secrets.size,
    vmsByInstance: vmsByInstance(app),
  };
}

/** VMs per workload instance of `app`. */
export function vmsByInstance(app: App): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of app.node.findAll()) if (c instanceof Workload) out.set(c.instanceName, c.vms.length);
  return out;
}

/** Whether `inner` is `outer` or a directory below it. */
function within(outer: string, inner: string): boolean {
  const rel = relative(resolve(outer), resolve(inner));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

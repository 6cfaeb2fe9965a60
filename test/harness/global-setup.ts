import type { Config } from '@jest/types';
import * as k8s from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findBinaries } from './binaries';
import { isCi, KUBECONFIG_ENV, SKIP_REASON_ENV } from './cluster-env';
import { startControlPlane } from './control-plane';
import { installCrds } from './crds';
import { setSharedControlPlane } from './shared-control-plane';

/**
 * Starts one etcd + kube-apiserver with the KubeVirt/CDI CRDs for the whole jest run, when the run selects an
 * integration test (`*.int.test.ts`), and hands its kubeconfig to the test files through `VIRTWORK_TEST_KUBECONFIG`.
 * Without the binaries it sets `VIRTWORK_TEST_SKIP_REASON` instead, or fails in CI.
 */
export default async function globalSetup(
  globalConfig: Config.GlobalConfig,
  projectConfig: Config.ProjectConfig,
): Promise<void> {
  if (!integrationTestsSelected(globalConfig, projectConfig)) return;
  const binaries = findBinaries();
  if ('missing' in binaries) {
    if (isCi()) throw new Error(`integration tests cannot run (CI is set): ${binaries.missing}`);
    process.env[SKIP_REASON_ENV] = `integration tests skipped: ${binaries.missing}`;
    console.warn(`\n${process.env[SKIP_REASON_ENV]}`);
    return;
  }
  const started = Date.now();
  const controlPlane = await startControlPlane(binaries);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(controlPlane.kubeconfigPath);
  const crds = await installCrds(kc).catch(async (err: unknown) => {
    await controlPlane.stop();
    throw err;
  });
  setSharedControlPlane(controlPlane);
  process.env[KUBECONFIG_ENV] = controlPlane.kubeconfigPath;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nintegration: etcd + kube-apiserver on ${controlPlane.server}, ${crds.length} CRDs established, in ${seconds} s`);
}

/** Whether the run may include a `*.int.test.ts` file; true whenever jest picks the files later (changed-file modes). */
function integrationTestsSelected(globalConfig: Config.GlobalConfig, projectConfig: Config.ProjectConfig): boolean {
  const { onlyChanged, findRelatedTests, changedSince, watch, watchAll } = globalConfig;
  if (onlyChanged || findRelatedTests || changedSince || watch || watchAll) return true;
  const patterns = globalConfig.testPathPatterns.toExecutor({ rootDir: globalConfig.rootDir });
  const selected = (file: string): boolean => !patterns.isSet() || patterns.isMatch(file);
  return projectConfig.roots.some((root) => fs.readdirSync(root, { recursive: true, encoding: 'utf8' })
    .some((file) => file.endsWith('.int.test.ts') && !file.includes('node_modules') && selected(path.join(root, file))));
}

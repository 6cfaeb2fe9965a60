import { stopSharedControlPlane } from './shared-control-plane';

/** Stops the etcd + kube-apiserver that global-setup started for this jest run, if it started one. */
export default async function globalTeardown(): Promise<void> {
  await stopSharedControlPlane();
}

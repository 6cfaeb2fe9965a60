import type { ControlPlane } from './control-plane';

// global-setup and global-teardown are loaded separately by jest but run in one process: share through globalThis.
const KEY = Symbol.for('virtwork.test.controlPlane');
const store = globalThis as { [KEY]?: ControlPlane };

/** Remembers the control plane global-setup started, for global-teardown. */
export function setSharedControlPlane(controlPlane: ControlPlane): void {
  store[KEY] = controlPlane;
}

/** Stops the control plane global-setup started, if any. */
export async function stopSharedControlPlane(): Promise<void> {
  const controlPlane = store[KEY];
  delete store[KEY];
  await controlPlane?.stop();
}

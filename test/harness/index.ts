export * from './describe-integration';
export * from './fake-kubevirt';
export * from './test-cluster';
export { ADMIN_CONTEXT, UNPRIVILEGED_CONTEXT } from './control-plane';

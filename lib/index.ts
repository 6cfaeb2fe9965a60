// The public API of the virtwork library: constructs, renderers and the configuration loader. Only re-exports.
// The cluster layer (lib/cluster) and the run history (lib/audit) are used by the virtwork-apply CLI and are left
// out on purpose: importing this module never loads @kubernetes/client-node or SQLite.

export * from './core/errors';
export * from './core/labels';
export * from './core/names';
export * from './core/quantity';
export * from './core/params';
export * from './config/params-grammar';
export * from './guest/cloud-init';
export * from './guest/systemd-unit';
export * from './guest/ssh';
export * from './vm/service';
export * from './vm/provenance';
export * from './vm/secret-modes';
export * from './vm/vm-options';
export * from './vm/drift';
export * from './vm/migration';
export * from './vm/placement';
export * from './vm/readiness';
export * from './vm/sizing';
export * from './vm/storage';
export * from './render/secrets-out';
export * from './render/gitops-files';
// lib/sealed-secrets (kubeseal encryption at the CLI's edge) is left out: its signatures take node:crypto types, and
// the declarations must compile in a consumer without @types/node (import 'virtwork/build/lib/sealed-secrets' for it)
export * from './vm/virtual-machine';
export { Workload } from './workloads/_workload';
export type { WorkloadProps, RoleSpec, UnitFile } from './workloads/_workload';
export * from './workloads';
export * from './catalog';
export * from './render/validate-catalog';
export * from './fleet';
export { checkAppObjects, registerAppChecks } from './vm/unique-objects';
export * from './signals';
export * from './monitoring/run-signals';
export * from './monitoring/prometheus-rule';
export * from './monitoring/grafana-dashboard';
export * from './monitoring/kube-burner';
export * from './monitoring/signals-chart';
export * from './render/synth';
export * from './render/render';
export * from './render/dist-writer';
export { loadConfig, loadMerged } from './config/synth-input';
export type { ConfigRequest, LoadedConfig } from './config/synth-input';
export { SETTINGS, WORKLOAD_FLAGS, WORKLOAD_ENTRY, CONFIG_FILE, CONFIG_ENV, configFileSchema } from './config/schema';
export type { Settings, SettingName, SettingValue } from './config/schema';
export type { Setting, Kind, Environment } from './config/setting';
export { findConfigFile, loadConfigFile, parseConfigFile } from './config/loader';
export type { FileLayer, WorkloadEntry } from './config/loader';
export { mergeLayers, workloadSettings, workloadParams } from './config/merge';
export type { MergedConfig, InputLayer, Origin, Selected, Source, ParamSource, ParamsInput } from './config/merge';
export { readEnv } from './config/env';
export { readFlags } from './config/flags';
export { listCatalog, resolveCatalog, loadCatalogClasses, knownWorkloads } from './config/catalog-dirs';
export type { CatalogSet } from './config/catalog-dirs';
export { renderConfigurationDoc, renderConfigTemplate } from './config/docs';

// The public API of the virtwork library: constructs, renderers and the configuration loader. Only re-exports.
// The cluster layer (lib/cluster) and the run history (lib/audit) are used by the virtwork-apply CLI and are left
// out on purpose: importing this module never loads @kubernetes/client-node or SQLite.

export * from './errors';
export * from './labels';
export * from './names';
export * from './quantity';
export * from './params';
export * from './params-grammar';
export * from './cloud-init';
export * from './systemd-unit';
export * from './ssh';
export * from './service';
export * from './provenance';
export * from './secret-modes';
export * from './vm-options';
export * from './vm/drift';
export * from './vm/migration';
export * from './vm/placement';
export * from './vm/readiness';
export * from './vm/sizing';
export * from './vm/storage';
export * from './vm/secrets-out';
export * from './gitops-files';
// lib/sealed-secrets (kubeseal encryption at the CLI's edge) is left out: its signatures take node:crypto types, and
// the declarations must compile in a consumer without @types/node (import 'virtwork/build/lib/sealed-secrets' for it)
export * from './virtual-machine';
export { Workload } from './workloads/_workload';
export type { WorkloadProps, RoleSpec, UnitFile } from './workloads/_workload';
export * from './workloads';
export * from './catalog';
export * from './catalog/validate';
export * from './fleet';
export { checkAppObjects, registerAppChecks } from './unique-objects';
export * from './signals';
export * from './signals/run-signals';
export * from './signals/prometheus-rule';
export * from './signals/grafana-dashboard';
export * from './signals/kube-burner';
export * from './signals/signals-chart';
export * from './synth';
export * from './render';
export * from './dist-writer';
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

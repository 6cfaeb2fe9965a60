export * from './catalog-entry';
export * from './catalog-source';
export * from './catalog-params';
export * from './catalog-workload';
export * from './loader';
export * from './manifest';
export * from './placeholders';

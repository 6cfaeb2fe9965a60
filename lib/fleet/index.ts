export * from './mix';
export * from './matrix';
export * from './fleet';
export * from './fleet-config';
export * from './fleet-table';

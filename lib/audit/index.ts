export * from './audit-log';
export * from './schema';
export * from './scrub';
export * from './types';
export * from './open-audit';

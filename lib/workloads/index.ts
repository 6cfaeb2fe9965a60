export * from './_registry';
export * from './cpu';
export * from './memory';

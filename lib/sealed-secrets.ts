// The kubeseal primitives (and sealInput), kept at this path for the documented deep import
// virtwork/build/lib/sealed-secrets (left out of lib/index.ts: their signatures use node:crypto types). Only re-exports.
export { sealInput } from './config/seal-input';
export * from './render/sealed-secrets';

import Ajv, { ValidateFunction } from 'ajv';

// Strict subsets of the core/v1 schemas for the core kinds virtwork emits (the real API server checks
// them in full in the integration tests). Fields not listed here are errors, like `--validate=strict`.
const labels = { type: 'object', additionalProperties: { type: 'string', maxLength: 63 } };
const metadata = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 },
    namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
    labels,
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};
const object = (spec: object) => ({
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata'],
  properties: { apiVersion: { const: 'v1' }, kind: { type: 'string' }, metadata, ...spec },
});

const SCHEMAS: Record<string, object> = {
  Namespace: object({}),
  Secret: object({
    type: { type: 'string' },
    immutable: { type: 'boolean' },
    data: { type: 'object', additionalProperties: { type: 'string' } },
    stringData: { type: 'object', additionalProperties: { type: 'string' } },
  }),
  ConfigMap: object({
    immutable: { type: 'boolean' },
    data: { type: 'object', additionalProperties: { type: 'string' } },
    binaryData: { type: 'object', additionalProperties: { type: 'string' } },
  }),
  Service: object({
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] },
        clusterIP: { type: 'string' },
        publishNotReadyAddresses: { type: 'boolean' },
        selector: labels,
        ports: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['port'],
            properties: {
              name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 15 },
              port: { type: 'integer', minimum: 1, maximum: 65535 },
              targetPort: { type: ['integer', 'string'] },
              protocol: { enum: ['TCP', 'UDP', 'SCTP'] },
            },
          },
        },
      },
    },
  }),
};

const ajv = new Ajv({ strict: false, allErrors: true });
const compiled = new Map<string, ValidateFunction>();

/** Strict validator for a core/v1 kind virtwork emits; undefined for other kinds. */
export function coreValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  if (apiVersion !== 'v1' || !(kind in SCHEMAS)) return undefined;
  if (!compiled.has(kind)) compiled.set(kind, ajv.compile(SCHEMAS[kind]));
  return compiled.get(kind);
}

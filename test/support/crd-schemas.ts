import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/** Where the real KubeVirt / CDI CRDs live (../shared/crds next to the project root). */
export const CRD_DIR = resolve(__dirname, '..', '..', '..', 'shared', 'crds');

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, ValidateFunction>();

const served = new Map<string, string[]>();

/**
 * Makes an openAPIV3Schema strict like `kubectl --validate=strict`: unknown fields are errors. An object schema
 * without `x-kubernetes-preserve-unknown-fields` and without `additionalProperties` admits only its `properties`
 * (none when it lists none: the API server would prune every field of it).
 */
function strict(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === 'enum' || k === 'required' || k === 'default' || k === 'example' ? v : strict(v);
  }
  const isObject = out.type === 'object' || out.properties !== undefined;
  if (isObject && !out['x-kubernetes-preserve-unknown-fields'] && !out['x-kubernetes-embedded-resource'] && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

function loadCrds(): void {
  for (const group of readdirSync(CRD_DIR, { withFileTypes: true })) {
    if (!group.isDirectory()) continue;
    for (const file of readdirSync(join(CRD_DIR, group.name))) {
      if (!file.endsWith('.yaml')) continue;
      const crd = parse(readFileSync(join(CRD_DIR, group.name, file), 'utf8'));
      const kindKey = `${crd.spec.group}/${crd.spec.names.kind}`;
      for (const version of crd.spec.versions) {
        if (!version.served) continue;
        served.set(kindKey, [...(served.get(kindKey) ?? []), version.name]);
        const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
        const schema = strict(version.schema.openAPIV3Schema);
        // metadata is validated by the API server itself, not by the CRD schema
        schema.properties.metadata = { type: 'object' };
        validators.set(key, ajv.compile(schema));
      }
    }
  }
}

/** The strict validator for apiVersion + kind, from the real CRDs; undefined for kinds that are not CRDs. */
export function crdValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  if (validators.size === 0) loadCrds();
  return validators.get(`${apiVersion}/${kind}`);
}

/**
 * The versions the real CRD of `group/kind` serves (an API server answers "no matches for kind" for any other);
 * undefined when ../shared/crds holds no CRD of that kind.
 */
export function crdServedVersions(apiVersion: string, kind: string): string[] | undefined {
  if (validators.size === 0) loadCrds();
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return served.get(`${group}/${kind}`);
}

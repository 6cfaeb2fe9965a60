import { parseDocument } from 'yaml';
import { z } from 'zod';
import { show } from '../core/errors';
import { didYouMean } from '../core/_suggest';
import { CATALOG_PARAM_TYPES } from './catalog-params';
import { CATALOG_SIGNAL_SHAPE } from '../signals/catalog-signals';
import { CATALOG_READINESS_SHAPE } from './catalog-readiness';

/** File name of a catalog entry's manifest. */
export const MANIFEST_FILE = 'workload.yaml';

const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string, a number or true/false' });

const PARAM_SHAPE = {
  key: z.string(),
  type: z.enum(CATALOG_PARAM_TYPES),
  default: z.union([scalar, z.array(scalar), z.record(z.string(), scalar)], {
    error: (iss) => (iss.input === undefined ? 'is required' : 'must be a value: a string, a number, true/false, a list or a mapping'),
  }),
  desc: z.string().optional(),
  min: z.int().optional(),
  max: z.int().optional(),
  values: z.array(scalar).optional(),
  pattern: z.string().optional(),
};
const ROLE_SHAPE = {
  name: z.string(),
  'vm-count': z.int().min(1).max(1000).optional(),
  packages: z.array(z.string()).optional(),
};
const STORAGE_SHAPE = {
  name: z.string(),
  size: z.string(),
  serial: z.string(),
  mount: z.string(),
  roles: z.array(z.string()).min(1).optional(),
};
const PORT_SHAPE = {
  name: z.string(),
  port: z.int().min(1).max(65535),
  protocol: z.enum(['TCP', 'UDP']).optional(),
};
const SERVICE_SHAPE = {
  ports: z.array(z.strictObject(PORT_SHAPE)).min(1),
  'selector-role': z.string().optional(),
};
const MANIFEST_SHAPE = {
  description: z.string().optional(),
  packages: z.array(z.string()).optional(),
  params: z.array(z.strictObject(PARAM_SHAPE)).optional(),
  roles: z.array(z.strictObject(ROLE_SHAPE)).min(1).optional(),
  storage: z.array(z.strictObject(STORAGE_SHAPE)).optional(),
  service: z.strictObject(SERVICE_SHAPE).optional(),
  signals: z.array(z.strictObject(CATALOG_SIGNAL_SHAPE)).optional(),
  readiness: z.array(z.strictObject(CATALOG_READINESS_SHAPE)).min(1).optional(),
};

/** The zod schema of `workload.yaml`: strict at every level (unknown keys are errors). */
export const CATALOG_MANIFEST_SCHEMA = z.strictObject(MANIFEST_SHAPE);

/** The content of a `workload.yaml`, structurally valid (see the catalog entry checks for the rest). */
export type CatalogManifest = z.infer<typeof CATALOG_MANIFEST_SCHEMA>;

/** Allowed keys per object, by path with list indices dropped (for "unknown key" messages). */
const KEYS: Record<string, string[]> = {
  '': Object.keys(MANIFEST_SHAPE),
  params: Object.keys(PARAM_SHAPE),
  roles: Object.keys(ROLE_SHAPE),
  storage: Object.keys(STORAGE_SHAPE),
  service: Object.keys(SERVICE_SHAPE),
  'service.ports': Object.keys(PORT_SHAPE),
  signals: Object.keys(CATALOG_SIGNAL_SHAPE),
  readiness: Object.keys(CATALOG_READINESS_SHAPE),
};

/** Result of {@link parseManifest}: the manifest, or the problems (each `<field>: <message>`). */
export type ManifestResult = { readonly manifest: CatalogManifest; readonly problems: readonly [] } | { readonly manifest?: undefined; readonly problems: readonly string[] };

/**
 * Parses the text of a `workload.yaml` strictly: YAML syntax (duplicate keys included), then the schema.
 * Problems name the field (`roles[1].vm-count`), the bad value and what is allowed. Pure: no file access.
 */
export function parseManifest(text: string): ManifestResult {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const lines = text.split('\n');
    return {
      problems: doc.errors.map((e) => {
        const what = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        const pos = e.linePos?.[0];
        return pos ? `line ${pos.line}: invalid YAML: ${what} (at ${show(lines[pos.line - 1] ?? '')})` : `invalid YAML: ${what}`;
      }),
    };
  }
  const data: unknown = doc.toJS() ?? {};
  const result = CATALOG_MANIFEST_SCHEMA.safeParse(data, { reportInput: true });
  if (result.success) return { manifest: result.data, problems: [] };
  return { problems: result.error.issues.flatMap(formatIssue) };
}

/** Formats a path like `service.ports[0].name`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** Spellings users bring from other tools, for "did you mean" where edit distance does not help. */
const ALIASES: Record<string, string> = {
  integer: 'int', number: 'int', boolean: 'bool', str: 'string', text: 'string', choice: 'enum', array: 'list', map: 'dict',
  object: 'dict', tcp: 'TCP', udp: 'UDP',
};

function formatIssue(issue: z.core.$ZodIssue): string[] {
  const field = fieldPath(issue.path);
  const at = (f: string) => (f === '' ? 'manifest' : f);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = KEYS[issue.path.filter((p) => typeof p !== 'number').join('.')] ?? [];
      return issue.keys.map((key) =>
        `${fieldPath([...issue.path, key])}: unknown key${didYouMean(key, allowed)}; allowed keys: ${allowed.join(', ')}`);
    }
    case 'invalid_type':
      if (input === undefined) return [`${at(field)}: is required`];
      return [`${at(field)}: must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${show(input)}`];
    case 'invalid_value': {
      const values = issue.values.map(String);
      const alias = typeof input === 'string' ? ALIASES[input.toLowerCase()] : undefined;
      const typo = alias && values.includes(alias) ? ` (did you mean "${alias}"?)` : typeof input === 'string' ? didYouMean(input, values) : '';
      return [`${field}: must be one of ${values.join(', ')}, got ${show(input)}${typo}`];
    }
    case 'too_small':
      if (issue.origin === 'array') return [`${field}: must list at least one item, got none`];
      return [`${field}: must be at least ${String(issue.minimum)}, got ${show(input)}`];
    case 'too_big':
      return [`${field}: must be at most ${String(issue.maximum)}, got ${show(input)}`];
    default:
      return [`${at(field)}: ${issue.message}${input === undefined ? '' : `, got ${show(input)}`}`];
  }
}

import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { K8sObject, schemaProblems } from '../support/validators';

/** The YAML blocks of the "Golden image" section of docs/vm-options.md. */
function goldenImageYaml(): unknown[] {
  const doc = readFileSync(`${__dirname}/../../docs/vm-options.md`, 'utf8');
  const section = doc.slice(doc.indexOf('## Golden image'), doc.indexOf('## Data disks'));
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].flatMap((m) => parseAllDocuments(m[1]).map((d) => d.toJS()));
}

describe('docs/vm-options.md, Golden image', () => {
  it('THEN the CDI DataVolume (registry import) and DataSource it shows are valid against the real CDI CRDs', () => {
    const objects = goldenImageYaml().filter((o): o is K8sObject => typeof o === 'object' && o !== null && 'kind' in o);
    expect(objects.map((o) => o.kind)).toEqual(['DataVolume', 'DataSource']);
    for (const o of objects) expect(schemaProblems(o)).toEqual([]);
    expect(objects[0].spec.source.registry.url).toMatch(/^docker:\/\//);
    expect(objects[1].spec.source.pvc.name).toBe(objects[0].metadata.name);
  });
});

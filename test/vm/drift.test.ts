import { FIRMWARE_UUID_NAMESPACE, VM_IGNORED_JSON_POINTERS, pinnedFirmware } from '../../lib/vm/drift';
import { crdValidator } from '../support/crd-schemas';

describe('pinned firmware', () => {
  it('keeps the firmware name space fixed (changing it would change every VM)', () => {
    // (Python agrees: uuid.uuid5(uuid.NAMESPACE_URL, 'https://github.com/opdev/virtwork#firmware-uuid'))
    expect(FIRMWARE_UUID_NAMESPACE).toBe('7887e763-e219-59be-9e68-38fdc0eeca23');
    expect(pinnedFirmware('virtwork', 'virtwork-cpu-0')).toMatchInlineSnapshot(`
{
  "serial": "56effe32-42b6-5693-97a9-5617e5b15b19",
  "uuid": "56effe32-42b6-5693-97a9-5617e5b15b19",
}
`);
  });

  it('derives the UUID from namespace and name: same input, same UUID; different VM, different UUID', () => {
    expect(pinnedFirmware('virtwork', 'virtwork-cpu-0')).toEqual(pinnedFirmware('virtwork', 'virtwork-cpu-0'));
    expect(pinnedFirmware('virtwork', 'virtwork-cpu-0').uuid).not.toBe(pinnedFirmware('virtwork', 'virtwork-cpu-1').uuid);
    expect(pinnedFirmware('virtwork', 'virtwork-cpu-0').uuid).not.toBe(pinnedFirmware('load', 'virtwork-cpu-0').uuid);
    // no ambiguity between "a/b-c" splits: the separator cannot occur in a namespace
    expect(pinnedFirmware('a', 'b-c').uuid).not.toBe(pinnedFirmware('a-b', 'c').uuid);
  });

  it('ignores only paths that exist in the v1.9.0 VirtualMachine schema', () => {
    // GIVEN the VM schema WHEN each ignored pointer is set on a minimal VM THEN the schema still accepts it
    const validate = crdValidator('kubevirt.io/v1', 'VirtualMachine')!;
    const vm = {
      apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'v' },
      spec: {
        instancetype: { name: 'u1.small', revisionName: 'r' }, preference: { name: 'fedora', revisionName: 'r' },
        template: { spec: { domain: { devices: {}, machine: { type: 'q35' } } } },
      },
    };
    expect(validate(vm)).toBe(true);
    expect(VM_IGNORED_JSON_POINTERS).toEqual(['/spec/template/spec/domain/machine', '/spec/instancetype/revisionName', '/spec/preference/revisionName']);
  });
});

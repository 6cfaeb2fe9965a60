import { DEMO, DEMO_MANIFEST, unit } from './_helpers';

/** One broken entry: how it differs from DEMO and the one message it must get (`<catalog>` stands for the directory). */
export interface BrokenCase {
  /** What is wrong. */
  readonly defect: string;
  /** Directory name of the entry (default `demo`). */
  readonly name?: string;
  /** The files of the entry (default: DEMO with `manifest` applied). */
  readonly files?: Readonly<Record<string, string>>;
  /** Edits of DEMO's manifest: [search, replace] pairs. */
  readonly manifest?: readonly (readonly [string, string])[];
  /** The exact message. */
  readonly message: string;
}

/** DEMO with some files replaced (a value of null removes the file). */
function demo(changes: Readonly<Record<string, string | null>>): Record<string, string> {
  const files: Record<string, string> = { ...DEMO };
  for (const [file, content] of Object.entries(changes)) {
    if (content === null) delete files[file];
    else files[file] = content;
  }
  return files;
}

/** The manifest of DEMO with edits applied; every search string must be present (so that a case cannot go stale). */
export function editManifest(edits: readonly (readonly [string, string])[]): string {
  let text = DEMO_MANIFEST;
  for (const [search, replace] of edits) {
    if (!text.includes(search)) throw new Error(`test table: ${JSON.stringify(search)} is not in DEMO_MANIFEST`);
    text = text.replace(search, replace);
  }
  return text;
}

const P = '<catalog>/demo';
const M = `${P}/workload.yaml`;

/** At least 30 broken entries, one defect each. */
export const BROKEN: readonly BrokenCase[] = [
  // Entry names
  { defect: 'entry name with capitals', name: 'Demo', message: `<catalog>/Demo: entry name "Demo" must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit): it is the workload name and part of every VM name` },
  { defect: 'entry name too long for its VM names', name: 'a-catalog-entry-name-that-is-far-too-long-for-vms', message: `<catalog>/a-catalog-entry-name-that-is-far-too-long-for-vms: entry name "a-catalog-entry-name-that-is-far-too-long-for-vms" is too long: VM names like "virtwork-a-catalog-entry-name-that-is-far-too-long-for-vms-server-999" would have 69 characters, over the 63 allowed (shorten the entry or role name by 6)` },
  { defect: 'entry name of a built-in', name: 'cpu', message: `<catalog>/cpu: entry name "cpu" shadows the built-in workload "cpu": rename the entry's directory` },
  { defect: 'entry name reserved for dist/', name: 'namespace', message: `<catalog>/namespace: entry name "namespace" is reserved (virtwork writes namespace.yaml itself)` },
  // Files
  { defect: 'no unit at all', files: { 'workload.yaml': 'description: nothing to run\n' }, message: `${P}: has no .service file (an entry needs at least one systemd unit)` },
  { defect: 'manifest spelled workload.yml', files: demo({ 'workload.yaml': null, 'workload.yml': DEMO_MANIFEST }), message: `${P}/workload.yml: the manifest must be named workload.yaml, got "workload.yml"` },
  { defect: 'unit without [Service]', files: demo({ 'client.service': '[Unit]\nDescription=x\n' }), message: `${P}/client.service: has no [Service] section` },
  { defect: 'unit without ExecStart=', files: demo({ 'client.service': '[Unit]\nDescription=x\n\n[Service]\nType=simple\n' }), message: `${P}/client.service: has no ExecStart= line` },
  { defect: 'script without shebang', files: demo({ 'client.sh': 'exec demo-client {{tests}} {{opts}}\n' }), message: `${P}/client.sh: line 1: must start with a shebang like #!/bin/bash, got "exec demo-client {{tests}} {{opts}}"` },
  { defect: 'script with Windows line endings', files: demo({ 'client.sh': DEMO['client.sh'].replace(/\n/g, '\r\n') }), message: `${P}/client.sh: line 1: has Windows line endings (CRLF); save it with LF line endings` },
  { defect: 'unit file name with a dot', files: demo({ 'client.old.service': unit('/bin/true') }), message: `${P}/client.old.service: unit file name must be <name>.service with a name of lowercase letters, digits, '-' and '_', got "client.old.service"` },
  // YAML and schema
  { defect: 'invalid YAML', manifest: [['packages: [demo-common]', 'packages: [demo-common']], message: `${M}: line 3: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (at "params:")` },
  { defect: 'duplicate YAML key', manifest: [['packages: [demo-common]', 'packages: [demo-common]\npackages: [x]']], message: `${M}: line 3: invalid YAML: Map keys must be unique (at "packages: [x]")` },
  { defect: 'manifest is a list', files: demo({ 'workload.yaml': '- description: x\n' }), message: `${M}: manifest: must be a mapping, got [{"description":"x"}]` },
  { defect: 'unknown top-level key', manifest: [['packages:', 'pakages:']], message: `${M}: pakages: unknown key (did you mean "packages"?); allowed keys: description, packages, params, roles, storage, service, signals, readiness` },
  { defect: 'unknown param field', manifest: [['    desc: Worker threads', '    descr: Worker threads']], message: `${M}: params[0].descr: unknown key (did you mean "desc"?); allowed keys: key, type, default, desc, min, max, values, pattern` },
  { defect: 'unknown param type', manifest: [['    type: int', '    type: integer']], message: `${M}: params[0].type: must be one of int, bool, string, enum, list, dict, got "integer" (did you mean "int"?)` },
  { defect: 'param without default', manifest: [['    default: 4\n', '']], message: `${M}: params[0].default: is required` },
  { defect: 'description not a string', manifest: [['description: Demo entry used by the tests', 'description: [a, b]']], message: `${M}: description: must be a string, got ["a","b"]` },
  { defect: 'port out of range', manifest: [['port: 7000', 'port: 70000']], message: `${M}: service.ports[0].port: must be at most 65535, got 70000` },
  { defect: 'protocol in lower case', manifest: [['port: 7000', 'port: 7000\n      protocol: tcp']], message: `${M}: service.ports[0].protocol: must be one of TCP, UDP, got "tcp" (did you mean "TCP"?)` },
  { defect: 'service without ports', manifest: [['  ports:\n    - name: demo\n      port: 7000\n', '  ports: []\n']], message: `${M}: service.ports: must list at least one item, got none` },
  { defect: 'vm-count 0', manifest: [['  - name: client', '  - name: client\n    vm-count: 0']], message: `${M}: roles[1].vm-count: must be at least 1, got 0` },
  // Params
  { defect: 'int default not an integer', manifest: [['    default: 4', '    default: four']], message: `${M}: params[0].default: must be an integer from 1 to 64 (type int), got "four"` },
  { defect: 'int default out of range', manifest: [['    default: 4', '    default: 100']], message: `${M}: params[0].default: must be an integer from 1 to 64 (type int), got 100` },
  { defect: 'min greater than max', manifest: [['    min: 1\n    max: 64', '    min: 10\n    max: 5']], message: `${M}: params[0].min: must not be greater than max (5), got 10` },
  { defect: 'bool default yes', manifest: [['    default: false', '    default: "yes"']], message: `${M}: params[3].default: must be true or false (type bool), got "yes"` },
  { defect: 'enum default not a value', manifest: [['    default: fast', '    default: quick']], message: `${M}: params[1].default: must be one of fast, slow (type enum), got "quick"` },
  { defect: 'enum without values', manifest: [['    values: [fast, slow]\n', '']], message: `${M}: params[1].values: is required for an enum param: the list of allowed words` },
  { defect: 'string default that breaks out of the shell', manifest: [['    default: demo', '    default: "$(reboot)"']], message: `${M}: params[2].default: must be a string of 1 to 256 of letters, digits and _ . , : / @ + = -, starting with a letter, digit, "_", "." or "/" (type string), got "$(reboot)"` },
  { defect: 'string default with a newline', manifest: [['    default: demo', '    default: "a\\nExecStartPre=/bin/rm -rf /"']], message: `${M}: params[2].default: must be a string of 1 to 256 of letters, digits and _ . , : / @ + = -, starting with a letter, digit, "_", "." or "/" (type string), got "a\\nExecStartPre=/bin/rm -rf /"` },
  { defect: 'list default with a shell separator', manifest: [['    default: [set, get]', '    default: [set, "get; reboot"]']], message: `${M}: params[4].default: must be a YAML list or ";"-separated items of 1 to 256 letters, digits and _ . : / @ + = - (no ","), each starting with a letter, digit, "_", "." or "/" (type list), got ["set","get; reboot"]` },
  { defect: 'min on a string param', manifest: [['    default: demo', '    default: demo\n    min: 1']], message: `${M}: params[2].min: applies only to int params, and "label" is string` },
  { defect: 'invalid pattern', manifest: [['    default: demo', '    default: demo\n    pattern: "([a-z"']], message: `${M}: params[2].pattern: must be a valid regular expression, got "([a-z" (Invalid regular expression: /^(?:([a-z)$/: Unterminated character class)` },
  { defect: 'duplicate param key', manifest: [['roles:\n', '  - key: threads\n    type: int\n    default: 1\nroles:\n']], message: `${M}: params[6].key: duplicate param "threads" (already params[0])` },
  { defect: 'param key not kebab-case', manifest: [['  - key: label', '  - key: my_label']], message: `${M}: params[2].key: must be kebab-case (lowercase letters and digits separated by '-', starting with a letter), got "my_label"` },
  // Roles, units per role
  { defect: 'duplicate role', manifest: [['  - name: client', '  - name: server']], message: `${M}: roles[1].name: duplicate role "server" (already roles[0])` },
  { defect: 'role name with capitals', manifest: [['  - name: client', '  - name: Client']], message: `${M}: roles[1].name: must be a DNS-1123 label of at most 40 characters (lowercase letters, digits and '-'), got "Client"` },
  { defect: 'role without its unit', files: demo({ 'client.service': null }), message: `${M}: roles[1].name: role "client" has no unit: add client.service to ${P}` },
  { defect: 'unit of no role', files: demo({ 'worker.service': unit('/bin/true') }), message: `${P}/worker.service: matches no role (did you mean "server"?): with roles, each unit is named <role>.service (roles: server, client)` },
  { defect: 'selector-role naming no role', manifest: [['  selector-role: server', '  selector-role: sever']], message: `${M}: service.selector-role: unknown role "sever" (did you mean "server"?); roles: server, client` },
  { defect: 'package name with shell text', manifest: [['packages: [demo-common]', 'packages: ["demo; reboot"]']], message: `${M}: packages[0]: must be a package name (letters, digits and . _ + -), got "demo; reboot"` },
  // Storage
  { defect: 'storage size not a quantity', manifest: [['size: 1Gi', 'size: 1GB']], message: `${M}: storage[0].size: must be a positive quantity like 10Gi or 500Mi, got "1GB"` },
  { defect: 'storage serial too long', manifest: [['serial: vw-demo', 'serial: virtwork-demo-data-disk']], message: `${M}: storage[0].serial: must be 1 to 20 letters, digits, '-' or '_', got "virtwork-demo-data-disk"` },
  { defect: 'storage mount relative', manifest: [['mount: /var/lib/demo', 'mount: var/lib/demo']], message: `${M}: storage[0].mount: must be an absolute path, got "var/lib/demo"` },
  { defect: 'storage mount on a system directory', manifest: [['mount: /var/lib/demo', 'mount: /etc']], message: `${M}: storage[0].mount: must not be a system directory, got "/etc" (use e.g. /mnt/data)` },
  { defect: 'storage reserved disk name', manifest: [['  - name: demo-data', '  - name: cloudinitdisk']], message: `${M}: storage[0].name: "cloudinitdisk" is a reserved disk name (containerdisk, rootdisk, cloudinitdisk, datadisk)` },
  { defect: 'storage roles naming no role', manifest: [['    roles: [server]', '    roles: [servers]']], message: `${M}: storage[0].roles[0]: unknown role "servers" (did you mean "server"?); roles: server, client` },
  { defect: 'duplicate storage serial', manifest: [['    roles: [server]\n', '    roles: [server]\n  - name: more-data\n    size: 1Gi\n    serial: vw-demo\n    mount: /srv/more\n']], message: `${M}: storage[1].serial: duplicate serial "vw-demo" (already storage[0]): the guest could not tell the disks apart` },
  { defect: 'duplicate storage mount', manifest: [['    roles: [server]\n', '    roles: [server]\n  - name: more-data\n    size: 1Gi\n    serial: vw-more\n    mount: /var/lib/demo\n']], message: `${M}: storage[1].mount: duplicate mount point "/var/lib/demo" (already storage[0])` },
  { defect: 'duplicate port name', manifest: [['      port: 7000\n', '      port: 7000\n    - name: demo\n      port: 7001\n']], message: `${M}: service.ports[1].name: duplicate port name "demo"` },
  { defect: 'port name too long', manifest: [['    - name: demo\n', '    - name: demo-port-for-clients\n']], message: `${M}: service.ports[0].name: must be an IANA service name (at most 15 lowercase letters, digits and '-', with a letter, no '--'), got "demo-port-for-clients"` },
  // Placeholders
  { defect: 'placeholder of an undeclared param', files: demo({ 'server.service': DEMO['server.service'].replace('{{threads}}', '{{threds}}') }), message: `${P}/server.service: placeholder {{threds}} names no declared param (did you mean "threads"?); params: threads, mode, label, verbose, tests, opts` },
  { defect: 'malformed placeholder', files: demo({ 'server.service': DEMO['server.service'].replace('{{threads}}', '{{ threads }}') }), message: `${P}/server.service: malformed placeholder "{{ threads }}" (did you mean "threads"?): write {{<param>}}, {{virtwork:<name>}} or {{script:<file>}}` },
  { defect: 'unknown built-in placeholder', files: demo({ 'client.sh': DEMO['client.sh'].replace('{{virtwork:role}}', '{{virtwork:rol}}') }), message: `${P}/client.sh: unknown built-in placeholder {{virtwork:rol}} (did you mean "role"?); built-ins: {{virtwork:entry}}, {{virtwork:namespace}}, {{virtwork:service}}, {{virtwork:service-host}}, {{virtwork:role}}, {{virtwork:guest-family}}` },
  { defect: 'placeholder of a missing script', files: demo({ 'client.service': unit('{{script:clients.sh}}') }), message: `${P}/client.service: placeholder {{script:clients.sh}} names no script of the entry (did you mean "client.sh"?); scripts: client.sh` },
  { defect: 'unclosed placeholder', files: demo({ 'server.service': DEMO['server.service'].replace('{{threads}}', '{{threads}') }), message: `${P}/server.service: line 7: "{{" without a closing "}}"` },
];

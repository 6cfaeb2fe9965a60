import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogSource } from '../../lib/catalog';

/** A minimal valid unit running `execStart`. */
export function unit(execStart: string, extra = ''): string {
  return `[Unit]\nDescription=Demo\n\n[Service]\nType=simple\n${extra}ExecStart=${execStart}\nRestart=always\nRestartSec=10\n\n` +
    '[Install]\nWantedBy=multi-user.target\n';
}

/** The manifest of DEMO: every feature of the format (params of each type, roles, storage on one role, a service). */
export const DEMO_MANIFEST = `description: Demo entry used by the tests
packages: [demo-common]
params:
  - key: threads
    type: int
    default: 4
    min: 1
    max: 64
    desc: Worker threads
  - key: mode
    type: enum
    default: fast
    values: [fast, slow]
    desc: Mode
  - key: label
    type: string
    default: demo
    desc: Free text label
  - key: verbose
    type: bool
    default: false
    desc: Verbose output
  - key: tests
    type: list
    default: [set, get]
    desc: Tests to run
  - key: opts
    type: dict
    default: {a: "1", b: two}
    desc: Extra options
roles:
  - name: server
    packages: [demo-server]
  - name: client
storage:
  - name: demo-data
    size: 1Gi
    serial: vw-demo
    mount: /var/lib/demo
    roles: [server]
service:
  ports:
    - name: demo
      port: 7000
  selector-role: server
`;

/** A valid role-based entry: files of the directory. */
export const DEMO: Readonly<Record<string, string>> = {
  'workload.yaml': DEMO_MANIFEST,
  'server.service': unit('/usr/bin/demo-server --threads={{threads}} --mode={{mode}} --label={{label}} --verbose={{verbose}}', 'User=demo\n'),
  'client.service': unit('{{script:client.sh}}', 'DynamicUser=yes\n'),
  'client.sh': '#!/bin/bash\nset -euo pipefail\nexec demo-client --host {{virtwork:service-host}} --tests {{tests}} --opts {{opts}} --role {{virtwork:role}}\n',
  'README.md': '# demo\n',
};

/** An in-memory entry source. */
export function source(name: string, files: Readonly<Record<string, string>>, location = `catalog/${name}`): CatalogSource {
  return { name, location, files: new Map(Object.entries(files)) };
}

const made: string[] = [];

/** Writes catalog entries (entry → file → content; a `/`-ending key makes a directory) into a fresh temporary directory. */
export function writeCatalog(entries: Readonly<Record<string, Readonly<Record<string, string>> | string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'virtwork-catalog-'));
  made.push(dir);
  for (const [name, files] of Object.entries(entries)) {
    if (typeof files === 'string') {
      writeFileSync(join(dir, name), files);
      continue;
    }
    mkdirSync(join(dir, name));
    for (const [file, content] of Object.entries(files)) {
      if (file.endsWith('/')) mkdirSync(join(dir, name, file));
      else writeFileSync(join(dir, name, file), content);
    }
  }
  return dir;
}

/** Removes every directory made by writeCatalog (call from afterAll). */
export function removeCatalogs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

import { show } from '../core/errors';
import { didYouMean } from '../core/_suggest';
import type { CatalogScript, CatalogSource, CatalogUnit } from './catalog-source';
import type { CheckedManifest } from './_manifest-checks';
import { MANIFEST_FILE } from './manifest';
import { BUILTIN_PLACEHOLDERS, findPlaceholders, unclosedPlaceholderLines } from './placeholders';

const UNIT_STEM = /^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$/;
const SCRIPT_FILE = /^[a-z0-9][a-z0-9_.-]*\.sh$/;

/** The files of an entry that virtwork installs. */
export interface EntryFiles {
  readonly units: readonly CatalogUnit[];
  readonly scripts: readonly CatalogScript[];
}

/**
 * Checks the files of an entry against its manifest (undefined when the manifest is broken: placeholders are
 * then not checked): which files are used, units per role, unit and script basics, placeholders.
 */
export function checkFiles(source: CatalogSource, manifest: CheckedManifest | undefined): { result?: EntryFiles; errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const at = (file: string) => `${source.location}/${file}`;
  const units: CatalogUnit[] = [];
  const scripts: CatalogScript[] = [];
  for (const [file, content] of [...source.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (file === MANIFEST_FILE || file.startsWith('.') || file.endsWith('.md')) continue;
    if (/\.(service|sh)$/.test(file) && content.includes('\r')) {
      errors.push(`${at(file)}: line ${content.slice(0, content.indexOf('\r')).split('\n').length}: has Windows line endings (CRLF); save it with LF line endings`);
    }
    if (/^workload\.ya?ml$/i.test(file)) {
      // Only the exact name is read: a near miss would silently drop the whole manifest.
      errors.push(`${at(file)}: the manifest must be named ${MANIFEST_FILE}, got ${show(file)}`);
    } else if (file.endsWith('.service')) {
      const stem = file.slice(0, -'.service'.length);
      if (!UNIT_STEM.test(stem)) {
        errors.push(`${at(file)}: unit file name must be <name>.service with a name of lowercase letters, digits, '-' and '_', got ${show(file)}`);
        continue;
      }
      if (!/^\[Service\][ \t\r]*$/m.test(content)) errors.push(`${at(file)}: has no [Service] section`);
      else if (!/^ExecStart=/m.test(content)) errors.push(`${at(file)}: has no ExecStart= line`);
      units.push({ file, content, stem, installName: `virtwork-${source.name}-${stem}.service` });
    } else if (file.endsWith('.sh')) {
      if (!SCRIPT_FILE.test(file)) {
        errors.push(`${at(file)}: script file name must be lowercase letters, digits, '.', '-' and '_' ending in .sh, got ${show(file)}`);
        continue;
      }
      if (!/^#!\/\S+/.test(content)) errors.push(`${at(file)}: line 1: must start with a shebang like #!/bin/bash, got ${show(content.split('\n')[0])}`);
      scripts.push({ file, content, installPath: `/usr/local/bin/virtwork-${source.name}-${file}` });
    } else {
      warnings.push(`${at(file)}: ignored (an entry uses ${MANIFEST_FILE}, *.service units, *.sh scripts and *.md docs)`);
    }
  }
  for (const dir of source.directories ?? []) warnings.push(`${at(dir)}/: ignored (sub-directories are not used)`);
  if (units.length === 0 && !errors.some((e) => e.includes('.service:'))) {
    errors.push(`${source.location}: has no .service file (an entry needs at least one systemd unit)`);
  }

  if (manifest?.roles) {
    const roleNames = manifest.roles.map((r) => r.name);
    manifest.roles.forEach((role, i) => {
      if (!units.some((u) => u.stem === role.name)) {
        errors.push(`${at(MANIFEST_FILE)}: roles[${i}].name: role ${show(role.name)} has no unit: add ${role.name}.service to ${source.location}`);
      }
    });
    for (const unit of units.filter((u) => !roleNames.includes(u.stem))) {
      errors.push(`${at(unit.file)}: matches no role${didYouMean(unit.stem, roleNames)}: with roles, each unit is named <role>.service (roles: ${roleNames.join(', ')})`);
    }
  } else if (manifest && units.length > 1) {
    warnings.push(`${source.location}: every VM runs all ${units.length} units (${units.map((u) => u.file).join(', ')}); ` +
      `declare roles in ${MANIFEST_FILE} to run them on different VMs`);
  }

  if (manifest) {
    const used = checkPlaceholders(source, manifest, [...units, ...scripts], scripts, errors);
    manifest.paramSpecs.forEach((p, i) => {
      if (!used.has(p.key)) warnings.push(`${at(MANIFEST_FILE)}: params[${i}] ${show(p.key)}: declared but not used in any unit or script`);
    });
    for (const script of scripts.filter((s) => !used.has(`script:${s.file}`))) {
      warnings.push(`${at(script.file)}: not referenced as {{script:${script.file}}} by any unit or script, so it never runs`);
    }
  }
  return errors.length > 0 ? { errors, warnings } : { result: { units, scripts }, errors, warnings };
}

/** Checks every placeholder; returns what is used (param keys and `script:<file>`). */
function checkPlaceholders(
  source: CatalogSource,
  manifest: CheckedManifest,
  files: readonly { file: string; content: string }[],
  scripts: readonly CatalogScript[],
  errors: string[],
): Set<string> {
  const used = new Set<string>();
  const keys = manifest.paramSpecs.map((p) => p.key);
  const scriptFiles = scripts.map((s) => s.file);
  const known = keys.length ? `; params: ${keys.join(', ')}` : '; the manifest declares no params';
  for (const { file, content } of files) {
    const problems = new Set<string>();
    const at = `${source.location}/${file}`;
    for (const line of unclosedPlaceholderLines(content)) problems.add(`${at}: line ${line}: "{{" without a closing "}}"`);
    for (const p of findPlaceholders(content)) {
      if (p.kind === 'param') {
        used.add(p.key);
        if (!keys.includes(p.key)) problems.add(`${at}: placeholder ${p.text} names no declared param${didYouMean(p.key, keys)}${known}`);
      } else if (p.kind === 'script') {
        used.add(`script:${p.file}`);
        if (!scriptFiles.includes(p.file)) {
          const list = scriptFiles.length ? `; scripts: ${scriptFiles.join(', ')}` : '; the entry has no .sh script';
          problems.add(`${at}: placeholder ${p.text} names no script of the entry${didYouMean(p.file, scriptFiles)}${list}`);
        }
      } else if (p.kind === 'virtwork') {
        if (!(BUILTIN_PLACEHOLDERS as readonly string[]).includes(p.name)) {
          problems.add(`${at}: unknown built-in placeholder ${p.text}${didYouMean(p.name, BUILTIN_PLACEHOLDERS)}; built-ins: ` +
            BUILTIN_PLACEHOLDERS.map((b) => `{{virtwork:${b}}}`).join(', '));
        } else if (p.name === 'role' && !manifest.roles) {
          problems.add(`${at}: placeholder ${p.text} needs roles, and the manifest declares none`);
        } else if (p.name.startsWith('service') && !manifest.service) {
          problems.add(`${at}: placeholder ${p.text} needs a service, and the manifest declares none`);
        }
      } else {
        const inner = p.text.slice(2, -2).trim().toLowerCase();
        problems.add(`${at}: malformed placeholder ${show(p.text)}${didYouMean(inner, keys.map(String))}: write {{<param>}}, ` +
          '{{virtwork:<name>}} or {{script:<file>}}');
      }
    }
    errors.push(...problems);
  }
  return used;
}

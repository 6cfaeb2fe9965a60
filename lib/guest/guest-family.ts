import { VirtworkError, show } from '../core/errors';

/** Guest OS families the synthesized user-data is written for. */
export const GUEST_FAMILIES = ['fedora', 'debian'] as const;
/** A guest OS family: `fedora` (also RHEL, CentOS Stream) or `debian` (also Ubuntu). */
export type GuestFamily = (typeof GUEST_FAMILIES)[number];
/** The family of the default image (`quay.io/containerdisks/fedora`). */
export const DEFAULT_GUEST_FAMILY: GuestFamily = 'fedora';

/** A package a family cannot install: the reason, said to the user as is. */
export interface Unavailable {
  readonly unavailable: string;
}

/** What differs between guest families: package names, PostgreSQL layout, guest agent handling. */
export interface GuestFamilyFacts {
  /** Distributions of the family, for docs and messages. */
  readonly distributions: string;
  /**
   * Package names by virtwork's name for them (the Fedora name): the packages this family installs instead
   * (none: nothing to install), or why it cannot. A name not listed is installed under the same name.
   */
  readonly packages: Readonly<Record<string, readonly string[] | Unavailable>>;
  /** PostgreSQL as the database workload runs it. */
  readonly postgresql: {
    /** Data directory, where the data disk is mounted. */
    readonly dataDir: string;
    /** systemd unit(s) the drop-in making PostgreSQL wait for the data disk goes to (a template on Debian). */
    readonly serverUnit: string;
    /** Units `systemctl enable`d before the workload units (the server, where one fixed name exists). */
    readonly enable: readonly string[];
  };
  /** Whether the guest agent unit has an [Install] section to enable (Debian's is static, started by udev). */
  readonly enableGuestAgent: boolean;
  /**
   * Archive components a package needs beyond what the family's cloud images enable, by virtwork's package name:
   * cloud-init adds an apt source line for each (see familyAptSources).
   */
  readonly components: Readonly<Record<string, string>>;
  /**
   * Services a package starts by itself (and at every boot) that a workload runs its own way, by virtwork's package
   * name: cloud-init stops and disables them before the workload's units start (see familyPackageServices).
   */
  readonly packageServices: Readonly<Record<string, readonly string[]>>;
}

/**
 * THE table of per-family guest facts. Workloads and catalog entries name packages as Fedora does; every other
 * family translates here. The golden image builder derives its package set from the synthesized `packages`, so
 * every package a script calls must be listed by the workload (see docs/workloads.md, "Guest families").
 */
export const GUEST_FAMILY_TABLE: Readonly<Record<GuestFamily, GuestFamilyFacts>> = {
  fedora: {
    distributions: 'Fedora, RHEL, CentOS Stream',
    packages: {
      // pgbench ships in postgresql-contrib on Fedora/RHEL
      'postgresql-server': ['postgresql-server', 'postgresql-contrib'],
    },
    postgresql: { dataDir: '/var/lib/pgsql/data', serverUnit: 'postgresql.service', enable: ['postgresql.service'] },
    enableGuestAgent: true,
    components: {},
    packageServices: {},
  },
  debian: {
    distributions: 'Debian, Ubuntu',
    packages: {
      'postgresql-server': ['postgresql'],
      'iproute-tc': ['iproute2'],
      // sch_netem is part of Debian's and Ubuntu's kernel packages
      'kernel-modules-extra': [],
      'procps-ng': ['procps'],
      'httpd-tools': ['apache2-utils'],
      mariadb: ['mariadb-client'],
      valkey: { unavailable: 'valkey is not in Debian 12 or Ubuntu 24.04 LTS; use guestFamily fedora' },
    },
    postgresql: { dataDir: '/var/lib/postgresql/virtwork', serverUnit: 'postgresql@.service', enable: [] },
    enableGuestAgent: false,
    // netperf is in Debian's non-free (Debian cloud images enable main only); on Ubuntu it is in multiverse, which
    // Ubuntu's cloud images enable, and the extra non-free line only makes apt-get update warn
    components: { netperf: 'non-free' },
    // Debian's netperf ships /etc/init.d/netperf, enabled and started by its postinst: a netserver on 12865, which the
    // tps server's own netserver then cannot bind (found booting tps in the guest tier)
    packageServices: { netperf: ['netperf.service'] },
  },
};

/** Checks a guest family name. */
export function checkGuestFamily(where: string, family: unknown): GuestFamily {
  if (typeof family !== 'string' || !(GUEST_FAMILIES as readonly string[]).includes(family)) {
    throw new VirtworkError(`${where}: guestFamily must be one of ${GUEST_FAMILIES.join(', ')}, got ${show(family)}`);
  }
  return family as GuestFamily;
}

/**
 * The packages `family` installs for packages named the Fedora way, in order and without duplicates; a package the
 * family cannot install is one error naming `where`, the package and why.
 */
export function familyPackages(where: string, family: GuestFamily, packages: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of packages) {
    const mapped = GUEST_FAMILY_TABLE[family].packages[name] ?? [name];
    if (!Array.isArray(mapped)) {
      throw new VirtworkError(`${where}: package ${show(name)} is not available on guest family ${family}: ${(mapped as Unavailable).unavailable}`);
    }
    for (const p of mapped as readonly string[]) if (!out.includes(p)) out.push(p);
  }
  return out;
}

/**
 * cloud-init's `apt` section for the archive components the packages need (none: undefined): one source line per
 * component on cloud-init's own mirror and release (`$MIRROR`, `$RELEASE`), and the image's own sources kept as they
 * are (`preserve_sources_list`, which still lets cloud-init add files to sources.list.d).
 */
export function familyAptSources(family: GuestFamily, packages: readonly string[]): Record<string, unknown> | undefined {
  const needed = [...new Set(packages.map((p) => GUEST_FAMILY_TABLE[family].components[p]).filter((c): c is string => c !== undefined))].sort();
  if (needed.length === 0) return undefined;
  const sources = Object.fromEntries(needed.map((c) => [`virtwork-${c}`, { source: `deb $MIRROR $RELEASE ${c}` }]));
  return { preserve_sources_list: true, sources };
}

/** The services of `packages` that `family` starts by itself and the workload replaces (stopped and disabled first). */
export function familyPackageServices(family: GuestFamily, packages: readonly string[]): string[] {
  return [...new Set(packages.flatMap((p) => GUEST_FAMILY_TABLE[family].packageServices[p] ?? []))];
}

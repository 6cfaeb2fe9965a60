// The files of a catalog entry as read from its directory, and the units and scripts virtwork installs from them.

/** The files of one catalog entry directory, already read (the entry is checked without touching the disk). */
export interface CatalogSource {
  /** Entry name: the directory name, which becomes the workload name. */
  readonly name: string;
  /** Where the entry lives, used to prefix messages (e.g. `catalog/redis-bench`). */
  readonly location: string;
  /** Regular files directly in the entry directory: file name → content. */
  readonly files: ReadonlyMap<string, string>;
  /**
   * Names of sub-directories (not used; reported as warnings).
   * @default []
   */
  readonly directories?: readonly string[];
}

/** A file of an entry. */
export interface CatalogFile {
  /** File name in the entry directory (`server.service`, `run.sh`). */
  readonly file: string;
  /** Content, with `{{…}}` placeholders not yet substituted. */
  readonly content: string;
}

/** A systemd unit of an entry. */
export interface CatalogUnit extends CatalogFile {
  /** File name without `.service` (a role name in role-based entries). */
  readonly stem: string;
  /** Name it is installed under in `/etc/systemd/system`: `virtwork-<entry>-<stem>.service`, which no distribution unit uses. */
  readonly installName: string;
}

/** A script of an entry, installed executable and referenced from units as `{{script:<file>}}`. */
export interface CatalogScript extends CatalogFile {
  /** Path it is installed at: `/usr/local/bin/virtwork-<entry>-<file>`. */
  readonly installPath: string;
}

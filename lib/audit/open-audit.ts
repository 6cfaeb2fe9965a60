import type { AuditLogOptions } from './audit-log';
import { AuditLog, defaultAuditPath } from './audit-log';

/** The global options of `virtwork-apply` that choose the audit file (`--audit-db <file>`, `--no-audit`). */
export interface AuditCliOptions {
  /** `--audit-db <file>`. @default {@link defaultAuditPath} (which honours `VIRTWORK_AUDIT_DB`) */
  readonly auditDb?: string;
  /** `false` with `--no-audit`. @default true */
  readonly audit?: boolean;
}

/** Opens the audit log the global options select: disabled with `--no-audit`, else `--audit-db` or the default file. */
export function openAudit(opts: AuditCliOptions, options: AuditLogOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<AuditLog> {
  if (opts.audit === false) return Promise.resolve(AuditLog.disabled());
  return AuditLog.open(opts.auditDb ?? defaultAuditPath(env), options);
}

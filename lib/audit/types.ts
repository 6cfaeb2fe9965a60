/** What happened to the objects of one kind during an execution. */
export type ObjectAction = 'applied' | 'unchanged' | 'deleted' | 'failed';

/** The object actions, in display order. */
export const OBJECT_ACTIONS: readonly ObjectAction[] = ['applied', 'unchanged', 'deleted', 'failed'];

/** How an execution ended. */
export type RunOutcome = 'success' | 'failed' | 'cancelled' | 'aborted';

/** An execution's outcome as stored: `in_progress` until `finishRun` (or when the process died). */
export type StoredOutcome = RunOutcome | 'in_progress';

/** The start of one execution (one `apply`, one `cleanup`, …) passed to `AuditLog.startRun`. */
export interface RunStart {
  /** The run id the execution works on (the `virtwork/run-id` label). */
  readonly runId: string;
  /** The command, e.g. `apply` or `cleanup` (never the full argv: no flags that may carry secrets). */
  readonly command: string;
  /** The kubeconfig context name. @default none recorded */
  readonly context?: string;
  /** The namespace the execution worked in. */
  readonly namespace: string;
  /** The manifest directory applied. @default none recorded */
  readonly dir?: string;
}

/** Readiness of one VM at the end of an apply, passed to `AuditLog.recordVm`. */
export interface VmRecord {
  /** VirtualMachine name. */
  readonly name: string;
  /** Workload (the `app.kubernetes.io/component` label). @default none recorded */
  readonly workload?: string;
  /** Role of a multi-role workload (the `virtwork/role` label). @default none recorded */
  readonly role?: string;
  /** Whether the VMI reached Ready. */
  readonly ready: boolean;
  /** Seconds from the start of the wait to Ready. @default none recorded */
  readonly secondsToReady?: number;
  /** Last VMI phase seen. @default none recorded */
  readonly phase?: string;
  /** Why it is not ready (condition reason/message, timeout…). @default none recorded */
  readonly reason?: string;
}

/** Object totals of one execution, per action. */
export type ObjectTotals = Readonly<Record<ObjectAction, number>>;

/** One execution as listed by `virtwork-apply history`. */
export interface RunSummary {
  /** The run id. */
  readonly runId: string;
  /** The command (`apply`, `cleanup`, …). */
  readonly command: string;
  /** The kubeconfig context, when recorded. */
  readonly context?: string;
  /** The namespace. */
  readonly namespace: string;
  /** The manifest directory, when recorded. */
  readonly dir?: string;
  /** The outcome. */
  readonly outcome: StoredOutcome;
  /** The error text (credentials scrubbed), when the execution failed. */
  readonly error?: string;
  /** Start time, ISO 8601 UTC with milliseconds. */
  readonly startedAt: string;
  /** End time, ISO 8601 UTC with milliseconds; absent while in progress. */
  readonly finishedAt?: string;
  /** Wall time in seconds; absent while in progress. */
  readonly durationSeconds?: number;
  /** Object counts per action, summed over kinds. */
  readonly objects: ObjectTotals;
  /** VMs recorded. */
  readonly vmsTotal: number;
  /** VMs recorded as ready. */
  readonly vmsReady: number;
}

/** Count of objects of one kind for one action. */
export interface KindCount {
  /** Kubernetes kind, e.g. `VirtualMachine`. */
  readonly kind: string;
  /** What happened to them. */
  readonly action: ObjectAction;
  /** How many. */
  readonly count: number;
}

/** One execution with everything recorded about it. */
export interface ExecutionDetail extends RunSummary {
  /** Per-kind counts, sorted by kind then action. */
  readonly kinds: readonly KindCount[];
  /** Per-VM readiness, sorted by name. */
  readonly vms: readonly VmRecord[];
}

/** Every execution recorded for one run id, oldest first (apply, then cleanup…). */
export interface RunDetail {
  /** The run id. */
  readonly runId: string;
  /** The executions, oldest first. */
  readonly executions: readonly ExecutionDetail[];
}

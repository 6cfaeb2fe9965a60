import { Construct } from 'constructs';
import { ParamInput, defineParams, int, str } from '../core/params';
import { execLine, renderUnit } from '../guest/systemd-unit';
import { Workload, WorkloadProps } from './_workload';

/** Params of {@link MemoryWorkload}. */
export const MEMORY_PARAMS = defineParams({
  'memory-percent': int({ default: 80, min: 1, max: 95, description: 'Target memory usage percentage for stress-ng (--vm-bytes)' }),
  'vm-stressors': int({ default: 1, min: 1, max: 64, description: 'Number of VM stressor workers for stress-ng (--vm)' }),
  'vm-method': str({
    default: 'all',
    pattern: /^[a-z0-9][a-z0-9_-]{0,31}$/,
    allowed: 'a stress-ng VM method name (lowercase letters, digits, "-", "_"), e.g. all, flip, zero-one',
    description: 'Memory stressor method for stress-ng (--vm-method)',
  }),
});

/** Props of {@link MemoryWorkload}. */
export interface MemoryWorkloadProps extends WorkloadProps {
  /** Params; every key is optional (see MEMORY_PARAMS for defaults). */
  readonly params?: ParamInput<typeof MEMORY_PARAMS.defs>;
}

/** Holds a share of guest memory under constant stress-ng VM stressors (`virtwork-memory.service`). */
export class MemoryWorkload extends Workload {
  /** Workload name. */
  public static readonly workloadName = 'memory';
  /** Param definitions. */
  public static readonly params = MEMORY_PARAMS;

  public constructor(scope: Construct, id: string, props: MemoryWorkloadProps = {}) {
    super(scope, id, MemoryWorkload.workloadName, props);
    const p = MEMORY_PARAMS.resolve(props.params, `${MemoryWorkload.workloadName}.params`);
    const execStart = execLine([
      '/usr/bin/stress-ng', '--vm', String(p['vm-stressors']), '--vm-bytes', `${p['memory-percent']}%`,
      '--vm-method', p['vm-method'], '--timeout', '0',
    ]);
    this.addRole({
      packages: ['stress-ng'],
      units: [{
        name: 'virtwork-memory.service',
        content: renderUnit({
          description: 'Virtwork memory stress workload',
          after: ['network.target'],
          service: [['Type', 'simple'], ['ExecStart', execStart], ['Restart', 'always'], ['RestartSec', '10']],
        }),
      }],
    });
  }
}

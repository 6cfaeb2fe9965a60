import { Construct } from 'constructs';
import { ParamInput, defineParams, int, str } from '../core/params';
import { execLine, renderUnit } from '../guest/systemd-unit';
import { Workload, WorkloadProps } from './_workload';

/** Params of {@link CpuWorkload}. */
export const CPU_PARAMS = defineParams({
  'cpu-load-percent': int({ default: 100, min: 1, max: 100, description: 'Target CPU load percentage for stress-ng (--cpu-load)' }),
  'cpu-method': str({
    default: 'all',
    pattern: /^[a-z0-9][a-z0-9_-]{0,31}$/,
    allowed: 'a stress-ng CPU method name (lowercase letters, digits, "-", "_"), e.g. all, matrixprod, fft',
    description: 'CPU stressor method for stress-ng (--cpu-method)',
  }),
});

/** Props of {@link CpuWorkload}. */
export interface CpuWorkloadProps extends WorkloadProps {
  /** Params; every key is optional (see CPU_PARAMS for defaults). */
  readonly params?: ParamInput<typeof CPU_PARAMS.defs>;
}

/** Keeps every guest CPU busy with stress-ng (`virtwork-cpu.service`). */
export class CpuWorkload extends Workload {
  /** Workload name. */
  public static readonly workloadName = 'cpu';
  /** Param definitions. */
  public static readonly params = CPU_PARAMS;

  public constructor(scope: Construct, id: string, props: CpuWorkloadProps = {}) {
    super(scope, id, CpuWorkload.workloadName, props);
    const p = CPU_PARAMS.resolve(props.params, `${CpuWorkload.workloadName}.params`);
    const execStart = execLine([
      '/usr/bin/stress-ng', '--cpu', '0', '--cpu-load', String(p['cpu-load-percent']),
      '--cpu-method', p['cpu-method'], '--timeout', '0',
    ]);
    this.addRole({
      packages: ['stress-ng'],
      units: [{
        name: 'virtwork-cpu.service',
        content: renderUnit({
          description: 'Virtwork CPU stress workload',
          after: ['network.target'],
          service: [['Type', 'simple'], ['ExecStart', execStart], ['Restart', 'always'], ['RestartSec', '10']],
        }),
      }],
    });
  }
}

import { isVmiReady, vmRefOf } from '../../lib/cluster/wait';

describe('isVmiReady', () => {
  const vmi = (...conditions: Array<[string, string]>) => ({ status: { phase: 'Running', conditions: conditions.map(([type, status]) => ({ type, status })) } });

  it.each([
    ['Ready=True', vmi(['Ready', 'True']), 'ready', true],
    ['Ready=False', vmi(['Ready', 'False']), 'ready', false],
    ['no conditions (phase Running is not enough)', vmi(), 'ready', false],
    ['Ready=True without the agent, for guest-agent', vmi(['Ready', 'True']), 'guest-agent', false],
    ['Ready=True and AgentConnected=True, for guest-agent', vmi(['Ready', 'True'], ['AgentConnected', 'True']), 'guest-agent', true],
    ['AgentConnected=True but not Ready, for guest-agent', vmi(['Ready', 'False'], ['AgentConnected', 'True']), 'guest-agent', false],
  ] as const)('%s → %s', (_, obj, waitFor, ready) => {
    expect(isVmiReady(obj, waitFor)).toBe(ready);
  });
});

describe('vmRefOf', () => {
  it('takes the workload and role from the labels', () => {
    expect(vmRefOf({ metadata: { name: 'virtwork-tps-server-0', labels: { 'app.kubernetes.io/component': 'tps', 'virtwork/role': 'server' } } }))
      .toEqual({ name: 'virtwork-tps-server-0', workload: 'tps', role: 'server' });
  });
});

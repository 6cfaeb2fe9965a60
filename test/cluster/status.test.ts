import { formatAge } from '../../lib/cluster/status';

describe('formatAge', () => {
  it('shows ages as kubectl does', () => {
    expect([0, 119, 120, 7199, 7200, 172_799, 172_800].map(formatAge)).toEqual(['0s', '119s', '2m', '119m', '2h', '47h', '2d']);
  });
});

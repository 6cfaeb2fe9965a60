import { shellJoin } from '../../lib/guest/_shell';
import { execLine, renderUnit, systemdQuote } from '../../lib/guest/systemd-unit';
import { splitExecLine, systemdProblems } from '../support/validators';

const HOSTILE = ['$(reboot)', "'; rm -rf / #", 'a"b', '100%', '%h', '$HOME', 'x\\y', 'semi;colon', '`id`', ' spaced out '];

describe('systemd units', () => {
  it('renders sections in order with an [Install] section', () => {
    const unit = renderUnit({
      description: 'Test unit',
      after: ['network.target', 'local-fs.target'],
      wants: ['network-online.target'],
      service: [['Type', 'simple'], ['ExecStart', execLine(['/usr/bin/true'])]],
    });
    expect(unit).toBe(
      '[Unit]\nDescription=Test unit\nAfter=network.target local-fs.target\nWants=network-online.target\n\n' +
        '[Service]\nType=simple\nExecStart=/usr/bin/true\n\n[Install]\nWantedBy=multi-user.target\n',
    );
    expect(systemdProblems({ 'virtwork-test.service': unit })).toEqual([]);
  });

  it.each(HOSTILE)('passes the hostile argument %j through ExecStart verbatim', (value) => {
    const line = execLine(['/usr/bin/printf', '%s', value]);
    expect(splitExecLine(line)).toEqual(['/usr/bin/printf', '%s', value]);
  });

  it.each(HOSTILE)('keeps the hostile value %j literal inside a bash -c script', (value) => {
    // GIVEN a script that embeds the value shell-quoted, WHEN systemd and then bash parse it
    const argv = splitExecLine(execLine(['/bin/bash', '-c', `printf %s ${shellJoin([value])}`]));
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    // THEN bash prints exactly the value: nothing was expanded or executed
    expect(execFileSync(argv[0], argv.slice(1), { encoding: 'utf8' })).toBe(value);
  });

  it('fails when a value spans lines', () => {
    expect(() => systemdQuote('a\nExecStartPre=/bin/evil')).toThrow('a systemd command argument must be one line, got "a\\nExecStartPre=/bin/evil"');
    expect(() => renderUnit({ description: 'x\n[Service]', service: [] })).toThrow('systemd Description= must be one line');
  });
});

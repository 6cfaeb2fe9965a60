import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEALTH_PATH, RESPONDER_UNIT, heartbeatHelper, responderConfig, responderScript, responderUnit } from '../../lib/guest/health-responder';
import { shellcheckProblems, systemdProblems } from '../support/validators';

// The real responder (python3 http.server) and the real heartbeat helper (bash), run on this machine.
describe('health responder and heartbeat helper, run for real', () => {
  let dir: string;
  let child: ChildProcess;
  let port: number;
  let listener: Server;
  let listenPort: number;
  const listenPortOf = () => listenPort;
  const uptime = () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const beat = (name: string, ...note: string[]) =>
    spawnSync('bash', [join(dir, 'virtwork-heartbeat'), name, ...note], { encoding: 'utf8', env: { ...process.env, VIRTWORK_HEARTBEAT_DIR: join(dir, 'hb') } });
  const ask = async (path = HEALTH_PATH) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: r.status, body: await r.text() };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'virtwork-health-'));
    spawnSync('mkdir', ['-p', join(dir, 'hb')]);
    writeFileSync(join(dir, 'virtwork-heartbeat'), heartbeatHelper().content);
    writeFileSync(join(dir, 'responder.py'), responderScript().content);
    listener = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => listener.once('listening', r));
    listenPort = (listener.address() as AddressInfo).port;
    writeFileSync(join(dir, 'readiness.json'), responderConfig('test', [
      { kind: 'heartbeat', name: 'virtwork-network.service', within: 60, what: 'iperf3 transfer to the server' },
      { kind: 'listen', name: 'iperf3-server', port: listenPort },
      { kind: 'done', name: 'matrix', file: join(dir, 'done'), what: 'fio matrix' },
      { kind: 'unit', name: 'cpu', unit: 'virtwork-cpu.service' },
    ], join(dir, 'hb')));
    // a stand-in systemctl (systemd is not PID 1 here; the guest tier asks the real one): the state of the unit
    // named in $dir/unit-state, as `systemctl show --property=ActiveState,SubState -- UNIT` prints it
    spawnSync('mkdir', ['-p', join(dir, 'bin')]);
    writeFileSync(join(dir, 'unit-state'), 'active running');
    writeFileSync(join(dir, 'bin', 'systemctl'), [
      '#!/bin/bash',
      '[ "$1 $2 $3 $4" = "show --property=ActiveState,SubState -- virtwork-cpu.service" ] || { echo "unexpected: $*" >&2; exit 1; }',
      `read -r a s < ${JSON.stringify(join(dir, 'unit-state'))}`,
      'printf "ActiveState=%s\\nSubState=%s\\n" "$a" "$s"',
      '',
    ].join('\n'), { mode: 0o755 });
    const free = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => free.once('listening', r));
    port = (free.address() as AddressInfo).port;
    await new Promise((r) => free.close(r));
    child = spawn('python3', [join(dir, 'responder.py'), '--config', join(dir, 'readiness.json'), '--port', String(port), '--bind', '127.0.0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` },
    });
    for (let i = 0; i < 100; i++) {
      try { await ask(); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await new Promise((r) => listener.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with every reason while a heartbeat is missing and the job is not done', async () => {
    const r = await ask();
    expect(r.status).toBe(503);
    expect(r.body.split('\n')).toEqual([
      'not ready', 'virtwork-network.service: no iperf3 transfer to the server yet', 'matrix: fio matrix not finished yet', '',
    ]);
  });

  it('answers 200 once the heartbeat is fresh, the port listens and the job is done', async () => {
    expect(beat('virtwork-network.service', '4', 'streams', 'ok').status).toBe(0);
    writeFileSync(join(dir, 'done'), 'x');
    expect(await ask()).toEqual({ status: 200, body: 'ready\n' });
  });

  it('answers 503 again when the heartbeat goes stale, saying how old it is and the last note', async () => {
    // 1000.5 s old: with exactly 1000, the responder's float subtraction can give 999.99999… (printed as 999s)
    writeFileSync(join(dir, 'hb', 'virtwork-network.service'), `${(uptime() - 1000.5).toFixed(2)} last ok run\n`);
    const r = await ask();
    expect(r.status).toBe(503);
    expect(r.body).toMatch(/^virtwork-network.service: last iperf3 transfer to the server 100\ds ago, more than 60s \(last: last ok run\)$/m);
  });

  it('answers 503 when nothing listens on the port any more', async () => {
    beat('virtwork-network.service');
    await new Promise((r) => listener.close(r));
    listener = createServer();
    const r = await ask();
    expect(r.status).toBe(503);
    expect(r.body).toMatch(/^iperf3-server: nothing listens on TCP port \d+$/m);
  });

  it('answers 503 while a unit check\'s unit is not active, naming its state', async () => {
    beat('virtwork-network.service');
    listener = createServer().listen(listenPortOf(), '127.0.0.1');
    await new Promise((r) => listener.once('listening', r));
    expect((await ask()).status).toBe(200);
    writeFileSync(join(dir, 'unit-state'), 'activating auto-restart');
    const r = await ask();
    expect(r.status).toBe(503);
    expect(r.body.split('\n').slice(1)).toEqual(['cpu: unit virtwork-cpu.service is activating/auto-restart', '']);
    writeFileSync(join(dir, 'unit-state'), 'active running');
  });

  it('answers 404 on any other path', async () => {
    expect((await ask('/')).status).toBe(404);
  });

  it('fails when a heartbeat name could leave the heartbeat directory', () => {
    expect(beat('../etc/passwd').status).toBe(2);
    expect(() => responderConfig('vm', [{ kind: 'heartbeat', name: '../x', within: 5, what: 'x' }])).toThrow(
      `vm: readiness check name "../x" must be 1 to 100 letters, digits, '@', '.', '_' or '-'`,
    );
  });

  it('ships a helper that shellcheck accepts and a unit that systemd-analyze verify accepts', () => {
    expect(shellcheckProblems(heartbeatHelper().content)).toEqual([]);
    expect(systemdProblems({ [RESPONDER_UNIT]: responderUnit() })).toEqual([]);
  });
});

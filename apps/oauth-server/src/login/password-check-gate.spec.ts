import { PasswordCheckGate, PasswordChecksBusyError } from './password-check-gate';

/** A check that finishes when the test says so. */
function deferred(): { promise: Promise<string>; finish: (value: string) => void } {
  let finish!: (value: string) => void;
  const promise = new Promise<string>((resolve) => (finish = resolve));
  return { promise, finish };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PasswordCheckGate (docs/security.md, "Password-check flood")', () => {
  it('runs at most `concurrency` checks of one source at once and refuses at once past maxPending', async () => {
    const gate = new PasswordCheckGate(1, 2);
    const first = deferred();
    const running = gate.run('a', () => first.promise);
    const queued = gate.run('a', async () => 'a2');
    await expect(gate.run('a', async () => 'a3')).rejects.toBeInstanceOf(PasswordChecksBusyError);
    expect(gate.stats()).toEqual({ running: 1, queued: 1 });
    first.finish('a');
    await expect(running).resolves.toBe('a');
    await expect(queued).resolves.toBe('a2');
    expect(gate.stats()).toEqual({ running: 0, queued: 0 });
  });

  it("a source's first check starts at once on the reserved slot while a flood's checks hold every regular slot", async () => {
    const gate = new PasswordCheckGate(1, 10);
    const flood = deferred();
    const floodRunning = gate.run('attacker', () => flood.promise);
    const floodQueued = gate.run('attacker', async () => 'r');
    const user = gate.run('user', async () => 'user');
    await expect(Promise.race([user, tick().then(() => 'still waiting')])).resolves.toBe('user');
    // The reserved slot is for first checks only: the queued repeat still waits for the regular slot.
    expect(gate.stats()).toEqual({ running: 1, queued: 1 });
    flood.finish('x');
    await expect(Promise.all([floodRunning, floodQueued])).resolves.toEqual(['x', 'r']);
  });

  it('a source with nothing pending goes ahead of the queued checks of a source that already has one', async () => {
    const gate = new PasswordCheckGate(1, 10);
    const order: string[] = [];
    const first = deferred();
    const flood = [gate.run('attacker', () => first.promise)];
    for (let i = 0; i < 5; i += 1) flood.push(gate.run('attacker', async () => (order.push(`attacker ${i}`), 'x')));
    const user = gate.run('user', async () => (order.push('user'), 'user'));
    first.finish('x');
    await Promise.all([...flood, user]);
    expect(order[0]).toBe('user');
  });

  it('when full, a first check from a new source displaces the newest queued repeat check, which is refused', async () => {
    const gate = new PasswordCheckGate(1, 3);
    const first = deferred();
    const running = gate.run('attacker', () => first.promise);
    const repeat1 = gate.run('attacker', async () => 'r1');
    const repeat2 = gate.run('attacker', async () => 'r2');
    const user = gate.run('user', async () => 'user');
    await expect(repeat2).rejects.toBeInstanceOf(PasswordChecksBusyError);
    await tick();
    first.finish('x');
    await expect(user).resolves.toBe('user');
    await expect(Promise.all([running, repeat1])).resolves.toEqual(['x', 'r1']);
  });

  it('Retry-After is at least one second', async () => {
    const gate = new PasswordCheckGate(1, 1);
    const first = deferred();
    const running = gate.run('a', () => first.promise);
    const refused = await gate.run('a', async () => 'no').catch((error: PasswordChecksBusyError) => error);
    expect((refused as PasswordChecksBusyError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    first.finish('a');
    await running;
  });
});

describe('PasswordCheckGate.refusalFor: the decision before any other work', () => {
  it('admits while there is room, refuses a repeat source when full, admits a new source while a repeat check can be displaced', async () => {
    const gate = new PasswordCheckGate(1, 2);
    expect(gate.refusalFor('attacker')).toBeUndefined();
    const first = deferred();
    const running = gate.run('attacker', () => first.promise);
    const queued = gate.run('attacker', async () => 'r');
    expect(gate.refusalFor('attacker')).toBeInstanceOf(PasswordChecksBusyError);
    expect(gate.refusalFor('user')).toBeUndefined();
    first.finish('x');
    await Promise.all([running, queued]);
    expect(gate.refusalFor('attacker')).toBeUndefined();
  });
});

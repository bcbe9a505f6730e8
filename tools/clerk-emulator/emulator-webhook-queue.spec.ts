import { describe, expect, it } from '@jest/globals';
import { WebhookQueue, type AttemptOutcome, type Transport } from './emulator-webhook-queue.js';

/** An endpoint that answers from a script (then 200), recording what it received. */
function endpoint(script: AttemptOutcome[] = []) {
  const received: { svixId: string; body: string }[] = [];
  const transport: Transport = ({ svixId, body }) => {
    received.push({ svixId, body });
    return Promise.resolve(script.shift() ?? { status: 200 });
  };
  return { received, transport };
}

function send(queue: WebhookQueue, ...names: string[]) {
  for (const name of names) queue.enqueue({ svixId: `msg_${name}`, type: 'user.updated', clerkUserId: `user_${name}` }, name);
}

describe('WebhookQueue', () => {
  it('delivers events one at a time in the order they occurred', async () => {
    const { received, transport } = endpoint();
    const queue = new WebhookQueue(transport, () => [0]);
    send(queue, 'a', 'b', 'c');
    await queue.idle(5000);
    expect(received.map((r) => r.body)).toEqual(['a', 'b', 'c']);
    expect(queue.deliveries().map((d) => [d.svixId, d.status, d.attempts, d.lastStatus])).toEqual([
      ['msg_a', 'delivered', 1, 200],
      ['msg_b', 'delivered', 1, 200],
      ['msg_c', 'delivered', 1, 200],
    ]);
  });

  it('retries a failed attempt with the same svix-id until it is delivered', async () => {
    const { received, transport } = endpoint([{ status: 500 }, { error: 'ECONNREFUSED' }]);
    const queue = new WebhookQueue(transport, () => [1, 1, 1]);
    send(queue, 'a');
    await queue.idle(5000);
    expect(received.map((r) => r.svixId)).toEqual(['msg_a', 'msg_a', 'msg_a']);
    expect(queue.deliveries()[0]).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200, lastError: null });
  });

  it('gives up after the last delay of the schedule', async () => {
    const { received, transport } = endpoint([{ status: 500 }, { status: 503 }, { status: 400 }]);
    const queue = new WebhookQueue(transport, () => [1, 1]);
    send(queue, 'a');
    await queue.idle(5000);
    expect(received).toHaveLength(3);
    expect(queue.deliveries()[0]).toMatchObject({ status: 'failed', attempts: 3, lastStatus: 400 });
  });

  it('holds later events back behind one waiting for its retry', async () => {
    const { received, transport } = endpoint([{ status: 500 }]);
    const queue = new WebhookQueue(transport, () => [1]);
    send(queue, 'a', 'b');
    await queue.idle(5000);
    expect(received.map((r) => r.body)).toEqual(['a', 'a', 'b']);
  });

  it('lets later events go ahead of one waiting for its retry when ordering is independent', async () => {
    const { received, transport } = endpoint([{ status: 500 }]);
    const queue = new WebhookQueue(
      transport,
      () => [50],
      () => 'independent',
    );
    send(queue, 'a', 'b');
    await queue.idle(5000);
    expect(received.map((r) => r.body)).toEqual(['a', 'b', 'a']);
  });

  it('delivers a duplicated event twice under one svix-id', async () => {
    const { received, transport } = endpoint();
    const queue = new WebhookQueue(transport, () => []);
    queue.injectFault('duplicate', 1);
    send(queue, 'a', 'b');
    await queue.idle(5000);
    expect(received.map((r) => r.svixId)).toEqual(['msg_a', 'msg_a', 'msg_b']);
    expect(queue.deliveries()[0]).toMatchObject({ status: 'delivered', attempts: 2, copies: 2 });
  });

  it('sends a reordered event after the one that follows it', async () => {
    const { received, transport } = endpoint();
    const queue = new WebhookQueue(transport, () => []);
    queue.injectFault('reorder', 1);
    send(queue, 'a', 'b', 'c');
    await queue.idle(5000);
    expect(received.map((r) => r.body)).toEqual(['b', 'a', 'c']);
  });

  it('sends each of two reordered events after its follower', async () => {
    const { received, transport } = endpoint();
    const queue = new WebhookQueue(transport, () => []);
    queue.injectFault('reorder', 2);
    send(queue, 'a', 'b', 'c');
    await queue.idle(5000);
    expect(received.map((r) => r.body)).toEqual(['c', 'b', 'a']);
  });

  it('releases a held event when waited for with nothing to follow it', async () => {
    const { received, transport } = endpoint();
    const queue = new WebhookQueue(transport, () => []);
    queue.injectFault('reorder', 1);
    send(queue, 'a');
    expect(queue.deliveries()[0].status).toBe('pending');
    await queue.idle(5000);
    expect(received.map((r) => r.body)).toEqual(['a']);
  });

  it('never sends a dropped event', async () => {
    const { received, transport } = endpoint();
    const queue = new WebhookQueue(transport, () => []);
    queue.injectFault('drop', 1);
    send(queue, 'a', 'b');
    await queue.idle(5000);
    expect(received.map((r) => r.body)).toEqual(['b']);
    expect(queue.deliveries().map((d) => [d.svixId, d.status, d.attempts])).toEqual([
      ['msg_a', 'dropped', 0],
      ['msg_b', 'delivered', 1],
    ]);
  });

  it('rejects a wait that outlasts its timeout', async () => {
    const queue = new WebhookQueue(
      () => Promise.resolve({ status: 500 }),
      () => [60_000],
    );
    send(queue, 'a');
    await expect(queue.idle(20)).rejects.toThrow(/still pending after 20 ms: 1/);
    queue.stop();
  });

  it('forgets deliveries and faults on reset, and tells waiters when stopped', async () => {
    const queue = new WebhookQueue(
      () => Promise.resolve({ status: 500 }),
      () => [60_000],
    );
    queue.injectFault('drop', 2);
    send(queue, 'a');
    queue.reset();
    expect(queue.deliveries()).toEqual([]);
    send(queue, 'b');
    expect(queue.deliveries()[0].status).toBe('pending');
    const waiting = queue.idle(60_000);
    queue.stop();
    await expect(waiting).rejects.toThrow(/stopped/);
  });
});

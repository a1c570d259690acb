import { createServer } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ephemeralLow, freePort } from '../test-support/wait.js';

test('freePort hands out 200 ports, no two alike, each bindable on 127.0.0.1 and below the kernel’s ephemeral range', async () => {
  const ports: number[] = [];
  for (let i = 0; i < 200; i++) ports.push(await freePort());
  assert.is(new Set(ports).size, 200);
  assert.ok(
    ports.every((p) => p >= 10_000 && p < ephemeralLow()),
    `a port at or above ${ephemeralLow()}: ${ports.filter((p) => p >= ephemeralLow())}`,
  );
  const s = createServer();
  await new Promise<void>((r) => s.listen(ports[199], '127.0.0.1', r));
  await new Promise((r) => s.close(r));
});

test.run();

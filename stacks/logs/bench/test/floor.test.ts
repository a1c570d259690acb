import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type FloorReading, floorMarkdown, summarizeFloor } from '../floor.js';

const test = suite('bench:logs-floor report');

const readings: FloorReading[] = [
  { id: 'bun-idle', round: 1, rssMib: 23, anonMib: 2 },
  { id: 'bun-idle', round: 2, rssMib: 24, anonMib: 2 },
  { id: 'floor', round: 1, rssMib: 40, anonMib: 8, mibPerSecond: 2000 },
  { id: 'floor', round: 2, rssMib: 44, anonMib: 10, mibPerSecond: 2200 },
  { id: 'shipper', round: 1, rssMib: 70, anonMib: 30, mibPerSecond: 30 },
  { id: 'shipper', round: 2, rssMib: 74, anonMib: 34, mibPerSecond: 32 },
];

test('each row is the median of its rounds, in the order of the table; throughput only where a file was sent', () => {
  const rows = summarizeFloor(readings);
  assert.equal(
    rows.map((r) => r.id),
    ['bun-idle', 'floor', 'shipper'],
    'a row with no reading is left out',
  );
  assert.equal(
    rows.map((r) => [r.rss.median, r.anon.median, r.mibPerSecond?.median]),
    [
      [23.5, 2, undefined],
      [42, 9, 2100],
      [72, 32, 31],
    ],
  );
});

test('the report says what log-shipper holds over the floor, and how far over or under the goal it is', () => {
  const md = floorMarkdown(summarizeFloor(readings));
  assert.is(md.length, 2 + 3 + 2);
  assert.is(
    md[3],
    '| a bare Bun reading the file into one 256 KiB buffer and writing it to a TCP socket, at full speed | 42.0 (40.0–44.0) | 9.0 (8.0–10.0) | 2100.0 (2000.0–2200.0) |',
  );
  assert.is(
    md.at(-1),
    'At full speed log-shipper holds 30.0 MiB more than the floor (23.0 MiB of it anonymous), medians. The goal of 64 MiB is 22.0 MiB over the floor; log-shipper is 8.0 MiB over the goal.',
  );
  assert.match(floorMarkdown(summarizeFloor(readings), 80).at(-1)!, /log-shipper is 8\.0 MiB under the goal\.$/);
});

test('without both full-speed rows there is no comparison line', () => {
  const md = floorMarkdown(summarizeFloor(readings.filter((r) => r.id !== 'floor')));
  assert.is(md.length, 4);
});

test.run();

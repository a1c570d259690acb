// Finding what the stacks provide, by convention and from the build this code runs in (DIST):
//   stacks/<name>/scenario.ts   default-exports the stack's Scenario;
//   stacks/<name>/soak.ts       (optional) default-exports the stack's Soak (npm run soak);
//   stacks/<name>/exercises.ts  (optional) default-exports the lesson's Exercise list (npm run exercise);
//   stacks/<name>/breaks.ts     (optional) default-exports its break-it exercises, Break[] (test --break NAME);
//   stacks/<name>/attached.ts   (optional) default-exports AttachedChecks: the checks a stack adds
//                               to ANY stack a sidecar is attached to with `--with SIDECAR`.
// The runner imports stacks only here, and only by these file names (never a static import).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Placed, Placement } from './attach.js';
import type { Break, Exercise } from './exercise/types.js';
import type { Check } from './check.js';
import { DIST, ROOT } from './config.js';
import type { Scenario, Soak, StackContext } from './stack-types.js';

/** Per sidecar name: the checks to run when it is attached, given where it was placed. */
export type AttachedChecks = Record<string, (at: Placement) => Check<StackContext>[]>;

const has = (stack: string, file: string) => existsSync(join(ROOT, 'stacks', stack, file));
const load = async (stack: string, file: string) =>
  (await import(pathToFileURL(join(DIST, 'stacks', stack, file)).href)).default as unknown;

export function stackNames(): string[] {
  return readdirSync(join(ROOT, 'stacks'))
    .filter((n) => has(n, 'scenario.ts'))
    .sort();
}

export async function loadScenario(stack: string): Promise<Scenario> {
  if (!stackNames().includes(stack)) throw new Error(`unknown stack "${stack}": choose one of ${stackNames().join(', ')}`);
  return (await load(stack, 'scenario.js')) as Scenario;
}

/** The stacks with a soak (stacks/<name>/soak.ts). */
export const soakNames = (): string[] => stackNames().filter((n) => has(n, 'soak.ts'));

export async function loadSoak(stack: string): Promise<Soak> {
  if (!soakNames().includes(stack)) throw new Error(`no soak for "${stack}": choose one of ${soakNames().join(', ')}`);
  return (await load(stack, 'soak.js')) as Soak;
}

/** The stacks whose lesson declares its exercises (stacks/<name>/exercises.ts). */
export const exerciseStacks = (): string[] => stackNames().filter((n) => has(n, 'exercises.ts'));

export async function loadExercises(stack: string): Promise<Exercise[]> {
  if (!exerciseStacks().includes(stack))
    throw new Error(`no exercises declared for "${stack}": choose one of ${exerciseStacks().join(', ')}`);
  return (await load(stack, 'exercises.js')) as Exercise[];
}

/** The stacks that declare break-it exercises (stacks/<name>/breaks.ts). */
export const breakStacks = (): string[] => stackNames().filter((n) => has(n, 'breaks.ts'));

/** A stack's breaks; none when it declares none. */
export async function loadBreaks(stack: string): Promise<Break[]> {
  return breakStacks().includes(stack) ? ((await load(stack, 'breaks.js')) as Break[]) : [];
}

/** The checks every stack's attached.ts provides for the sidecars placed in a run. */
export async function attachedChecks(placed: Placed[]): Promise<Check<StackContext>[]> {
  if (!placed.length) return [];
  const plugins = await Promise.all(
    readdirSync(join(ROOT, 'stacks'))
      .filter((n) => has(n, 'attached.ts'))
      .map((n) => load(n, 'attached.js')),
  );
  return placed.flatMap(({ a, at }) => (plugins as AttachedChecks[]).flatMap((p) => p[a.name]?.(at) ?? []));
}

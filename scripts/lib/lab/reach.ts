// How the lab reaches a port of a container in a pod from the host: the port published on the pod's owner
// when it is (that works wherever the engine runs), else the owner's address on its Compose network (a Linux
// host reaches it). And one bounded GET: a deadline for everything, connect to last byte, a cap on the
// answer, no redirect; each failure is one line that names `who` answered.
import type { Inspect } from './engine.js';

/** http://host:port for `port` of the pod `owner` heads, or undefined when the lab cannot reach it. */
export function hostBase(owner: Inspect, port: number): string | undefined {
  const published = owner.NetworkSettings.Ports?.[`${port}/tcp`]?.[0];
  if (published)
    return `http://${!published.HostIp || published.HostIp === '0.0.0.0' ? '127.0.0.1' : published.HostIp}:${published.HostPort}`;
  const ip = Object.values(owner.NetworkSettings.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
  return ip ? `http://${ip}:${port}` : undefined;
}

/** GET `url`'s body as text within `deadlineMs`, at most `max` characters. Rejects with a one-line reason. */
export async function getText(
  url: string,
  o: { who: string; token?: string; deadlineMs: number; max: number; why?: (status: number) => string },
): Promise<string> {
  const signal = AbortSignal.timeout(o.deadlineMs);
  let text = '';
  try {
    const res = await fetch(url, { headers: o.token ? { authorization: `Bearer ${o.token}` } : {}, signal, redirect: 'error' });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`${o.who} answered ${res.status}${o.why?.(res.status) ?? ''}`);
    }
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      text += r.value;
      if (text.length > o.max) {
        await reader.cancel();
        throw new Error(`${o.who}'s answer is larger than ${o.max} bytes`);
      }
    }
  } catch (e) {
    if (signal.aborted) throw new Error(`${o.who} did not answer within ${o.deadlineMs} ms`);
    throw new Error(String((e as Error).cause ?? (e as Error).message).split('\n')[0]);
  }
  return text;
}

# Check 5's reader, run inside pod-hup (its network and PID namespaces, the shared config volume
# read-only). It reads /config/config.json as fast as it can and counts the reads that are not a
# whole JSON document. As a positive control it also reads a file that a thread rewrites in place
# (truncate, then 4 KB at a time): that one must show partial reads, or this reader could not see
# them at all. It stops once it has seen enough (MIN_READS reads of the shared file across
# MIN_VERSIONS versions, and a partial read of the other), or at LIMIT seconds, a bound only a hang
# reaches: a slow machine reads for longer, never less. Prints one JSON line of counts.
import json, sys, threading, time

LIMIT, MIN_READS, MIN_VERSIONS = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
SHARED, NAIVE = "/config/config.json", "/tmp/naive.json"
stop = False


def naive_writer():
    i = 0
    while not stop:
        body = json.dumps({"version": "naive-%d" % i, "padding": "x" * 60000}).encode()
        with open(NAIVE, "wb") as f:
            for k in range(0, len(body), 4096):
                f.write(body[k:k + 4096])
                f.flush()
                time.sleep(0.0002)
        i += 1


def read(path, stats):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return
    stats["reads"] += 1
    try:
        stats["versions"].add(json.loads(raw)["version"])
    except Exception:
        stats["partial"] += 1


shared = {"reads": 0, "partial": 0, "versions": set()}
naive = {"reads": 0, "partial": 0, "versions": set()}
t = threading.Thread(target=naive_writer, daemon=True)
t.start()
print("reading", flush=True)  # the check starts writing once it sees this line
end = time.time() + LIMIT
enough = lambda: shared["reads"] >= MIN_READS and len(shared["versions"]) >= MIN_VERSIONS and naive["partial"] > 0
while time.time() < end and not enough():
    read(SHARED, shared)
    read(NAIVE, naive)
stop = True
out = {name: {"reads": s["reads"], "partial": s["partial"], "versions": len(s["versions"])} for name, s in (("shared", shared), ("naive", naive))}
print(json.dumps(out), flush=True)

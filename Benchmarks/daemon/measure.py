#!/usr/bin/env python3
"""Measures `scrape daemon` (release build) on loopback, as issue 8 asks:

  1. RSS right after start (READY=1);
  2. reload latency: SIGHUP -> READY=1 on the notify socket (median of 10);
  3. soak: a job every 10 s against a loopback server for SOAK_SECONDS (default 1800),
     sampling RSS and open file descriptors every minute: they must not grow;
  4. drain: SIGTERM with 200 slow transfers in flight: time to exit, exit status,
     records written; once where transfers finish inside the drain timeout and once
     where they do not (cancelled at the deadline, redone on the next start).

Usage: measure.py PATH/TO/scrape [SOAK_SECONDS]
"""
import asyncio, json, os, signal, socket, statistics, subprocess, sys, tempfile, threading, time

BINARY = sys.argv[1]
SOAK = int(sys.argv[2]) if len(sys.argv) > 2 else 1800


class SlowServer(threading.Thread):
    """HTTP/1.1 keep-alive server: /page/N is a small titled page, /slow/MS waits MS ms."""

    def __init__(self):
        super().__init__(daemon=True)
        self.port = None
        self.inflight = 0
        self.requests = 0
        self.ready = threading.Event()

    def run(self):
        asyncio.run(self.main())

    async def main(self):
        server = await asyncio.start_server(self.handle, "127.0.0.1", 0, backlog=1024)
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        async with server:
            await server.serve_forever()

    async def handle(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                self.requests += 1
                if path.startswith("/slow/"):
                    self.inflight += 1
                    try:
                        await asyncio.sleep(int(path.split("/")[2].split("?")[0]) / 1000)
                    finally:
                        self.inflight -= 1
                body = f"<!doctype html><title>Page {path}</title><p>{'x' * 2000}</p>".encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
                await writer.drain()
        except Exception:
            writer.close()


class Daemon:
    def __init__(self, folder, config):
        self.folder = folder
        self.notify_path = os.path.join(folder, "notify")
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.notify_path)
        self.notify.setblocking(False)
        with open(os.path.join(folder, "scrape.yaml"), "w") as f:
            f.write(config)
        self.messages = []

    def start(self, extra_env=None):
        env = dict(os.environ, NOTIFY_SOCKET=self.notify_path, **(extra_env or {}))
        self.log = open(os.path.join(self.folder, "daemon.log"), "a")
        self.process = subprocess.Popen([BINARY, "daemon", "--config", os.path.join(self.folder, "scrape.yaml")],
                                        env=env, stdout=self.log, stderr=self.log)
        self.wait_for("READY=1", 30)

    def poll(self):
        while True:
            try:
                self.messages.append((time.monotonic(), self.notify.recv(4096).decode()))
            except BlockingIOError:
                return

    def wait_for(self, text, timeout, since=0.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll()
            for at, message in self.messages:
                if at >= since and text in message:
                    return at
            time.sleep(0.0005)
        raise RuntimeError(f"no {text} within {timeout}s; log: {open(self.log.name).read()[-2000:]}")

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024

    def fds(self):
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def stop(self, sig=signal.SIGTERM, timeout=60):
        start = time.monotonic()
        self.process.send_signal(sig)
        code = self.process.wait(timeout)
        return code, time.monotonic() - start


def config(state, jobs, http="robots_txt: ignore, retries: 0", drain="20s"):
    return f"http: {{{http}}}\njobs:\n{jobs}\ndaemon:\n  listen: 127.0.0.1:0\n  state_dir: {state}\n  drain_timeout: {drain}\n"


def lines(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def main():
    server = SlowServer()
    server.start()
    server.ready.wait()
    base = f"http://127.0.0.1:{server.port}"
    work = tempfile.mkdtemp(prefix="scrape-daemon-bench-")
    rows = []

    # 1-3: start, reload, soak.
    urls = os.path.join(work, "urls.txt")
    with open(urls, "w") as f:
        f.write("".join(f"{base}/page/{n}\n" for n in range(20)))
    folder = os.path.join(work, "soak")
    os.makedirs(folder)
    job = f"  - name: tick\n    scrape: {{urls_file: {urls}}}\n    every: 10s\n    at_start: true\n"
    daemon = Daemon(folder, config(os.path.join(folder, "state"), job))
    daemon.start()
    time.sleep(1)
    rows.append(("RSS 1 s after READY=1", f"{daemon.rss_mb():.1f} MB"))
    rows.append(("open file descriptors after start", str(daemon.fds())))
    reloads = []
    for _ in range(10):
        sent = time.monotonic()
        daemon.process.send_signal(signal.SIGHUP)
        reloads.append(daemon.wait_for("READY=1", 10, since=sent) - sent)
        time.sleep(0.2)
    rows.append(("reload latency, SIGHUP to READY=1 (median of 10)", f"{statistics.median(reloads) * 1000:.1f} ms"))
    samples = []
    started = time.monotonic()
    while time.monotonic() - started < SOAK:
        # Read the notify socket as systemd would: an unread queue fills after
        # net.unix.max_dgram_qlen (10) messages, and the daemon then drops its STATUS lines.
        sample_at = time.monotonic() + min(60, SOAK)
        while time.monotonic() < sample_at:
            daemon.poll()
            time.sleep(0.1)
        samples.append((round((time.monotonic() - started) / 60, 1), daemon.rss_mb(), daemon.fds()))
        print(f"  soak {samples[-1][0]:5.1f} min: RSS {samples[-1][1]:.1f} MB, fds {samples[-1][2]}", flush=True)
    records = len(lines(os.path.join(folder, "state", "tick.jsonl")))
    code, _ = daemon.stop()
    first, last = samples[0], samples[-1]
    rows.append((f"soak {SOAK // 60} min, job every 10 s ({records} records)",
                 f"RSS {first[1]:.1f} -> {last[1]:.1f} MB (max {max(s[1] for s in samples):.1f}); "
                 f"fds {first[2]} -> {last[2]} (max {max(s[2] for s in samples)}); exit {code}"))

    # 4: drain with 200 slow transfers in flight.
    for label, milliseconds, drain in (("finish inside the drain", 3000, "20s"), ("cut at the drain timeout", 60000, "5s")):
        folder = os.path.join(work, f"drain-{milliseconds}")
        os.makedirs(folder)
        slow = os.path.join(folder, "slow.txt")
        with open(slow, "w") as f:
            f.write("".join(f"{base}/slow/{milliseconds}?n={n}\n" for n in range(200)))
        job = f"  - name: slow\n    scrape: {{urls_file: {slow}}}\n    every: 1h\n    at_start: true\n"
        daemon = Daemon(folder, config(os.path.join(folder, "state"), job,
                                       http="robots_txt: ignore, retries: 0, concurrency: 200, per_host_concurrency: 200, timeout: 2m",
                                       drain=drain))
        daemon.start()
        deadline = time.monotonic() + 30
        while server.inflight < 200 and time.monotonic() < deadline:
            time.sleep(0.01)
        inflight = server.inflight
        time.sleep(0.5)
        code, took = daemon.stop()
        output = os.path.join(folder, "state", "slow.jsonl")
        written = len(lines(output))
        # The next start resumes the run: every URL ends with exactly one record.
        daemon.start()
        deadline = time.monotonic() + 120
        while len(lines(output)) < 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        urls_recorded = [r["url"] for r in lines(output)]
        daemon.stop(signal.SIGKILL)
        rows.append((f"SIGTERM with {inflight} slow transfers in flight ({milliseconds} ms each, drain_timeout {drain}): {label}",
                     f"exit {code} after {took:.2f} s; {written} records, then {len(urls_recorded)} after restart, "
                     f"{len(set(urls_recorded))} distinct"))

    print("\n| measure | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()

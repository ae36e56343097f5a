"""An agent that uses only Python's standard library (urllib) to call the OpenAI API.

It knows nothing about IronRuntime: it reads OPENAI_BASE_URL and OPENAI_API_KEY like any OpenAI client.
The first argument picks what it does (see the functions below); every result is one printed line.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request


def request(stream=False, max_tokens=20):
    body = {
        "model": "gpt-4o-mini",
        "max_tokens": max_tokens,
        "stream": stream,
        "messages": [{"role": "user", "content": "Say hello."}],
    }
    return urllib.request.Request(
        os.environ["OPENAI_BASE_URL"].rstrip("/") + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + os.environ["OPENAI_API_KEY"], "Content-Type": "application/json"},
        method="POST",
    )


def chat():
    with urllib.request.urlopen(request(), timeout=30) as response:
        data = json.load(response)
    return data["choices"][0]["message"]["content"]


def stream_events(response):
    """Yields the parsed data of each SSE event until [DONE]."""
    for raw in response:
        line = raw.decode().strip()
        if not line.startswith("data: "):
            continue
        payload = line[len("data: "):]
        if payload == "[DONE]":
            return
        yield json.loads(payload)


def mode_chat(count="1"):
    """chat N: N chat completions, one REPLY line each."""
    for _ in range(int(count)):
        print("REPLY " + chat())


def mode_stream():
    """stream: one streamed chat completion, its text and event count."""
    text, events = "", 0
    with urllib.request.urlopen(request(stream=True), timeout=30) as response:
        for chunk in stream_events(response):
            events += 1
            for choice in chunk.get("choices", []):
                text += choice.get("delta", {}).get("content") or ""
    print("STREAM " + json.dumps({"text": text, "events": events}))


def mode_until_denied(forever=""):
    """until-denied [forever]: calls until one is refused (402); with 'forever' it keeps trying after that."""
    calls = 0
    while True:
        try:
            chat()
            calls += 1
        except urllib.error.HTTPError as error:
            body = json.load(error)
            print(f"DENIED {error.code} {body['error']['type']} after {calls}")
            if forever != "forever":
                return
            time.sleep(0.05)


def mode_abandon_stream():
    """abandon-stream: starts a stream, closes the connection after the first event, then makes a normal call."""
    response = urllib.request.urlopen(request(stream=True, max_tokens=200), timeout=30)
    next(stream_events(response))
    print("FIRST", flush=True)
    response.close()
    print("CLOSED")
    print("REPLY " + chat())


def mode_env():
    """env: prints every environment variable."""
    for name, value in sorted(os.environ.items()):
        print(f"ENV {name}={value}")


def mode_tree(stubborn=""):
    """tree [stubborn]: starts a grandchild `sleep` and waits; 'stubborn' ignores SIGTERM (and so does the grandchild)."""
    if stubborn == "stubborn":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = subprocess.Popen(["sleep", "300"])
    print(f"CHILD {child.pid}", flush=True)
    time.sleep(300)


def mode_orphan():
    """orphan: starts a grandchild `sleep` and exits at once, leaving it behind."""
    child = subprocess.Popen(["sleep", "300"])
    print(f"CHILD {child.pid}", flush=True)


def mode_escape(then="", daemon_seconds="", scrub=""):
    """escape [then-exit|stay] [SECONDS] [scrub]: a daemon the classic way (fork, setsid, fork again) that ignores SIGTERM; prints its pid, then waits.

    The agent ignores SIGTERM too, and waits (or, with 'then-exit', exits at once). With SECONDS the daemon exits by
    itself after that long. With 'scrub' the daemon becomes `sleep` in an empty environment, so no variable of the
    agent's is left in it. The daemon's parent exits at once, so the daemon is an orphan in a session and
    process group of its own: neither the agent's process group nor its process tree leads to it any more.
    """
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.close(read_end)
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.write(write_end, f"{os.getpid()}\n".encode())
            os.close(write_end)
            if scrub == "scrub":
                os.execve(shutil.which("sleep"), ["sleep", daemon_seconds or "300"], {})
            if daemon_seconds:
                time.sleep(float(daemon_seconds))
                os._exit(0)
            while True:
                time.sleep(60)
        os._exit(0)
    os.close(write_end)
    escapee = int(os.read(read_end, 64).decode().strip())
    os.wait()
    print(f"ESCAPEE {escapee}", flush=True)
    if then != "then-exit":
        time.sleep(300)


def mode_read_host(pid):
    """read-host PID: tries to read the host's environment and memory and to ptrace it; one line each."""
    for name, path in (("ENVIRON", f"/proc/{pid}/environ"), ("MEM", f"/proc/{pid}/mem")):
        try:
            with open(path, "rb") as f:
                data = f.read(65536) if name == "ENVIRON" else b""
            print(f"{name} read {len(data)}")
        except OSError as error:
            print(f"{name} denied {error.errno}")
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    ptrace_seize = 0x4206  # attaches without stopping the host; detached when this process exits
    if libc.ptrace(ptrace_seize, int(pid), None, None) == 0:
        print("PTRACE attached")
    else:
        print(f"PTRACE denied {ctypes.get_errno()}")


def mode_whoami():
    """whoami: the process's real and effective ids, groups and home."""
    print(f"IDS {os.getuid()} {os.geteuid()} {os.getgid()} {os.getegid()}")
    print("GROUPS " + " ".join(str(g) for g in sorted(os.getgroups())))
    print("HOME " + os.environ.get("HOME", ""))
    print("REPLY " + chat())


def mode_lines(count="3", code="0"):
    """lines N CODE: N numbered lines, one 10,000-character line, a line on stderr, then exit CODE."""
    for i in range(int(count)):
        print(f"line {i}")
    print("x" * 10_000)
    print("oops", file=sys.stderr)
    sys.exit(int(code))


if __name__ == "__main__":
    globals()["mode_" + sys.argv[1].replace("-", "_")](*sys.argv[2:])

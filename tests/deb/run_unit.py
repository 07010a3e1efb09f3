#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Start a Type=notify service the way its unit says, without systemd as PID 1.

    run_unit.py UNIT STATEDIR [--metrics URL [--expect LINE]] [--timeout S]
                [--instance-dir PATTERN]

Reads [Service] of UNIT: EnvironmentFile= (systemd's syntax: KEY=VALUE,
quotes, '#' comments), ExecStart= ($VAR split at whitespace, ${VAR} one word),
CapabilityBoundingSet= and NoNewPrivileges= (applied with setpriv, as systemd
applies them to a root service), StateDirectory= (made under STATEDIR, as
systemd makes them under /var/lib). Runs the command in / with systemd's PATH,
the file's variables and NOTIFY_SOCKET on a datagram socket of its own, and:
waits for READY=1 (--timeout, default 60 s), polls --metrics URL until it
answers 200 and holds --expect, checks that --instance-dir (its "{pid}"
replaced by the service's pid) exists while the service is ready, sends
SIGTERM, waits for the exit and STOPPING=1. Prints one "ok"/"FAIL" line per step and "pid PID" once the
service runs (its tracefs instance is probekit_PID); exit status 0 when every
step passed. The child is killed on every way out.
"""
import argparse
import os
import re
import select
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
failures = 0


def report(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures += 1
    return ok


def unit_service_settings(path):
    """[Service] settings in order: [(key, value)], continuation lines joined."""
    out, section, pending = [], None, ""
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if pending:
                line = pending + line
                pending = ""
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            s = line.strip()
            if not s or s[0] in "#;":
                continue
            if s.startswith("["):
                section = s.strip("[]")
                continue
            if section == "Service" and "=" in s:
                k, v = s.split("=", 1)
                out.append((k.strip(), v.strip()))
    return out


def setting_list(settings, key):
    """A list setting: each assignment appends, an empty one resets."""
    vals = []
    for k, v in settings:
        if k == key:
            vals = [] if v == "" else vals + [v]
    return vals


def setting(settings, key, default=None):
    vals = [v for k, v in settings if k == key]
    return vals[-1] if vals else default


def read_env_file(path):
    """systemd's EnvironmentFile= syntax (the common part): KEY=VALUE lines."""
    env = {}
    with open(path) as f:
        text = f.read().replace("\\\n", "")
    for line in text.splitlines():
        s = line.strip()
        if not s or s[0] in "#;":
            continue
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", s)
        if not m:
            continue
        v = m.group(2).strip()
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
            v = v[1:-1]  # one level of quotes goes; $VAR splitting unquotes inside
        env[m.group(1)] = v
    return env


def expand_exec(line, env):
    """ExecStart=: prefixes dropped, $VAR split at whitespace, ${VAR} one word."""
    line = line.lstrip("@-:+!")
    argv = []
    for word in shlex.split(line):
        m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", word)
        if m:
            argv += shlex.split(env.get(m.group(1), ""))
            continue
        argv.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}",
                           lambda mm: env.get(mm.group(1), ""), word))
    return argv


def capability_prefix(settings):
    """setpriv for CapabilityBoundingSet= and NoNewPrivileges= (root service)."""
    caps = setting_list(settings, "CapabilityBoundingSet")
    pre = []
    if caps:
        names = []
        for v in caps:
            if v.startswith("~"):
                sys.exit("run_unit.py: CapabilityBoundingSet=~ not supported")
            names += [c.lower().replace("cap_", "+") for c in v.split()]
        pre = ["setpriv", "--inh-caps=-all", "--bounding-set=-all" +
               ("," + ",".join(names) if names else "")]
    if setting(settings, "NoNewPrivileges", "no") in ("yes", "true", "1", "on"):
        pre = (pre or ["setpriv"]) + ["--no-new-privs"]
    return pre


def fetch(url, expect, deadline):
    last = "no answer"
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                body = r.read().decode("utf-8", "replace")
                if r.status == 200 and (expect is None or expect in body.splitlines()):
                    return True, body
                last = "status %d, %d bytes without the line" % (r.status, len(body))
        except Exception as e:  # refused, 503 until the first metrics, timeouts
            last = str(e)
        time.sleep(0.2)
    return False, last


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("unit")
    ap.add_argument("statedir")
    ap.add_argument("--metrics")
    ap.add_argument("--expect")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--instance-dir")
    a = ap.parse_args()

    settings = unit_service_settings(a.unit)
    report(setting(settings, "Type") == "notify", "the unit is Type=notify")
    env = {"PATH": SYSTEMD_PATH, "LANG": "C.UTF-8"}
    for ef in setting_list(settings, "EnvironmentFile"):
        optional = ef.startswith("-")
        ef = ef.lstrip("-")
        if os.path.exists(ef):
            env.update(read_env_file(ef))
        elif not optional:
            report(False, "EnvironmentFile %s does not exist" % ef)
            return 1
    exec_start = setting(settings, "ExecStart")
    if not exec_start:
        report(False, "the unit has no ExecStart=")
        return 1
    argv = expand_exec(exec_start, env)
    for sd in setting_list(settings, "StateDirectory"):
        for d in sd.split():
            os.makedirs(os.path.join(a.statedir, d), mode=0o750, exist_ok=True)
    cmd = capability_prefix(settings) + argv
    print("     command: " + " ".join(shlex.quote(w) for w in cmd), flush=True)

    tmp = tempfile.mkdtemp(prefix="probekit-notify.")
    sock_path = os.path.join(tmp, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    env["NOTIFY_SOCKET"] = sock_path
    proc = None
    got = []
    out = open(os.path.join(tmp, "output"), "w+")

    def wait_for(word, deadline):
        while time.time() < deadline:
            if any(word in m.split("\n") for m in got):
                return True
            r, _, _ = select.select([sock], [], [], 0.2)
            if r:
                got.append(sock.recv(4096).decode("utf-8", "replace"))
            elif proc.poll() is not None and not select.select([sock], [], [], 0)[0]:
                return any(word in m.split("\n") for m in got)
        return False

    def on_signal(sig, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        proc = subprocess.Popen(cmd, cwd="/", env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        print("pid %d" % proc.pid, flush=True)
        ready = wait_for("READY=1", time.time() + a.timeout)
        if not report(ready, "READY=1 on NOTIFY_SOCKET within %g s" % a.timeout):
            if proc.poll() is not None:
                print("     the service exited with status %d" % proc.returncode)
        if ready and a.metrics:
            ok, body = fetch(a.metrics, a.expect, time.time() + a.timeout)
            report(ok, "%s has '%s'" % (a.metrics, a.expect) if ok else
                   "%s: no '%s' within %g s (%s)" % (a.metrics, a.expect, a.timeout, body))
        if ready and a.instance_dir:
            # checked here, between READY=1 and SIGTERM, where it must exist: a
            # watcher polling from outside can miss a fast service's whole life
            d = a.instance_dir.replace("{pid}", str(proc.pid))
            report(os.path.isdir(d), "the service traces in its instance %s" % d)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(timeout=a.timeout)
            except subprocess.TimeoutExpired:
                rc = None
            report(rc == 0, "SIGTERM: the service exited with status %s" % rc)
            report(wait_for("STOPPING=1", time.time() + 5), "STOPPING=1 on NOTIFY_SOCKET")
        else:
            report(False, "the service ended before SIGTERM (status %d)" % proc.returncode)
    except KeyboardInterrupt:
        report(False, "interrupted")
    finally:
        if proc and proc.poll() is None:  # interrupted: stop it as systemd would
            proc.send_signal(signal.SIGTERM)  # (it cleans tracefs up), then SIGKILL
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        out.seek(0)
        text = out.read()
        if failures:  # what the service said (on success: its summaries, not shown)
            print("     the service's output:\n" + "".join("       " + l + "\n"
                                                     for l in text.splitlines()[-40:]), end="")
        out.close()
        sock.close()
        for f in (sock_path, os.path.join(tmp, "output")):
            os.unlink(f)
        os.rmdir(tmp)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

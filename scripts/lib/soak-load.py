#!/usr/bin/env python3
"""The mixed load of scripts/soak.sh, standard library only (no client library to install).

Drives a running `muster serve` on loopback for DURATION seconds with, at fixed rates (times SOAK_SCALE):
  http-provision   POST /api/v1/provision, a new device each time (keep-alive connection)
  http-telemetry   POST /api/v1/TOKEN/telemetry from provisioned devices
  mqtt-provision   a new MQTT 3.1.1 connection per device: CONNECT "provision", SUBSCRIBE, PUBLISH, response
  mqtt-telemetry   QoS 1 PUBLISH v1/devices/me/telemetry on 10 device connections, each reconnected every 60 s
  coap-provision   CON POST /api/v1/provision, a new device each time
  coap-telemetry   CON POST /api/v1/TOKEN/telemetry
  import           a CSV import through the job API (POST /api/imports, multipart), polled until it ends; one at
                   the start of each measurement window and one every 120 s between
Each request kind runs in its own thread, one request in flight, bounded by the duration and by rate x duration
requests. Latency is measured per request (for an import: upload to the job's end).

After WARMUP seconds it measures a window of WINDOW seconds and prints, for the server's PID, peak and current RSS
(VmHWM, VmRSS of /proc/PID/status), open file descriptors and each kind's p99 over the window ("start"); it does the
same over the last WINDOW seconds ("end"), compares them and exits 1 when the fd count, the RSS or a p99 grew by a
wide margin, or when more than 1% of a kind's requests failed.
"""

import argparse
import http.client
import json
import os
import random
import socket
import struct
import sys
import threading
import time

SCALE = float(os.environ.get("SOAK_SCALE", "1"))
RATES = {  # requests per second
    "http-provision": 20, "http-telemetry": 50, "mqtt-provision": 5, "mqtt-telemetry": 40,
    "coap-provision": 5, "coap-telemetry": 30,
}
IMPORT_ROWS = int(os.environ.get("SOAK_IMPORT_ROWS", "20000"))
IMPORT_EVERY = 120
MQTT_CONNECTIONS = 10
MQTT_RECONNECT_EVERY = 60
TIMEOUT = 10


class Recorder:
    """Every request's (end time, latency, ok), per kind."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples = {}
        self.errors = {}

    def add(self, kind, started, ok, detail=""):
        now = time.monotonic()
        with self.lock:
            self.samples.setdefault(kind, []).append((now, now - started, ok))
            if not ok and detail and len(self.errors.setdefault(kind, [])) < 5:
                self.errors[kind].append(detail)

    def window(self, kind, start, end):
        with self.lock:
            return [s for s in self.samples.get(kind, []) if start <= s[0] < end]

    def totals(self, kind):
        with self.lock:
            items = self.samples.get(kind, [])
            return len(items), sum(1 for s in items if not s[2])


def percentile(latencies, fraction):
    if not latencies:
        return None
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


class Paced:
    """Runs `step` at `rate` per second until the deadline, at most rate x seconds times; no catch-up bursts."""

    def __init__(self, rate, deadline, stop):
        self.interval = 1.0 / rate
        self.deadline = deadline
        self.stop = stop
        self.limit = int(rate * max(0.0, deadline - time.monotonic())) + 1

    def __iter__(self):
        due = time.monotonic()
        for count in range(self.limit):
            now = time.monotonic()
            if now >= self.deadline or self.stop.is_set():
                return
            if due > now:
                self.stop.wait(due - now)
                if self.stop.is_set():
                    return
            due = max(due + self.interval, time.monotonic() - self.interval)
            yield count


# --- HTTP -----------------------------------------------------------------------------------------------------------

class HTTP:
    def __init__(self, port):
        self.port = port
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            try:
                self.connection.request(method, path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


# --- MQTT 3.1.1 -----------------------------------------------------------------------------------------------------

def mqtt_string(text):
    data = text.encode()
    return struct.pack("!H", len(data)) + data


def mqtt_packet(first, body):
    length, encoded = len(body), b""
    while True:
        byte, length = length % 128, length // 128
        encoded += bytes([byte | (0x80 if length else 0)])
        if not length:
            return bytes([first]) + encoded + body


class MQTT:
    def __init__(self, port, client_id, username):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buffer = b""
        flags = 0x02 | 0x80
        body = mqtt_string("MQTT") + bytes([4, flags]) + struct.pack("!H", 60) + mqtt_string(client_id) + mqtt_string(username)
        self.sock.sendall(mqtt_packet(0x10, body))
        first, payload = self.read()
        if first & 0xF0 != 0x20 or payload[1] != 0:
            raise OSError(f"CONNACK refused: {payload.hex()}")
        self.packet_id = 0

    def read(self):
        while True:
            if len(self.buffer) >= 2:
                length, multiplier, index = 0, 1, 1
                while index < len(self.buffer):
                    byte = self.buffer[index]
                    length += (byte & 0x7F) * multiplier
                    multiplier *= 128
                    index += 1
                    if not byte & 0x80:
                        if len(self.buffer) >= index + length:
                            packet = self.buffer[:index + length]
                            self.buffer = self.buffer[index + length:]
                            return packet[0], packet[index:]
                        break
            data = self.sock.recv(65536)
            if not data:
                raise OSError("connection closed by the server")
            self.buffer += data

    def next_id(self):
        self.packet_id = self.packet_id % 65535 + 1
        return self.packet_id

    def subscribe(self, topic):
        self.sock.sendall(mqtt_packet(0x82, struct.pack("!H", self.next_id()) + mqtt_string(topic) + bytes([0])))
        while self.read()[0] & 0xF0 != 0x90:
            pass

    def publish(self, topic, payload, qos):
        if qos:
            pid = self.next_id()
            self.sock.sendall(mqtt_packet(0x32, mqtt_string(topic) + struct.pack("!H", pid) + payload))
            while True:
                first, body = self.read()
                if first & 0xF0 == 0x40 and struct.unpack("!H", body[:2])[0] == pid:
                    return
        else:
            self.sock.sendall(mqtt_packet(0x30, mqtt_string(topic) + payload))

    def wait_publish(self):
        while True:
            first, body = self.read()
            if first & 0xF0 == 0x30:
                (length,) = struct.unpack("!H", body[:2])
                if first & 0x06:  # QoS 1 or 2: a packet id follows the topic; acknowledge it
                    self.sock.sendall(b"\x40\x02" + body[2 + length:4 + length])
                    return body[4 + length:]
                return body[2 + length:]

    def close(self):
        try:
            self.sock.sendall(b"\xe0\x00")
        except OSError:
            pass
        self.sock.close()


# --- CoAP -----------------------------------------------------------------------------------------------------------

def coap_option(delta, value):
    def nibble(n):
        if n < 13:
            return n, b""
        if n < 269:
            return 13, bytes([n - 13])
        return 14, struct.pack("!H", n - 269)
    d, dx = nibble(delta)
    l, lx = nibble(len(value))
    return bytes([d << 4 | l]) + dx + lx + value


def coap_extended(data, index, nibble):
    """An option's delta or length from its 4-bit nibble and extended bytes (RFC 7252 §3.1); the index after them."""
    if nibble == 13:
        return data[index] + 13, index + 1
    if nibble == 14:
        return struct.unpack("!H", data[index:index + 2])[0] + 269, index + 2
    return nibble, index


def coap_payload(data):
    """The payload of a CoAP message: what follows the 0xFF marker after the token and the options."""
    index = 4 + (data[0] & 0x0F)
    while index < len(data) and data[index] != 0xFF:
        header = data[index]
        _, index = coap_extended(data, index + 1, header >> 4)
        length, index = coap_extended(data, index, header & 0x0F)
        index += length
    return data[index + 1:] if index < len(data) else b""


class CoAP:
    def __init__(self, port):
        self.address = ("127.0.0.1", port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(TIMEOUT)
        self.message_id = random.randrange(65536)

    def post(self, path, payload):
        """A confirmable POST; returns (class, detail) of the response code, e.g. (2, 1) for 2.01."""
        self.message_id = (self.message_id + 1) % 65536
        token = os.urandom(4)
        options, last = b"", 0
        for segment in path:
            options += coap_option(11 - last, segment.encode())
            last = 11
        options += coap_option(12 - last, bytes([50]))  # Content-Format: application/json
        datagram = bytes([0x40 | len(token), 0x02]) + struct.pack("!H", self.message_id) + token + options + b"\xff" + payload
        self.sock.sendto(datagram, self.address)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            data, _ = self.sock.recvfrom(2048)
            if len(data) < 4:
                continue
            kind, code = (data[0] >> 4) & 3, data[1]
            mid = struct.unpack("!H", data[2:4])[0]
            received_token = data[4:4 + (data[0] & 0x0F)]
            if kind == 2 and mid == self.message_id and code == 0:
                continue  # empty ACK: the response follows separately
            if received_token != token:
                continue
            if kind == 0:  # separate confirmable response: acknowledge it
                self.sock.sendto(bytes([0x60, 0]) + data[2:4], self.address)
            return (code >> 5, code & 0x1F), coap_payload(data)
        raise OSError("no CoAP response within the timeout")


# --- the load -------------------------------------------------------------------------------------------------------

class Load:
    def __init__(self, args):
        self.args = args
        self.recorder = Recorder()
        self.stop = threading.Event()
        self.tokens = []
        self.tokens_lock = threading.Lock()
        self.run_id = f"{int(time.time()) % 100000}-{random.randrange(1000)}"
        self.deadline = time.monotonic() + args.duration
        self.provision_body = lambda name: json.dumps({
            "deviceName": name, "provisionDeviceKey": args.key, "provisionDeviceSecret": args.secret}).encode()

    def add_token(self, token):
        with self.tokens_lock:
            if len(self.tokens) < 5000:
                self.tokens.append(token)

    def token(self):
        with self.tokens_lock:
            return random.choice(self.tokens)

    def paced(self, kind):
        return Paced(RATES[kind] * SCALE, self.deadline, self.stop)

    def telemetry(self):
        return json.dumps({"temperature": round(random.uniform(-20, 40), 2), "humidity": random.randrange(100),
                           "ok": True}).encode()

    @staticmethod
    def provisioned(body):
        reply = json.loads(body)
        if reply.get("status") != "SUCCESS":
            raise ValueError(f"provisioning answered {reply}")
        return reply["credentialsValue"]

    def http_provision(self):
        client = HTTP(self.args.http)
        for i in self.paced("http-provision"):
            started = time.monotonic()
            try:
                status, body = client.request("POST", "/api/v1/provision", self.provision_body(f"soak-h-{self.run_id}-{i}"),
                                              {"Content-Type": "application/json"})
                ok = status == 200
                if ok:
                    self.add_token(self.provisioned(body))
                self.recorder.add("http-provision", started, ok, f"HTTP {status}: {body[:200]!r}")
            except (OSError, ValueError, http.client.HTTPException) as error:
                self.recorder.add("http-provision", started, False, repr(error))

    def http_telemetry(self):
        client = HTTP(self.args.http)
        for _ in self.paced("http-telemetry"):
            started = time.monotonic()
            try:
                status, body = client.request("POST", f"/api/v1/{self.token()}/telemetry", self.telemetry(),
                                              {"Content-Type": "application/json"})
                self.recorder.add("http-telemetry", started, status == 200, f"HTTP {status}: {body[:200]!r}")
            except (OSError, http.client.HTTPException) as error:
                self.recorder.add("http-telemetry", started, False, repr(error))

    def mqtt_provision(self):
        for i in self.paced("mqtt-provision"):
            started = time.monotonic()
            client = None
            try:
                client = MQTT(self.args.mqtt, f"soak-prov-{self.run_id}-{i}", "provision")
                client.subscribe("/provision/response")
                client.publish("/provision/request", self.provision_body(f"soak-m-{self.run_id}-{i}"), 0)
                self.add_token(self.provisioned(client.wait_publish()))
                self.recorder.add("mqtt-provision", started, True)
            except (OSError, ValueError, KeyError) as error:
                self.recorder.add("mqtt-provision", started, False, repr(error))
            finally:
                if client:
                    client.close()

    def mqtt_telemetry(self):
        connections = [None] * MQTT_CONNECTIONS
        # Each connection is replaced every MQTT_RECONNECT_EVERY seconds, the first ones staggered.
        stagger = MQTT_RECONNECT_EVERY / MQTT_CONNECTIONS
        reconnect_at = [time.monotonic() + (slot + 1) * stagger for slot in range(MQTT_CONNECTIONS)]
        for i in self.paced("mqtt-telemetry"):
            slot = i % MQTT_CONNECTIONS
            if connections[slot] and time.monotonic() >= reconnect_at[slot]:
                connections[slot].close()
                connections[slot] = None
                reconnect_at[slot] += MQTT_RECONNECT_EVERY
            started = time.monotonic()
            try:
                if connections[slot] is None:
                    # One device per connection (the first ones provisioned), a new client id each time.
                    connections[slot] = MQTT(self.args.mqtt, f"soak-dev-{self.run_id}-{i}", self.tokens[slot])
                    started = time.monotonic()
                connections[slot].publish("v1/devices/me/telemetry", self.telemetry(), 1)
                self.recorder.add("mqtt-telemetry", started, True)
            except OSError as error:
                self.recorder.add("mqtt-telemetry", started, False, repr(error))
                if connections[slot]:
                    connections[slot].sock.close()
                connections[slot] = None
        for connection in connections:
            if connection:
                connection.close()

    def coap_provision(self):
        client = CoAP(self.args.coap)
        for i in self.paced("coap-provision"):
            started = time.monotonic()
            try:
                code, body = client.post(["api", "v1", "provision"], self.provision_body(f"soak-c-{self.run_id}-{i}"))
                ok = code[0] == 2
                if ok:
                    self.add_token(self.provisioned(body))
                self.recorder.add("coap-provision", started, ok, f"CoAP {code}: {body[:200]!r}")
            except (OSError, ValueError, KeyError) as error:
                self.recorder.add("coap-provision", started, False, repr(error))
        client.sock.close()

    def coap_telemetry(self):
        client = CoAP(self.args.coap)
        for _ in self.paced("coap-telemetry"):
            started = time.monotonic()
            try:
                code, body = client.post(["api", "v1", self.token(), "telemetry"], self.telemetry())
                self.recorder.add("coap-telemetry", started, code[0] == 2, f"CoAP {code}: {body[:200]!r}")
            except OSError as error:
                self.recorder.add("coap-telemetry", started, False, repr(error))
        client.sock.close()

    def run_import(self, number):
        """One CSV import through the job API, recorded from the upload to the job's end."""
        boundary = f"soak-{random.randrange(1 << 30)}"
        mapping = {"entityType": "DEVICE", "delimiter": ",", "header": True, "update": False,
                   "columns": [{"type": "NAME"}, {"type": "TYPE"}, {"type": "SERVER_ATTRIBUTE", "key": "serial"},
                               {"type": "TIMESERIES", "key": "t"}]}
        rows = "".join(f"soak-i-{self.run_id}-{number}-{row},soak-import,SN-{row},{row % 50}.5\n"
                       for row in range(IMPORT_ROWS))
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"mapping\"\r\n"
                f"Content-Type: application/json\r\n\r\n{json.dumps(mapping)}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"soak.csv\"\r\n"
                f"Content-Type: text/csv\r\n\r\nname,type,serial,t\n{rows}\r\n--{boundary}--\r\n").encode()
        admin = {"X-Authorization": f"Bearer {self.args.admin_token}"}
        client = HTTP(self.args.http)
        started = time.monotonic()
        try:
            status, reply = client.request("POST", "/api/imports", body,
                                           dict(admin, **{"Content-Type": f"multipart/form-data; boundary={boundary}"}))
            if status != 202:
                raise ValueError(f"upload answered HTTP {status}: {reply[:200]!r}")
            job_id = json.loads(reply)["id"]
            limit = time.monotonic() + 300
            while time.monotonic() < limit and not self.stop.is_set():
                status, reply = client.request("GET", f"/api/imports/{job_id}", headers=admin)
                job = json.loads(reply)
                if job.get("status") != "RUNNING":
                    if job.get("status") != "DONE" or job.get("created") != IMPORT_ROWS:
                        raise ValueError(f"import job ended {job}")
                    self.recorder.add("import", started, True)
                    return
                time.sleep(0.2)
            raise ValueError("import job still running after 300 s")
        except (OSError, ValueError, KeyError, http.client.HTTPException) as error:
            self.recorder.add("import", started, False, repr(error))

    def imports(self, times):
        for number, at in enumerate(times):
            wait = self.start_time + at - time.monotonic()
            if wait > 0 and self.stop.wait(wait):
                return
            if time.monotonic() >= self.deadline - 1:
                return
            self.run_import(number)

    def bootstrap(self):
        client = HTTP(self.args.http)
        for i in range(20):
            status, body = client.request("POST", "/api/v1/provision", self.provision_body(f"soak-b-{self.run_id}-{i}"),
                                          {"Content-Type": "application/json"})
            if status != 200:
                sys.exit(f"bootstrap provisioning answered HTTP {status}: {body[:300]!r}")
            self.add_token(self.provisioned(body))


def resources(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                fields[key] = int(value.split()[0]) // 1024
    return {"peak_mib": fields["VmHWM"], "rss_mib": fields["VmRSS"], "fds": len(os.listdir(f"/proc/{pid}/fd"))}


KINDS = list(RATES) + ["import"]


def report(label, load, pid, window_start, window_end):
    figures = resources(pid)
    figures["p50_ms"], figures["p99_ms"], figures["requests"], figures["failed"] = {}, {}, {}, {}
    for kind in KINDS:
        samples = load.recorder.window(kind, window_start, window_end)
        for name, fraction in (("p50_ms", 0.5), ("p99_ms", 0.99)):
            latency = percentile([s[1] for s in samples if s[2]], fraction)
            figures[name][kind] = None if latency is None else round(latency * 1000, 1)
        figures["requests"][kind] = len(samples)
        figures["failed"][kind] = sum(1 for s in samples if not s[2])
    seconds = window_end - window_start
    print(f"== {label} (window of {seconds:.0f} s): RSS {figures['rss_mib']} MiB, peak RSS (VmHWM) "
          f"{figures['peak_mib']} MiB, open fds {figures['fds']}")
    for kind in KINDS:
        latency, median = figures["p99_ms"][kind], figures["p50_ms"][kind]
        print(f"   {kind:15} p99 {'-' if latency is None else f'{latency:8.1f} ms'}  "
              f"(p50 {'-' if median is None else f'{median:7.1f} ms'})  "
              f"{figures['requests'][kind]:6} requests ({figures['requests'][kind] / seconds:6.1f}/s), "
              f"{figures['failed'][kind]} failed")
    sys.stdout.flush()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("http", "mqtt", "coap", "pid"):
        parser.add_argument(f"--{name}", type=int, required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--admin-token", required=True)
    parser.add_argument("--duration", type=int, default=600)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()
    window = max(10, min(60, (args.duration - args.warmup) // 3))
    if args.duration < args.warmup + 2 * window:
        sys.exit(f"the duration must be at least {args.warmup + 2 * window} s")

    load = Load(args)
    load.bootstrap()
    load.start_time = time.monotonic()
    load.deadline = load.start_time + args.duration
    start_window = (load.start_time + args.warmup, load.start_time + args.warmup + window)
    end_window = (load.deadline - window, load.deadline)
    import_times = [args.warmup + 2]
    at = args.warmup + 2 + IMPORT_EVERY
    while at < args.duration - window - IMPORT_EVERY / 2:
        import_times.append(at)
        at += IMPORT_EVERY
    import_times.append(args.duration - window + 2)

    threads = [threading.Thread(target=getattr(load, kind.replace("-", "_")), name=kind, daemon=True) for kind in RATES]
    threads.append(threading.Thread(target=load.imports, args=(import_times,), name="import", daemon=True))
    rates = ", ".join(f"{kind} {rate * SCALE:g}/s" for kind, rate in RATES.items())
    print(f"== load for {args.duration} s: {rates}; {len(import_times)} imports of {IMPORT_ROWS} rows; "
          f"warm-up {args.warmup} s, windows of {window} s")
    sys.stdout.flush()
    for thread in threads:
        thread.start()

    start = None
    next_progress = load.start_time + 60
    while time.monotonic() < load.deadline:
        now = time.monotonic()
        if start is None and now >= start_window[1]:
            start = report("start", load, args.pid, *start_window)
        elif now >= next_progress:
            figures = resources(args.pid)
            done = sum(load.recorder.totals(kind)[0] for kind in KINDS)
            print(f"   t={now - load.start_time:4.0f} s: RSS {figures['rss_mib']} MiB, peak {figures['peak_mib']} MiB, "
                  f"fds {figures['fds']}, {done} requests so far")
            sys.stdout.flush()
            next_progress += 60
        time.sleep(min(1.0, max(0.0, load.deadline - time.monotonic())))
    end = report("end", load, args.pid, *end_window)
    load.stop.set()
    for thread in threads:
        thread.join(timeout=TIMEOUT + 5)

    problems = []
    if end["fds"] > start["fds"] + max(50, start["fds"] // 2):
        problems.append(f"open fds grew from {start['fds']} to {end['fds']}")
    if end["rss_mib"] > start["rss_mib"] * 1.5 + 64:
        problems.append(f"RSS grew from {start['rss_mib']} MiB to {end['rss_mib']} MiB")
    for kind in KINDS:
        before, after = start["p99_ms"][kind], end["p99_ms"][kind]
        if before is not None and after is not None and after > max(5 * before, before + 250):
            problems.append(f"{kind} p99 grew from {before} ms to {after} ms")
        total, failed = load.recorder.totals(kind)
        if total == 0:
            problems.append(f"no {kind} request completed")
        elif failed > total // 100:
            problems.append(f"{failed} of {total} {kind} requests failed: {load.recorder.errors.get(kind, [])}")
    totals = ", ".join(f"{kind} {load.recorder.totals(kind)[0]}" for kind in KINDS)
    print(f"== totals: {totals}")
    if problems:
        print("SOAK FAILED: " + "; ".join(problems))
        sys.exit(1)
    print("soak ok: fds, RSS and p99 stayed within bounds; no more than 1% failed requests per kind")


if __name__ == "__main__":
    main()

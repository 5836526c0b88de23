#!/usr/bin/env python3
"""A tiny in-memory stand-in for Muster, written from the ThingsBoard wire contract, used only to check that the
compatibility suite itself is correct (`MUSTER_BIN=tests/compat/selftest/fake_muster.py tests/compat/run.sh`).
It is not a reference implementation: no persistence, no MQTT/CoAP, no bulk import, no rate limiting."""
import base64
import hashlib
import json
import re
import secrets
import signal
import string
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

EMAIL, PASSWORD = None, None
LIMIT, FAILS = 0, {}
NULL = "13814000-1dd2-11b2-8080-808080808080"
TENANT = str(uuid.uuid1())
USER = str(uuid.uuid1())
LOCK = threading.RLock()
profiles, devices, creds, attrs, ts = {}, {}, {}, {}, {}   # attrs[(id,scope)][k]=(ts,v); ts[id][k]=[(ts,v)]


def now(): return int(time.time() * 1000)
def eid(t, i): return {"entityType": t, "id": i}
def b64(d): return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
def jwt(kind, ttl): return ".".join([b64({"alg": "HS512"}), b64({"sub": EMAIL, "scopes": [kind], "iat": int(time.time()), "exp": int(time.time()) + ttl, "jti": secrets.token_hex(8)}), "c2ln"])
def pair(): return {"token": jwt("TENANT_ADMIN", 9000), "refreshToken": jwt("REFRESH_TOKEN", 604800)}
def rnd(n=20): return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(n))
def sha3(s): return hashlib.sha3_256(s.encode()).hexdigest()
def trim_cert(s): return s.replace("-----BEGIN CERTIFICATE-----", "").replace("-----END CERTIFICATE-----", "").replace("\n", "").replace("\r", "")


class ApiError(Exception):
    def __init__(self, status, msg, code=None):
        self.status, self.msg = status, msg
        self.code = code if code is not None else {400: 31, 401: 10, 404: 32}.get(status, 2)


def default_profile():
    pid = str(uuid.uuid1())
    profiles[pid] = {"id": eid("DEVICE_PROFILE", pid), "createdTime": now(), "tenantId": eid("TENANT", TENANT),
                     "name": "default", "description": "Default device profile", "type": "DEFAULT",
                     "transportType": "DEFAULT", "provisionType": "DISABLED", "provisionDeviceKey": None,
                     "profileData": {"configuration": {"type": "DEFAULT"}, "transportConfiguration": {"type": "DEFAULT"},
                                     "provisionConfiguration": {"type": "DISABLED", "provisionDeviceSecret": None}},
                     "default": True, "version": 1}


def page(items, q):
    size, num = int(q.get("pageSize", ["10"])[0]), int(q.get("page", ["0"])[0])
    text = q.get("textSearch", [None])[0]
    if text:
        items = [i for i in items if i["name"].lower().startswith(text.lower())]
    if q.get("sortProperty", [None])[0] == "name":
        items = sorted(items, key=lambda i: i["name"], reverse=q.get("sortOrder", ["ASC"])[0] == "DESC")
    total = len(items)
    return {"data": items[num * size:(num + 1) * size], "totalPages": -(-total // size), "totalElements": total,
            "hasNext": (num + 1) * size < total}


def save_creds(dev_id, c, existing=None):
    t = c.get("credentialsType")
    if t == "ACCESS_TOKEN":
        cid, val = c.get("credentialsId"), None
        if not cid:
            raise ApiError(400, "Device credentials id should be specified!")
    elif t == "MQTT_BASIC":
        v = json.loads(c["credentialsValue"]); ci, un = v.get("clientId") or "", v.get("userName") or ""
        if not ci and not un:
            raise ApiError(400, "Both mqtt client id and user name are empty!")
        cid = un if not ci else sha3(ci) if not un else sha3(f"{ci}|{un}")
        val = json.dumps({"clientId": v.get("clientId"), "userName": v.get("userName"), "password": v.get("password")})
    elif t == "X509_CERTIFICATE":
        val = trim_cert(c["credentialsValue"]); cid = sha3(val)
    else:
        raise ApiError(400, "Device credentials type should be specified")
    for other in creds.values():
        if other["credentialsId"] == cid and other["deviceId"]["id"] != dev_id:
            raise ApiError(400, "Device credentials are already assigned to another device!")
    rec = existing or {"id": {"id": str(uuid.uuid1())}, "createdTime": now(), "deviceId": eid("DEVICE", dev_id), "version": 0}
    rec.update({"credentialsType": t, "credentialsId": cid, "credentialsValue": val, "version": rec["version"] + 1})
    creds[dev_id] = rec
    return rec


def create_device(body, cred=None):
    if not body.get("name"):
        raise ApiError(400, "Device name should be specified!")
    if any(d["name"] == body["name"] for d in devices.values()):
        raise ApiError(400, "Device with such name already exists!")
    prof = None
    if body.get("deviceProfileId"):
        prof = profiles.get(body["deviceProfileId"]["id"])
    elif body.get("type"):
        prof = next((p for p in profiles.values() if p["name"] == body["type"]), None)
    else:
        prof = next(p for p in profiles.values() if p["default"])
    if prof is None:
        raise ApiError(400, "Device profile not found")
    did = str(uuid.uuid1())
    cred = cred or {"credentialsType": "ACCESS_TOKEN", "credentialsId": rnd()}
    if cred.get("credentialsType") == "ACCESS_TOKEN" and any(c["credentialsId"] == cred["credentialsId"] for c in creds.values()):
        raise ApiError(400, "Device credentials are already assigned to another device!")
    dev = {"id": eid("DEVICE", did), "createdTime": now(), "additionalInfo": body.get("additionalInfo"),
           "tenantId": eid("TENANT", TENANT), "customerId": eid("CUSTOMER", NULL), "name": body["name"],
           "type": prof["name"], "label": body.get("label"), "deviceProfileId": prof["id"],
           "deviceData": {"configuration": {"type": "DEFAULT"}, "transportConfiguration": {"type": "DEFAULT"}},
           "firmwareId": None, "softwareId": None, "version": 1}
    save_creds(did, cred)
    devices[did] = dev
    return dev


assets = {}


def create_asset(body):
    if any(a["name"] == body["name"] for a in assets.values()):
        raise ApiError(400, "Asset with such name already exists!")
    aid = str(uuid.uuid1())
    a = {"id": eid("ASSET", aid), "createdTime": now(), "tenantId": eid("TENANT", TENANT),
         "customerId": eid("CUSTOMER", NULL), "name": body["name"], "type": body.get("type") or "default",
         "label": body.get("label"), "assetProfileId": eid("ASSET_PROFILE", str(uuid.uuid5(uuid.NAMESPACE_DNS, body.get("type") or "default"))),
         "additionalInfo": None, "version": 1}
    assets[aid] = a
    return a


def infer(cell):
    if re.fullmatch(r"-?[1-9][0-9]*|0", cell):
        return int(cell)
    try:
        if re.fullmatch(r"-?[0-9]+[.,][0-9]+", cell):
            return float(cell.replace(",", "."))
    except ValueError:
        pass
    if cell.lower() in ("true", "false"):
        return cell.lower() == "true"
    if cell.strip()[:1] in "{[":
        try:
            return json.loads(cell)
        except ValueError:
            pass
    return cell


def bulk(req, is_asset):
    import csv, io
    mp = req["mapping"]; rows = list(csv.reader(io.StringIO(req["file"]), delimiter=mp["delimiter"]))
    rows = [r for r in rows if r]
    res = {"created": 0, "updated": 0, "errors": 0, "errorsList": []}
    seen = {}
    store = assets if is_asset else devices
    for line, row in enumerate(rows, 1):
        if mp["header"] and line == 1:
            continue
        cells = {}
        kv = []
        for col, cell in zip(mp["columns"], row):
            if cell == "":
                continue
            if col["type"] in ("SERVER_ATTRIBUTE", "SHARED_ATTRIBUTE", "TIMESERIES"):
                kv.append((col["type"], col["key"], infer(cell)))
            else:
                cells[col["type"]] = cell
        name = cells.get("NAME")
        if name in seen:
            res["errorsList"].append(f"Line {line}: duplicate of line {seen[name]}"); continue
        seen[name] = line
        ent = next((e for e in store.values() if e["name"] == name), None)
        if ent and not mp["update"]:
            res["errorsList"].append(f"Line {line}: entity '{name}' already exists"); continue
        if ent is None:
            if is_asset:
                ent = create_asset({"name": name, "type": cells.get("TYPE")})
            else:
                ptype = cells.get("TYPE")
                if ptype and not any(pp["name"] == ptype for pp in profiles.values()):
                    pid = str(uuid.uuid1())
                    profiles[pid] = dict(next(pp for pp in profiles.values() if pp["default"]), id=eid("DEVICE_PROFILE", pid), name=ptype, default=False)
                tok = cells.get("ACCESS_TOKEN")
                ent = create_device({"name": name, "type": ptype}, {"credentialsType": "ACCESS_TOKEN", "credentialsId": tok} if tok else None)
            res["created"] += 1
        else:
            res["updated"] += 1
        eid_ = ent["id"]["id"]
        for t, k, v in kv:
            if t == "TIMESERIES":
                ts.setdefault(eid_, {}).setdefault(k, []).append((now(), v))
            else:
                attrs.setdefault((eid_, t.replace("_ATTRIBUTE", "_SCOPE")), {})[k] = (now(), v)
    res["errors"] = len(res["errorsList"])
    return res


def provision(req):
    key, secret = req.get("provisionDeviceKey"), req.get("provisionDeviceSecret")
    nf = {"errorMsg": "Provision data was not found!", "status": "NOT_FOUND"}
    fail = {"errorMsg": "Failed to provision device!", "status": "FAILURE"}
    name = (req.get("deviceName") or "").strip() or rnd()
    prof = next((p for p in profiles.values() if key and p["provisionDeviceKey"] == key), None)
    if not prof or prof["profileData"]["provisionConfiguration"].get("provisionDeviceSecret") != secret:
        return nf
    dev = next((d for d in devices.values() if d["name"] == name), None)
    state = lambda d: attrs.get((d["id"]["id"], "SERVER_SCOPE"), {}).get("provisionState", (0, None))[1]
    if prof["provisionType"] == "ALLOW_CREATE_NEW_DEVICES":
        if dev:
            if dev["deviceProfileId"]["id"] == prof["id"]["id"] and state(dev) == "provisioned":
                return answer(creds[dev["id"]["id"]])
            return fail
        ct = req.get("credentialsType") or "ACCESS_TOKEN"
        cred = None
        if any(req.get(f) for f in ("token", "hash", "username", "password", "clientId")):
            if ct == "ACCESS_TOKEN":
                cred = {"credentialsType": ct, "credentialsId": req.get("token")}
            elif ct == "MQTT_BASIC":
                cred = {"credentialsType": ct, "credentialsValue": json.dumps({"clientId": req.get("clientId") or "", "userName": req.get("username") or "", "password": req.get("password") or ""})}
            elif ct == "X509_CERTIFICATE":
                cred = {"credentialsType": ct, "credentialsValue": req.get("hash")}
        try:
            dev = create_device({"name": name, "deviceProfileId": prof["id"],
                                 "additionalInfo": {"gateway": True} if req.get("gateway") in (True, "true") else None}, cred)
        except ApiError:
            return fail
    elif prof["provisionType"] == "CHECK_PRE_PROVISIONED_DEVICES":
        if not dev or dev["deviceProfileId"]["id"] != prof["id"]["id"] or state(dev) not in (None, "provisioned"):
            return fail
    else:
        return nf
    attrs.setdefault((dev["id"]["id"], "SERVER_SCOPE"), {})["provisionState"] = (now(), "provisioned")
    return answer(creds[dev["id"]["id"]])


def answer(c):
    val = c["credentialsId"] if c["credentialsType"] == "ACCESS_TOKEN" else c["credentialsValue"]
    if c["credentialsType"] == "MQTT_BASIC":
        val = json.loads(val)
    return {"credentialsValue": val, "credentialsType": c["credentialsType"], "status": "SUCCESS"}


def keys_of(q, name):
    out = []
    for v in q.get(name, []):
        out += [k for k in v.split(",") if k]
    return out


def put_ts(did, body, t0):
    items = body if isinstance(body, list) else [body]
    for it in items:
        if "ts" in it and "values" in it:
            t, vals = it["ts"], it["values"]
        else:
            t, vals = t0, it
        for k, v in vals.items():
            ts.setdefault(did, {}).setdefault(k, []).append((t, v))


def loose(v):
    return json.dumps(v) if isinstance(v, (dict, list)) else str(v).lower() if isinstance(v, bool) else str(v)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        print("%s %s" % (self.command, self.path), flush=True)

    def send(self, status, body=None, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return json.loads(self._raw) if self._raw else None

    def do_GET(self): self.route("GET")
    def do_POST(self): self.route("POST")
    def do_DELETE(self): self.route("DELETE")

    def route(self, m):
        u = urlparse(self.path); p = u.path; q = parse_qs(u.query)
        n = int(self.headers.get("Content-Length") or 0)
        self._raw = self.rfile.read(n) if n else b""
        try:
            with LOCK:
                out = self.handle_api(m, p, q)
            if isinstance(out, tuple):
                self.send(*out)
            else:
                self.send(200, out)
        except ApiError as e:
            self.send(e.status, {"status": e.status, "message": e.msg, "errorCode": e.code, "timestamp": now()})

    def handle_api(self, m, p, q):
        dm = re.match(r"^/api/v1/provision$", p)
        if dm and m == "POST":
            try:
                req = self.body()
            except ValueError:
                raise ApiError(400, "Invalid JSON")
            if not isinstance(req, dict) or "provisionDeviceKey" not in req or "provisionDeviceSecret" not in req:
                raise ApiError(400, "provisionDeviceKey and provisionDeviceSecret are required")
            ip = self.client_address[0]
            if LIMIT and FAILS.get(ip, 0) >= LIMIT:
                return (429, {"status": 429, "message": "Too many failed provisioning attempts", "errorCode": 33, "timestamp": now()}, {"Retry-After": "60"})
            res = provision(req)
            if res["status"] != "SUCCESS":
                FAILS[ip] = FAILS.get(ip, 0) + 1
            return res
        dm = re.match(r"^/api/v1/([^/]+)/(telemetry|attributes)$", p)
        if dm:
            c = next((c for c in creds.values() if c["credentialsType"] == "ACCESS_TOKEN" and c["credentialsId"] == dm.group(1)), None)
            if not c:
                return (401, None)
            did = c["deviceId"]["id"]
            if m == "POST" and dm.group(2) == "telemetry":
                put_ts(did, self.body(), now()); return (200, None)
            if m == "POST":
                for k, v in (self.body() or {}).items():
                    attrs.setdefault((did, "CLIENT_SCOPE"), {})[k] = (now(), v)
                return (200, None)
            ck, sk = keys_of(q, "clientKeys"), keys_of(q, "sharedKeys")
            res = {}
            for sec, scope, want in (("client", "CLIENT_SCOPE", ck), ("shared", "SHARED_SCOPE", sk)):
                if (ck or sk) and not want:
                    continue
                vals = {k: v for k, (t, v) in attrs.get((did, scope), {}).items() if not want or k in want}
                if vals:
                    res[sec] = vals
            return res
        if p == "/api/auth/login" and m == "POST":
            b = self.body() or {}
            if b.get("username") != EMAIL or b.get("password") != PASSWORD:
                raise ApiError(401, "Invalid username or password", 10)
            return pair()
        if p == "/api/auth/token" and m == "POST":
            return pair()
        auth = self.headers.get("X-Authorization", "")
        if not auth.startswith("Bearer ") or auth.count(".") != 2:
            raise ApiError(401, "Authentication failed", 10)
        if p == "/api/auth/user":
            return {"id": eid("USER", USER), "createdTime": now(), "tenantId": eid("TENANT", TENANT),
                    "customerId": eid("CUSTOMER", NULL), "email": EMAIL, "authority": "TENANT_ADMIN", "name": EMAIL}
        if p == "/api/deviceProfile" and m == "POST":
            b = self.body()
            key = b.get("provisionDeviceKey")
            if key and any(x["provisionDeviceKey"] == key and x["id"]["id"] != (b.get("id") or {}).get("id") for x in profiles.values()):
                raise ApiError(400, "Device profile with such provision device key already exists!")
            pid = str(uuid.uuid1())
            pc = (b.get("profileData") or {}).get("provisionConfiguration") or {}
            if b.get("provisionType") == "X509_CERTIFICATE_CHAIN" and pc.get("provisionDeviceSecret"):
                pc["provisionDeviceSecret"] = trim_cert(pc["provisionDeviceSecret"])
                b["provisionDeviceKey"] = sha3(pc["provisionDeviceSecret"])
            b.update({"id": eid("DEVICE_PROFILE", pid), "createdTime": now(), "tenantId": eid("TENANT", TENANT),
                      "default": False, "version": 1, "provisionType": b.get("provisionType") or "DISABLED"})
            profiles[pid] = b
            return b
        mm = re.match(r"^/api/deviceProfile/([0-9a-f-]+)$", p)
        if mm:
            return profiles.get(mm.group(1)) or (_ for _ in ()).throw(ApiError(404, "not found"))
        if p == "/api/deviceProfiles":
            return page(list(profiles.values()), q)
        info = lambda x: {k: x.get(k) for k in ("id", "tenantId", "name", "image", "defaultDashboardId", "type", "transportType")}
        if p == "/api/deviceProfileInfos":
            return page([info(x) for x in profiles.values()], q)
        if p == "/api/deviceProfileInfo/default":
            return info(next(x for x in profiles.values() if x["default"]))
        if p == "/api/device" and m == "POST":
            tok = q.get("accessToken", [None])[0]
            return create_device(self.body(), {"credentialsType": "ACCESS_TOKEN", "credentialsId": tok} if tok else None)
        if p == "/api/device-with-credentials" and m == "POST":
            b = self.body(); return create_device(b["device"], b["credentials"])
        if p == "/api/device/credentials" and m == "POST":
            b = self.body(); did = b["deviceId"]["id"]
            return save_creds(did, b, creds[did])
        mm = re.match(r"^/api/device/(info/)?([0-9a-f-]+)(/credentials)?$", p)
        if mm:
            d = devices.get(mm.group(2))
            if not d:
                raise ApiError(404, f"Device with id [{mm.group(2)}] is not found")
            if m == "DELETE":
                devices.pop(mm.group(2)); creds.pop(mm.group(2)); return (200, None)
            if mm.group(3):
                return creds[mm.group(2)]
            if mm.group(1):
                return dict(d, deviceProfileName=profiles[d["deviceProfileId"]["id"]]["name"], active=False,
                            customerIsPublic=False, customerTitle=None)
            return d
        if p == "/api/tenant/device":
            d = next((d for d in devices.values() if d["name"] == q.get("deviceName", [""])[0]), None)
            if not d:
                raise ApiError(404, "Requested item wasn't found!")
            return d
        if p == "/api/tenant/devices":
            items = [d for d in devices.values() if not q.get("type") or d["type"] == q["type"][0]]
            return page(items, q)
        if p in ("/api/device/bulk_import", "/api/asset/bulk_import") and m == "POST":
            return bulk(self.body(), "asset" in p)
        if p == "/api/asset" and m == "POST":
            return create_asset(self.body())
        mm = re.match(r"^/api/asset/([0-9a-f-]+)$", p)
        if mm:
            if mm.group(1) not in assets:
                raise ApiError(404, "Asset not found")
            if m == "DELETE":
                assets.pop(mm.group(1)); return (200, None)
            return assets[mm.group(1)]
        if p == "/api/tenant/asset":
            a = next((a for a in assets.values() if a["name"] == q.get("assetName", [""])[0]), None)
            if not a:
                raise ApiError(404, "Requested item wasn't found!")
            return a
        if p == "/api/tenant/assets":
            return page([a for a in assets.values() if not q.get("type") or a["type"] == q["type"][0]], q)
        mm = re.match(r"^/api/plugins/telemetry/(?:DEVICE|ASSET)/([0-9a-f-]+)/(.*)$", p)
        if mm:
            did, rest = mm.groups()
            if did not in devices and did not in assets:
                raise ApiError(404, "not found")
            keys = keys_of(q, "keys") + q.get("key", [])
            sm = re.match(r"^(?:attributes/)?(SERVER_SCOPE|SHARED_SCOPE|CLIENT_SCOPE)$", rest)
            if sm and m == "POST":
                for k, v in self.body().items():
                    attrs.setdefault((did, sm.group(1)), {})[k] = (now(), v)
                return (200, None)
            if sm and m == "DELETE":
                for k in keys:
                    attrs.get((did, sm.group(1)), {}).pop(k, None)
                return (200, None)
            sm = re.match(r"^values/attributes(?:/(\w+))?$", rest)
            if sm:
                scopes = [sm.group(1)] if sm.group(1) else ["CLIENT_SCOPE", "SHARED_SCOPE", "SERVER_SCOPE"]
                return [{"lastUpdateTs": t, "key": k, "value": v} for s in scopes
                        for k, (t, v) in attrs.get((did, s), {}).items() if not keys or k in keys]
            strict = q.get("useStrictDataTypes", ["false"])[0].lower() == "true"
            conv = (lambda v: v) if strict else loose
            if rest == "values/timeseries" and "startTs" not in q:
                return {k: [{"ts": max(pts)[0], "value": conv(max(pts)[1])}] for k, pts in ts.get(did, {}).items() if not keys or k in keys}
            if rest in ("values/timeseries", "values/timeseries/history"):
                s, e = int(q["startTs"][0]), int(q["endTs"][0])
                desc = q.get("orderBy", ["DESC"])[0] == "DESC"
                return {k: [{"ts": t, "value": conv(v)} for t, v in sorted(pts, reverse=desc) if s <= t < e]
                        for k, pts in ts.get(did, {}).items() if k in keys}
            if rest == "keys/timeseries":
                return list(ts.get(did, {}))
        raise ApiError(404, f"no route {m} {p}")


def main():
    global EMAIL, PASSWORD, LIMIT
    import os
    EMAIL, PASSWORD = os.environ["MUSTER_ADMIN_EMAIL"], os.environ["MUSTER_ADMIN_PASSWORD"]
    args = sys.argv[1:]
    host = args[args.index("--host") + 1]
    port = int(args[args.index("--http-port") + 1])
    if "--provision-failure-limit" in args:
        LIMIT = int(args[args.index("--provision-failure-limit") + 1])
    default_profile()
    srv = ThreadingHTTPServer((host, port), H)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=srv.shutdown).start())
    print(f"http listening on {host}:{srv.server_address[1]}", flush=True)
    srv.serve_forever()
    print("bye", flush=True)


if __name__ == "__main__":
    main()

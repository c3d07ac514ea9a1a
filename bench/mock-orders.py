#!/usr/bin/env python3
"""Stand-in for POST /v1/orders that checks what bench/orders.lua sends (self-test of the wrk script).

    python3 bench/mock-orders.py [port=18080] [skus=10000]
    # then: BENCH_TOKEN=x wrk -t2 -c8 -d3s --latency -s bench/orders.lua http://127.0.0.1:18080
    curl -s http://127.0.0.1:18080/stats    # what it saw; also printed on Ctrl-C

Listens on 127.0.0.1 only. Answers 201 (valid, new externalId), 409 with `shortages` for a fraction
MOCK_SHORTAGE_RATE (default 0.05) of valid orders, 409 with `existingOrderId` for a repeated externalId, and 400
for a body that breaks the benchmark's rules (shape, 1-3 distinct SKUs in SKU-1..SKU-N with quantity 1-2, or one
line of HOT-1 quantity 1), 401 without a bearer token.
"""
import json
import random
import re
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 18080
SKUS = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
SHORTAGE_RATE = float(__import__("os").environ.get("MOCK_SHORTAGE_RATE", "0.05"))
SKU_RE = re.compile(r"^SKU-([0-9]+)$")

lock = threading.Lock()
seen = {}
stats = {"requests": 0, "created": 0, "shortage": 0, "duplicate": 0, "invalid": 0, "unauthorized": 0,
         "hot": 0, "uniform": 0, "lines": {}, "quantities": {}, "channel_present": 0, "channel_absent": 0,
         "min_sku": None, "max_sku": None, "first_invalid": None, "sample_body": None}


def check(body):
    """Returns (kind, error) where kind is 'hot' or 'uniform'."""
    o = json.loads(body)
    for k in ("externalId", "currency", "customer", "shippingAddress", "lines"):
        if k not in o:
            return None, "missing " + k
    if set(o) - {"channel", "externalId", "currency", "customer", "shippingAddress", "lines", "holdId"}:
        return None, "unknown field"
    if o["currency"] != "EUR" or not isinstance(o["externalId"], str) or not o["externalId"]:
        return None, "bad currency or externalId"
    if o["customer"] != {"email": "a@example.com", "name": "A"}:
        return None, "bad customer"
    if set(o["shippingAddress"]) != {"line1", "city", "postalCode", "country"}:
        return None, "bad shippingAddress"
    lines = o["lines"]
    if not isinstance(lines, list) or not 1 <= len(lines) <= 3:
        return None, "lines count"
    skus = [l.get("sku") for l in lines]
    if len(set(skus)) != len(skus):
        return None, "duplicate sku in order"
    for l in lines:
        if set(l) != {"sku", "quantity", "unitPrice"} or l["unitPrice"] != "19.90":
            return None, "bad line shape"
        if type(l["quantity"]) is not int or not 1 <= l["quantity"] <= 2:
            return None, "bad quantity"
    if skus == ["HOT-1"]:
        return ("hot", None) if lines[0]["quantity"] == 1 else (None, "hot quantity")
    for s in skus:
        m = SKU_RE.match(s or "")
        if not m or not 1 <= int(m.group(1)) <= SKUS:
            return None, "sku out of range: %s" % s
    return "uniform", None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def reply(self, status, obj, ctype="application/json"):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with lock:
            self.reply(200, stats)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        with lock:
            stats["requests"] += 1
            if not (self.headers.get("Authorization") or "").startswith("Bearer "):
                stats["unauthorized"] += 1
                return self.reply(401, {"status": 401, "title": "Unauthorized"}, "application/problem+json")
            try:
                kind, err = check(body)
            except Exception as e:  # noqa: BLE001 - any parse problem is a 400 here
                kind, err = None, "unparsable: %s" % e
            if err:
                stats["invalid"] += 1
                stats["first_invalid"] = stats["first_invalid"] or (err + " :: " + body.decode()[:300])
                return self.reply(400, {"status": 400, "detail": err}, "application/problem+json")
            o = json.loads(body)
            stats["sample_body"] = stats["sample_body"] or o
            stats[kind] += 1
            stats["channel_present" if "channel" in o else "channel_absent"] += 1
            stats["lines"][len(o["lines"])] = stats["lines"].get(len(o["lines"]), 0) + 1
            for l in o["lines"]:
                stats["quantities"][l["quantity"]] = stats["quantities"].get(l["quantity"], 0) + 1
                m = SKU_RE.match(l["sku"])
                if m:
                    k = int(m.group(1))
                    stats["min_sku"] = k if stats["min_sku"] is None else min(stats["min_sku"], k)
                    stats["max_sku"] = k if stats["max_sku"] is None else max(stats["max_sku"], k)
            key = (o.get("channel"), o["externalId"])
            if key in seen:
                stats["duplicate"] += 1
                return self.reply(409, {"status": 409, "existingOrderId": seen[key]}, "application/problem+json")
            if random.random() < SHORTAGE_RATE:
                stats["shortage"] += 1
                return self.reply(409, {"status": 409, "shortages": [
                    {"sku": o["lines"][0]["sku"], "requested": o["lines"][0]["quantity"], "available": 0}]},
                    "application/problem+json")
            seen[key] = str(uuid.uuid4())
            stats["created"] += 1
            self.reply(201, {"id": seen[key], "externalId": o["externalId"], "status": "ACCEPTED"})


if __name__ == "__main__":
    srv = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    srv.daemon_threads = True
    print("mock orders endpoint on http://127.0.0.1:%d (skus %d)" % (PORT, SKUS), flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        with lock:
            print(json.dumps(stats, indent=1), flush=True)

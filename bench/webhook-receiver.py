#!/usr/bin/env python3
"""A webhook endpoint for the benchmark: answers 200 at once, checks Standard Webhooks signatures with its own HMAC
code, and measures commit -> receipt latency from each body's "timestamp" (the event's time).

    python3 bench/webhook-receiver.py PORT [SECRET ...]

GET /stats returns JSON: received, unique ids, duplicates, bad signatures, requests/s between first and last,
latency p50/p99/max in ms. GET /duplicates lists every repeated (path, webhook-id) with the seconds between its first
and its latest receipt. POST /secrets with one secret per line adds secrets to verify with. GET /reset clears.
Listens on 127.0.0.1 only.
"""
import asyncio
import base64
import datetime
import hashlib
import hmac
import json
import sys
import time

state = {}


def reset():
    state.update(received=0, ids={}, repeats=[], duplicates=0, bad_signatures=0, unverified=0, latencies=[], first=None,
                 last=None)


reset()
secrets = [base64.b64decode(s[len("whsec_"):]) for s in sys.argv[2:]]


def verify(headers, body):
    msg_id, ts, sig = headers.get("webhook-id"), headers.get("webhook-timestamp"), headers.get("webhook-signature")
    if not secrets:
        return None
    if not (msg_id and ts and sig):
        return False
    signed = msg_id.encode() + b"." + ts.encode() + b"." + body
    for key in secrets:
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        for candidate in sig.split(" "):
            if candidate.startswith("v1,") and hmac.compare_digest(candidate[3:], expected):
                return True
    return False


def record(path, headers, body):
    now = time.time()
    state["received"] += 1
    state["first"] = state["first"] or now
    state["last"] = now
    # one webhook-id per event: two subscriptions (paths) legitimately receive the same id
    key = (path, headers.get("webhook-id"))
    if key in state["ids"]:
        state["duplicates"] += 1
        state["repeats"].append({"path": path, "id": key[1], "gap_s": round(now - state["ids"][key], 3)})
    else:
        state["ids"][key] = now
    verdict = verify(headers, body)
    if verdict is False:
        state["bad_signatures"] += 1
    elif verdict is None:
        state["unverified"] += 1
    try:
        stamp = json.loads(body)["timestamp"]
        at = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
        state["latencies"].append((now - at) * 1000)
    except (ValueError, KeyError):
        pass


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))], 1)


def stats():
    span = (state["last"] - state["first"]) if state["first"] else 0
    lat = state["latencies"]
    return {"received": state["received"], "unique": len(state["ids"]), "duplicates": state["duplicates"],
            "bad_signatures": state["bad_signatures"], "unverified": state["unverified"],
            "per_s": round(state["received"] / span, 1) if span > 0 else None, "span_s": round(span, 2),
            "latency_ms": {"p50": percentile(lat, 50), "p99": percentile(lat, 99), "max": round(max(lat), 1) if lat else None}}


async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            out = b""
            if method == "POST" and path == "/secrets":
                secrets.extend(base64.b64decode(s[len("whsec_"):]) for s in body.decode().split() if s)
            elif method == "POST":
                record(path, headers, body)
            elif path == "/duplicates":
                out = json.dumps(state["repeats"]).encode()
            elif path == "/stats":
                out = json.dumps(stats()).encode()
            elif path == "/reset":
                reset()
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                         + str(len(out)).encode() + b"\r\n\r\n" + out)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]), backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())

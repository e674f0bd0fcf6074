#!/usr/bin/env python3
"""A host of fixed capacity for `make bench-politeness`'s adaptive case.

GET /N serves K requests at once in MS milliseconds each, queues the rest in arrival
order, and answers 503 at once beyond 3K in flight (a worker pool with a bounded
backlog). HTTP/1.1 keep-alive, GET only. GET /stats gives "served N rejected N peak N".
Usage: capacity_server.py PORT K MS
"""
import asyncio
import sys

port, capacity, service = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) / 1000
slots = asyncio.Semaphore(capacity)  # FIFO: asyncio wakes waiters in order
state = {"in_flight": 0, "served": 0, "rejected": 0, "peak": 0}
PAGE = b"<!doctype html><title>capacity</title><p>ok</p>"


def response(status, body, content_type=b"text/html"):
    return b"HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s" % (status, content_type, len(body), body)


async def answer(path):
    if path == b"/stats":
        text = "served %(served)d rejected %(rejected)d peak %(peak)d" % state
        return response(b"200 OK", text.encode(), b"text/plain")
    state["in_flight"] += 1
    state["peak"] = max(state["peak"], state["in_flight"])
    try:
        if state["in_flight"] > 3 * capacity:
            state["rejected"] += 1
            return response(b"503 Service Unavailable", b"busy", b"text/plain")
        async with slots:
            await asyncio.sleep(service)
        state["served"] += 1
        return response(b"200 OK", PAGE)
    finally:
        state["in_flight"] -= 1


async def connection(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1]
            writer.write(await answer(path))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(connection, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


asyncio.run(main())

"""The peer for `make bench-ws`: a Python `websockets` client writing the same JSON Lines
as `scrape ws` (url, connection, seq, received_at, type, data), the way the designs
people start from do it: a receive loop, json.loads to tell JSON from text, json.dumps.

Usage: python_client.py URL OUTPUT MAX_MESSAGES
"""
import asyncio
import base64
import datetime
import json
import sys

import websockets


async def main(url: str, output: str, limit: int) -> None:
    seq = 0
    with open(output, "w") as out:
        async with websockets.connect(url, max_size=16 * 1024 * 1024, compression=None) as connection:
            async for message in connection:
                seq += 1
                now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
                record = {"url": url, "connection": 1, "seq": seq, "received_at": now}
                if isinstance(message, bytes):
                    record.update(type="binary", data=base64.b64encode(message).decode())
                else:
                    try:
                        record.update(type="json", data=json.loads(message))
                    except ValueError:
                        record.update(type="text", data=message)
                out.write(json.dumps(record, separators=(",", ":")) + "\n")
                if seq >= limit:
                    break


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))

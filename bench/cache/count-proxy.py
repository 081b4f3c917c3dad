#!/usr/bin/env python3
"""count-proxy.py LISTEN_PORT UPSTREAM_PORT COUNTER_FILE

A TCP proxy on 127.0.0.1:LISTEN_PORT in front of 127.0.0.1:UPSTREAM_PORT (the bench's registry)
that counts every byte going from the registry to its clients (what builders download: manifests,
configs, layers, HTTP headers) and keeps the running total in COUNTER_FILE (one integer,
rewritten after every chunk), so a script reads the bytes of one build as the difference of two
reads, whether or not the client keeps its connections open."""
import asyncio, os, sys

listen, upstream, counter = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
total = 0


def record(n):
    global total
    total += n
    tmp = counter + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(total))
    os.replace(tmp, counter)


async def pipe(reader, writer, count):
    try:
        while True:
            data = await reader.read(1 << 16)
            if not data:
                break
            if count:
                record(len(data))
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def handle(client_reader, client_writer):
    try:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pipe(client_reader, up_writer, False), pipe(up_reader, client_writer, True))


async def main():
    record(0)
    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    async with server:
        await server.serve_forever()

asyncio.run(main())

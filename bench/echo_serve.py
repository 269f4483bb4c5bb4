"""The baseline server: the bare echo app under the same server as `casereview serve`.

Two forked processes share one listening socket, each running waitress with the options
`bot.serve.waitress_options` gives casereview, so turn throughput / bare throughput compares
the app, not two different servers.
"""

from __future__ import annotations

import gc
import os
import signal
import sys

from echo import app  # bench/ is on sys.path when this runs as a script
from waitress.server import create_server

from bot import config
from bot import serve


def main(port: int, processes: int = 2, threads: int = 4) -> None:
    """Serve until SIGTERM, then stop the children."""
    sock = serve.listen("127.0.0.1", port)
    options = serve.waitress_options(config.load(), threads)
    gc.freeze()  # as casereview serve does before it forks
    children = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:
            create_server(app, sockets=[sock], **options).run()
            os._exit(0)
        children.append(pid)

    def stop(*_: object) -> None:
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    for _ in children:
        os.wait()


if __name__ == "__main__":
    main(int(sys.argv[1]))

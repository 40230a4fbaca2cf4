"""Run gunicorn, as deployed (gunicorn.conf.py), for at most LIFETIME seconds.

`python -m tests.live.serve LIFETIME` in the project directory. The master process
stops itself gracefully when the time is up or when the test run that started it is
gone, so no server outlives a killed or crashed test run for long.
"""

import os
import signal
import sys
import threading
import time

from gunicorn.app.wsgiapp import run


def _stop_when_done(lifetime: float, parent: int) -> None:
    deadline = time.monotonic() + lifetime
    while time.monotonic() < deadline and os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)  # gunicorn's graceful shutdown


if __name__ == "__main__":
    lifetime = float(sys.argv[1])
    # Only the master runs this thread: forked workers do not inherit threads.
    threading.Thread(target=_stop_when_done, args=(lifetime, os.getppid()), daemon=True).start()
    sys.argv = ["gunicorn", "--config", "gunicorn.conf.py"]
    run()

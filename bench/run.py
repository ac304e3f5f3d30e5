"""Run the benchmarks: every bench/bench_*.py module, or those named on the command line.

    .venv/bin/python bench/run.py                 # what `make bench` runs
    .venv/bin/python bench/run.py signup --backends sqlite --duration 5
    .venv/bin/python bench/run.py signup --sweep  # compare gunicorn worker settings
    .venv/bin/python bench/run.py blast           # invitation blast, PostgreSQL + Redis

A benchmark module defines `TITLE` and `run(ctx) -> bool`; `ctx.backends` hands out
fresh migrated databases (see harness.Backends) and `ctx.args` holds the options below.
It prints its own table and returns False only when a correctness check fails (e.g.
an oversold session); speed targets are reported, never turned into a failure,
because the figures depend on what else the machine is doing.
"""

from __future__ import annotations

import argparse
import glob
import importlib
import os
import sys
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import harness  # noqa: E402


@dataclass
class Context:
    args: argparse.Namespace
    backends: harness.Backends


def discover() -> dict[str, str]:
    """Short name ("signup") -> module ("bench.bench_signup") for every benchmark file."""
    found = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "bench", "bench_*.py"))):
        module = os.path.splitext(os.path.basename(path))[0]
        found[module[len("bench_") :]] = f"bench.{module}"
    return found


def parse_args(argv: list[str], names: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "only", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all of {', '.join(names)})"
    )
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated (default: %(default)s)")
    parser.add_argument("--clients", default="16,64", help="concurrent clients per row (default: %(default)s)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per row (default: %(default)s)")
    parser.add_argument("--max-requests", type=int, default=20000, help="request cap per row (default: %(default)s)")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: each benchmark's measured choice)"
    )
    parser.add_argument("--worker-class", default=None, help="gunicorn worker class (sync, gthread)")
    parser.add_argument("--threads", type=int, default=None, help="threads per gthread worker")
    parser.add_argument("--sweep", action="store_true", help="compare gunicorn worker settings instead")
    parser.add_argument(
        "--storm-seconds",
        type=float,
        default=5.0,
        help="blast: the click storm's arrivals spread over this many seconds (0: all at once; default: %(default)s)",
    )
    parser.add_argument(
        "--members",
        type=int,
        default=None,
        help="blast: directory members invited (default 10,000; e.g. 300 to run the storm alone quickly)",
    )
    parser.add_argument(
        "--blast-setups",
        default=None,
        help="blast: web nodes x mail workers, comma-separated (default: 1x1,2x2)",
    )
    args = parser.parse_args(argv)
    unknown = set(args.only) - set(names)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(names)}")
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    args.clients = [int(c) for c in args.clients.split(",") if c.strip()]
    return args


def main(argv: list[str]) -> int:
    modules = discover()
    args = parse_args(argv, list(modules))
    chosen = args.only or list(modules)
    began = time.monotonic()
    print(f"[bench] {harness.machine_note()}", flush=True)
    failed = []
    with harness.Backends(args.backends) as backends:
        context = Context(args, backends)
        for name in chosen:
            module = importlib.import_module(modules[name])
            print(f"\n== {name}: {module.TITLE}", flush=True)
            if not module.run(context):
                failed.append(name)
    print(f"\n[bench] done in {time.monotonic() - began:.0f} s; {harness.machine_note()}")
    if failed:
        print(f"[bench] correctness check failed in: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

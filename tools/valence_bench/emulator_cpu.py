#!/usr/bin/env python3
# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""The emulator's CPU per GET /v1/nodes/{uuid}, of builds side by side.

    python3 valence-emulator/measure-cpu.py OLD.jar NEW.jar

Starts one emulator per jar (10,000 nodes, transition delay 0) on free
127.0.0.1 ports, warms each up, then reads distinct nodes from each in
turn, in rounds whose order alternates, and prints the CPU time each JVM
used per request (from /proc/<pid>/stat) and the requests per second. The
load generator is scripts/benchmark.py's. Every loop is bounded; the
emulators are stopped on exit.
"""

import argparse
import json
import os
from pathlib import Path
import subprocess
import sys
import time
import urllib.request

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'scripts'))
import benchmark  # noqa: E402
from ports import free_ports  # noqa: E402

START_TIMEOUT_S = 120


def start(jar, nodes, port):
    env = {**os.environ, 'SERVER_PORT': str(port),
           'EMULATOR_NODE_COUNT': str(nodes),
           'EMULATOR_TRANSITION_DELAY': '0'}
    return subprocess.Popen(['java', '-jar', str(jar)], env=env,
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def node_ids(url):
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + '/v1/nodes', timeout=30) as r:
                return [n['uuid'] for n in json.loads(r.read())]
        except OSError:
            time.sleep(0.5)
    raise SystemExit('the emulator at %s did not answer within %ss'
                     % (url, START_TIMEOUT_S))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('jars', nargs='+', type=Path)
    parser.add_argument('--nodes', type=int, default=10000)
    parser.add_argument('--warmup-s', type=int, default=30)
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--cell-s', type=int, default=4)
    args = parser.parse_args()
    ports = free_ports(len(args.jars))
    processes = [start(jar, args.nodes, port)
                 for jar, port in zip(args.jars, ports)]
    try:
        targets = [benchmark.Target(str(jar), 'http://127.0.0.1:%d' % port,
                                    '/v1/nodes/%s')
                   for jar, port in zip(args.jars, ports)]
        nodes = node_ids(targets[0].base_url)
        for target in targets:
            node_ids(target.base_url)
            benchmark.load(target, nodes, 4, 10 ** 6, args.warmup_s, [])
        cells = {}
        for r in range(args.rounds):
            order = list(zip(targets, processes))
            if r % 2:
                order.reverse()
            for concurrency in (1, 4):
                for target, process in order:
                    lat, errors, wall, cpu = benchmark.load(
                        target, nodes, concurrency, 100000, args.cell_s,
                        [process.pid])
                    cell = cells.setdefault((target.name, concurrency),
                                            [0, 0, 0.0, 0.0])
                    cell[0] += len(lat)
                    cell[1] += errors
                    cell[2] += wall
                    cell[3] += cpu[process.pid]
        print('emulator GET /v1/nodes/{uuid} of %d nodes, %d rounds of %d s'
              ' cells; CPU of the emulator JVM per request'
              % (args.nodes, args.rounds, args.cell_s))
        print('%-60s %4s %8s %7s %12s' % ('jar', 'conc', 'req/s', 'errors',
                                          'cpu ms/req'))
        for (name, concurrency), (count, errors, wall, cpu) in cells.items():
            print('%-60s %4d %8.0f %7d %12.3f' % (
                name[-60:], concurrency, count / wall, errors,
                1000 * cpu / max(count, 1)))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
    return 0


if __name__ == '__main__':
    sys.exit(main())

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

    tools/bench emulator-cpu OLD.jar NEW.jar

Starts one emulator per jar (10,000 nodes, transition delay 0) on free
127.0.0.1 ports, warms each up, then reads distinct nodes from each in
turn, in rounds whose order alternates, and prints the CPU time each JVM
used per request (from /proc/<pid>/stat) and the requests per second.
Every loop is bounded, the whole run by --max-seconds; the emulators are
stopped on exit.
"""

from pathlib import Path

import ports

from valence_bench import children
from valence_bench import loadclient


def run(args, started, deadline):
    urls = []
    emulators = []
    for n, (jar, port) in enumerate(zip(args.jars,
                                        ports.free_ports(len(args.jars)))):
        urls.append('http://127.0.0.1:%d' % port)
        emulators.append(started.emulator(
            port, args.nodes, argv=['java', '-jar', jar],
            name='emulator-%d' % n))
    for url, emulator in zip(urls, emulators):
        emulator.wait_ready(url + '/', deadline)
    targets = [loadclient.Target(str(jar), url, '/v1/nodes/%s')
               for jar, url in zip(args.jars, urls)]
    client = loadclient.Client(urls[0])
    nodes = [n['uuid'] for n in client.json('GET', '/v1/nodes')]
    client.close()
    for target in targets:
        loadclient.load(target, nodes, 4, 10 ** 6, args.warmup_s, [])
    cells = {}
    for r in range(args.rounds):
        deadline.check('round %d' % (r + 1))
        order = list(zip(targets, emulators))
        if r % 2:
            order.reverse()
        for concurrency in (1, 4):
            for target, emulator in order:
                lat, errors, wall, cpu = loadclient.load(
                    target, nodes, concurrency, 100000, args.cell_s,
                    [emulator.pid])
                cell = cells.setdefault((target.name, concurrency),
                                        [0, 0, 0.0, 0.0])
                cell[0] += len(lat)
                cell[1] += errors
                cell[2] += wall
                cell[3] += cpu[emulator.pid]
    print('emulator GET /v1/nodes/{uuid} of %d nodes, %d rounds of %d s'
          ' cells; CPU of the emulator JVM per request'
          % (args.nodes, args.rounds, args.cell_s))
    print('%-60s %4s %8s %7s %12s' % ('jar', 'conc', 'req/s', 'errors',
                                      'cpu ms/req'))
    for (name, concurrency), (count, errors, wall, cpu) in cells.items():
        print('%-60s %4d %8.0f %7d %12.3f' % (
            name[-60:], concurrency, count / wall, errors,
            1000 * cpu / max(count, 1)))


def main(argv, prog):
    parser = children.parser(prog, __doc__.splitlines()[0], 900)
    parser.add_argument('jars', nargs='+', type=Path)
    parser.add_argument('--nodes', type=children.positive, default=10000)
    parser.add_argument('--warmup-s', type=children.positive, default=30)
    parser.add_argument('--rounds', type=children.positive, default=5)
    parser.add_argument('--cell-s', type=children.positive, default=4)
    return children.run_parsed(parser, argv, run)

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

"""The service's CPU per node read: POST /v1/power-reads against GET.

One service, started as it ships, against one emulator of --nodes nodes
(0 s transitions). After a warm-up of both ways, each round reads the
same number of distinct nodes once through GET /v1/nodes/{id}/power and
once through POST /v1/power-reads in batches of --batch, from one caller
on one keep-alive connection each, the order alternating from round to
round. For each cell it reads the CPU time of the service and of the
emulator from /proc (all threads) and prints it per node read, with the
ratio batch/single per round.

Every process listens on 127.0.0.1; every loop is bounded in count and
in time, the whole run by --max-seconds.
"""

import random
import secrets
import time

from valence_bench import children
from valence_bench import loadclient
from valence_bench import proc


def singles(client, nodes, deadline):
    """Reads each node with its own GET; (node reads, failures)."""
    failures = 0
    for node in nodes:
        deadline.check('single reads')
        status, _ = client.call('GET', '/v1/nodes/%s/power' % node)
        failures += status != 200
    return len(nodes), failures


def batches(client, nodes, size, deadline):
    """Reads the nodes in POSTs of `size`; (node reads, failed nodes)."""
    failures = 0
    for i in range(0, len(nodes), size):
        deadline.check('batch reads')
        chunk = nodes[i:i + size]
        answer = client.json('POST', '/v1/power-reads', {'nodes': chunk})
        if sorted(answer['nodes']) != sorted(chunk):
            raise RuntimeError('a batch answered other nodes than it asked')
        failures += sum('error' in read for read in answer['nodes'].values())
    return len(nodes), failures


def run(args, started, deadline):
    token = 'bench-' + secrets.token_urlsafe(24)
    emulator_url, emulator, service_url, service = started.valence(
        args.nodes, token, deadline)
    direct = loadclient.Client(emulator_url)
    nodes = [n['uuid'] for n in direct.json('GET', '/v1/nodes')]
    direct.close()
    client = loadclient.Client(service_url, token)
    ways = {'single': lambda chunk: singles(client, chunk, deadline),
            'batch': lambda chunk: batches(client, chunk, args.batch,
                                           deadline)}
    print('==> warm-up: %d rounds of %d node reads each way (not counted)'
          % (args.warmup_rounds, len(nodes)))
    for _ in range(args.warmup_rounds):
        for way in ways.values():
            random.shuffle(nodes)
            way(nodes)
    pids = {'service': service.pid, 'emulator': emulator.pid}
    per_round = {(way, name): [] for way in ways for name in pids}
    totals = {way: [0, 0, 0.0] for way in ways}
    for r in range(args.rounds):
        order = sorted(ways) if r % 2 == 0 else sorted(ways)[::-1]
        for way in order:
            random.shuffle(nodes)
            before = {n: proc.cpu_seconds(p) for n, p in pids.items()}
            began = time.perf_counter()
            reads, failures = ways[way](nodes)
            totals[way][2] += time.perf_counter() - began
            for name, pid in pids.items():
                cpu = proc.cpu_seconds(pid) - before[name]
                per_round[(way, name)].append(1000 * cpu / reads)
            totals[way][0] += reads
            totals[way][1] += failures
        print('    round %d/%d done' % (r + 1, args.rounds))
    client.close()
    print('\nCPU ms per node read, %d nodes, %d rounds of %d node reads each '
          'way (batches of %d), one caller each'
          % (args.nodes, args.rounds, len(nodes), args.batch))
    for way in sorted(ways):
        reads, failures, wall = totals[way]
        print('    %-6s reads %6d failed %3d  %7.0f reads/s  service %s  '
              'emulator %s' % (
                  way, reads, failures, reads / wall,
                  ' '.join('%.3f' % x for x in per_round[(way, 'service')]),
                  ' '.join('%.3f' % x for x in per_round[(way, 'emulator')])))
    for name in pids:
        ratios = [b / s for b, s in zip(per_round[('batch', name)],
                                        per_round[('single', name)])]
        print('    ratio batch/single, %-8s per round: %s' % (
            name, ' '.join('%.2f' % x for x in ratios)))


def main(argv, prog):
    parser = children.parser(prog, __doc__, 600)
    parser.add_argument('--nodes', type=children.positive, default=4000)
    parser.add_argument('--batch', type=children.positive, default=100)
    parser.add_argument('--rounds', type=children.positive, default=8)
    parser.add_argument('--warmup-rounds', type=children.positive, default=10)
    return children.run_parsed(parser, argv, run)

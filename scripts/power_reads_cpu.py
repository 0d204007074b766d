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

import argparse
import secrets
import sys
import time

# scripts/ is on the path as this file's directory.
import benchmark
import fleet
from ports import free_ports
import processes


def start(procs, args, token, deadline, service_env=None):
    """Starts the emulator of args.nodes nodes and the service, both ready.

    :param service_env: further environment of the service.
    :returns: (emulator URL, its process, service URL, its process).
    """
    emulator_port, service_port = free_ports(2)
    emulator_url = 'http://127.0.0.1:%d' % emulator_port
    service_url = 'http://127.0.0.1:%d' % service_port
    emulator = procs.start(
        'emulator', ['java', '-jar', fleet.EMULATOR_JAR],
        {'SERVER_PORT': str(emulator_port),
         'EMULATOR_NODE_COUNT': str(args.nodes),
         'EMULATOR_TRANSITION_DELAY': '0'})
    service = procs.start(
        'service', processes.service_command(),
        {'SERVER_PORT': str(service_port), 'VALENCE_URL': emulator_url,
         'VALENCE_DRIVER_TOKEN': token, **(service_env or {})})
    emulator.wait_ready(emulator_url + '/', deadline)
    service.wait_ready(service_url + '/actuator/health', deadline)
    return emulator_url, emulator, service_url, service


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


def run(args, procs, deadline):
    token = 'bench-' + secrets.token_urlsafe(24)
    emulator_url, emulator, service_url, service = start(
        procs, args, token, deadline)
    direct = benchmark.Client(emulator_url)
    nodes = [n['uuid'] for n in direct.json('GET', '/v1/nodes')]
    direct.close()
    client = benchmark.Client(service_url, token)
    ways = {'single': lambda chunk: singles(client, chunk, deadline),
            'batch': lambda chunk: batches(client, chunk, args.batch,
                                           deadline)}
    print('==> warm-up: %d rounds of %d node reads each way (not counted)'
          % (args.warmup_rounds, len(nodes)))
    for _ in range(args.warmup_rounds):
        for way in ways.values():
            benchmark.random.shuffle(nodes)
            way(nodes)
    pids = {'service': service.pid, 'emulator': emulator.pid}
    per_round = {(way, name): [] for way in ways for name in pids}
    totals = {way: [0, 0, 0.0] for way in ways}
    for r in range(args.rounds):
        order = sorted(ways) if r % 2 == 0 else sorted(ways)[::-1]
        for way in order:
            benchmark.random.shuffle(nodes)
            before = {n: benchmark.cpu_seconds(p) for n, p in pids.items()}
            began = time.perf_counter()
            reads, failures = ways[way](nodes)
            totals[way][2] += time.perf_counter() - began
            for name, pid in pids.items():
                cpu = benchmark.cpu_seconds(pid) - before[name]
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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--nodes', type=fleet.positive, default=4000)
    parser.add_argument('--batch', type=fleet.positive, default=100)
    parser.add_argument('--rounds', type=fleet.positive, default=8)
    parser.add_argument('--warmup-rounds', type=fleet.positive, default=10)
    parser.add_argument('--max-seconds', type=fleet.positive, default=600)
    args = parser.parse_args()
    return fleet.run_bounded(run, args,
                             fleet.ROOT / '.run' / 'power-reads-cpu')


if __name__ == '__main__':
    sys.exit(main())

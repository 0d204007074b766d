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

"""tools/bench reads: the service beside the emulator it reads.

Starts an emulator of 10,000 nodes (transition delay 0) and the service
against it with the JVM's defaults, then measures: (a) node reads directly
and through the service side by side, (b) single flight, (c) a power
cycle, (d) the memory of both processes. --long runs more and longer
rounds. Every request goes to 127.0.0.1; every loop is bounded in count
and in time, the whole run by --max-seconds.
"""

import http.client
import random
import secrets
import threading
import time

import ports

from valence_bench import children
from valence_bench.loadclient import CLIENT
from valence_bench.loadclient import Client
from valence_bench.loadclient import load
from valence_bench.loadclient import ms
from valence_bench.loadclient import percentile
from valence_bench.loadclient import prometheus_sum
from valence_bench.loadclient import REQUEST_TIMEOUT_S
from valence_bench.loadclient import Target
from valence_bench.proc import live_heap_bytes
from valence_bench.proc import vm_rss_bytes

NODE_COUNT = 10000

# short: the default, well under three minutes with start-up; long: --long.
PROFILES = {
    'short': {'warmup_s': 30, 'rounds': 5, 'cell_s': 4,
              'cell_requests': 20000, 'bursts': 5, 'cycles': 10},
    'long': {'warmup_s': 40, 'rounds': 10, 'cell_s': 10,
             'cell_requests': 100000, 'bursts': 20, 'cycles': 30},
}
CONCURRENCIES = (1, 16)
SINGLE_FLIGHT_CALLERS = 16
INJECTED_LATENCY_MS = 200
POWER_SETTLE_READS = 50


def measure_reads(targets, nodes, profile, pids):
    """(a): direct and service reads, in alternating order, in rounds."""
    print('==> warm-up: %ss per target at concurrency 16 (not counted)'
          % profile['warmup_s'])
    for target in targets:
        load(target, nodes, 16, 10 ** 6, profile['warmup_s'], [])
    cells = {(t.name, c): {'lat': [], 'errors': 0, 'wall': 0.0,
                           'cpu': {pid: 0.0 for pid in pids + [CLIENT]}}
             for t in targets for c in CONCURRENCIES}
    throughput_ratios = {c: [] for c in CONCURRENCIES}
    for r in range(profile['rounds']):
        # Alternating who goes first spreads a slow spell over both.
        order = targets if r % 2 == 0 else list(reversed(targets))
        for c in CONCURRENCIES:
            rates = {}
            for target in order:
                random.shuffle(nodes)
                lat, errors, wall, cpu = load(
                    target, nodes, c, profile['cell_requests'],
                    profile['cell_s'], pids)
                cell = cells[(target.name, c)]
                cell['lat'].extend(lat)
                cell['errors'] += errors
                cell['wall'] += wall
                for pid, used in cpu.items():
                    cell['cpu'][pid] += used
                rates[target.name] = len(lat) / wall
            throughput_ratios[c].append(rates['service'] / rates['direct'])
        print('    round %d/%d done' % (r + 1, profile['rounds']))
    for cell in cells.values():
        cell['lat'].sort()
    return cells, throughput_ratios


def report_reads(cells, throughput_ratios, pids_by_name, node_count):
    print('\n(a) reads of %d different nodes: emulator GET /v1/nodes/{uuid} '
          '(direct) vs service GET /v1/nodes/{id}/power (service)'
          % node_count)
    print('    latency in ms; CPU in ms per request used by the service JVM, '
          'the emulator JVM and this load generator while the cell ran')
    print('    %-8s %4s %8s %8s %8s %8s %7s %6s %7s %7s %7s' % (
        'target', 'conc', 'p50', 'p95', 'p99', 'max', 'req/s', 'errors',
        'cpu svc', 'cpu emu', 'cpu gen'))
    for c in CONCURRENCIES:
        for name in ('direct', 'service'):
            cell = cells[(name, c)]
            lat = cell['lat']
            count = len(lat) or 1
            print('    %-8s %4d %s %s %s %s %7.0f %6d %7.3f %7.3f %7.3f' % (
                name, c, ms(percentile(lat, 50)), ms(percentile(lat, 95)),
                ms(percentile(lat, 99)), ms(lat[-1] if lat else None),
                len(lat) / cell['wall'], cell['errors'],
                1000 * cell['cpu'][pids_by_name['service']] / count,
                1000 * cell['cpu'][pids_by_name['emulator']] / count,
                1000 * cell['cpu'][CLIENT] / count))
    print('    ratio service/direct:')
    for c in CONCURRENCIES:
        d, s = cells[('direct', c)], cells[('service', c)]
        print('      conc %2d: p50 x%.2f  p95 x%.2f  p99 x%.2f  '
              'throughput x%.2f (per round: %s)' % (
                  c, *(percentile(s['lat'], p) / percentile(d['lat'], p)
                       for p in (50, 95, 99)),
                  (len(s['lat']) / s['wall']) / (len(d['lat']) / d['wall']),
                  ' '.join('%.2f' % x for x in throughput_ratios[c])))


def burst(service_url, token, node_of_caller):
    """One GET /v1/nodes/{id} per caller, all released at once.

    Each connection is opened beforehand with a call that reaches no
    Valence path (the OpenAPI document), so that the callers really
    overlap. Returns the statuses
    and the burst's wall time.
    """
    callers = len(node_of_caller)
    clients = [Client(service_url, token) for _ in range(callers)]
    statuses = [None] * callers
    go = threading.Barrier(callers + 1, timeout=30)

    def caller(i):
        try:
            go.wait()
            statuses[i] = clients[i].call(
                'GET', '/v1/nodes/%s' % node_of_caller[i])[0]
        except (http.client.HTTPException, OSError):
            statuses[i] = 'failed'

    try:
        for client in clients:
            client.json('GET', '/v3/api-docs')
        threads = [threading.Thread(target=caller, args=(i,), daemon=True)
                   for i in range(callers)]
        for t in threads:
            t.start()
        go.wait()
        began = time.perf_counter()
        for t in threads:
            t.join(REQUEST_TIMEOUT_S)
        return statuses, time.perf_counter() - began
    finally:
        for client in clients:
            client.close()


def measure_single_flight(service_url, token, emulator_url, nodes, bursts):
    """(b): K identical concurrent reads vs the upstream calls they caused."""
    service, emulator = Client(service_url, token), Client(emulator_url)
    k = SINGLE_FLIGHT_CALLERS

    def upstream_reads():
        # A read resent on a new connection is one read in two calls.
        return (prometheus_sum(service,
                               'valence_upstream_requests_seconds_count',
                               operation='get_node')
                - prometheus_sum(service,
                                 'valence_upstream_stale_connections_total',
                                 operation='get_node'))

    emulator.json('PUT', '/emulator/faults',
                  {'latency_ms': INJECTED_LATENCY_MS})
    try:
        rows = []
        # The last burst is the control: K different nodes, K upstream reads.
        plans = ([[nodes[b]] * k for b in range(bursts)]
                 + [nodes[bursts:bursts + k]])
        for plan in plans:
            before = upstream_reads()
            statuses, wall = burst(service_url, token, plan)
            rows.append((len(set(plan)), statuses.count(200), len(statuses),
                         upstream_reads() - before, wall))
    finally:
        emulator.json('DELETE', '/emulator/faults', expect=204)
        service.close()
        emulator.close()
    print('\n(b) single flight: %d concurrent GET /v1/nodes/{id} through '
          'the service, emulator latency %d ms injected'
          % (k, INJECTED_LATENCY_MS))
    print('    %-22s %9s %9s %14s %9s' % (
        'burst', 'requests', 'answered', 'upstream calls', 'wall ms'))
    for i, (distinct, ok, sent, upstream, wall) in enumerate(rows):
        label = ('same node #%d' % (i + 1) if distinct == 1
                 else 'control: %d nodes' % distinct)
        print('    %-22s %9d %9d %14.0f %9.0f' % (label, sent, ok, upstream,
                                                  wall * 1000))
    same = rows[:-1]
    calls = sum(r[3] for r in same)
    print('    same-node bursts: %d requests caused %.0f upstream calls '
          '(collapse factor %.1f)' % (sum(r[2] for r in same), calls,
                                      sum(r[2] for r in same) / max(calls, 1)))


def settle_direct(emulator, node, state):
    for _ in range(POWER_SETTLE_READS):
        node_state = emulator.json('GET', '/v1/nodes/%s' % node)
        if node_state['node_power_state'] == state:
            return
    raise RuntimeError('node %s not %s after %d reads'
                       % (node, state, POWER_SETTLE_READS))


def measure_power(service_url, token, emulator_url, nodes, profile):
    """(c): power on then off, via the service and by hand directly."""
    service, emulator = Client(service_url, token), Client(emulator_url)

    def via_service(node):
        for target in ('power on', 'power off'):
            service.json('PUT', '/v1/nodes/%s/power' % node,
                         {'target': target, 'timeout': 30})

    def direct(node):
        for reset, state in (('On', 'On'), ('ForceOff', 'Off')):
            emulator.json('POST', '/v1/nodes/%s/action' % node,
                          {'Reset': {'Type': reset}}, expect=204)
            settle_direct(emulator, node, state)

    ways = {'direct': direct, 'service': via_service}
    times = {name: [] for name in ways}
    n = profile['cycles']
    try:
        for r in range(profile['rounds']):
            order = sorted(ways) if r % 2 == 0 else sorted(ways, reverse=True)
            for name in order:
                offset = (r * 2 + (name == 'service')) * n
                for node in nodes[offset:offset + n]:
                    began = time.perf_counter()
                    ways[name](node)
                    times[name].append(time.perf_counter() - began)
    finally:
        service.close()
        emulator.close()
    print('\n(c) power cycle (power on, then power off, transition delay 0): '
          'service PUT /v1/nodes/{id}/power x2 vs direct Reset action + '
          'read until settled x2')
    print('    %-8s %6s %8s %8s %8s' % (
        'way', 'cycles', 'p50 ms', 'p95 ms', 'max ms'))
    for name in ('direct', 'service'):
        t = sorted(times[name])
        print('    %-8s %6d %s %s %s' % (name, len(t), ms(percentile(t, 50)),
                                         ms(percentile(t, 95)), ms(t[-1])))
    print('    ratio service/direct p50: x%.2f' % (
        percentile(sorted(times['service']), 50)
        / percentile(sorted(times['direct']), 50)))


def report_memory(service_url, token, pids_by_name):
    """(d): the service's memory after the load, and the emulator's."""
    service = Client(service_url, token)
    try:
        used = prometheus_sum(service, 'jvm_memory_used_bytes', area='heap')
        committed = prometheus_sum(service, 'jvm_memory_committed_bytes',
                                   area='heap')
    finally:
        service.close()
    mib = 1024 * 1024
    print('\n(d) memory after the load, in MiB')
    print('    service heap used %.1f of %.1f committed (actuator: '
          'jvm_memory_used_bytes, area="heap", summed over the pools)'
          % (used / mib, committed / mib))
    print('    %-9s %9s %28s' % ('process', 'VmRSS',
                                 'live heap after a full GC'))
    for name in ('service', 'emulator'):
        pid = pids_by_name[name]
        # Read before the full GC that the live heap figure forces.
        rss = vm_rss_bytes(pid)
        print('    %-9s %9.1f %28.1f' % (name, rss / mib,
                                         live_heap_bytes(pid) / mib))


def run(args, started, deadline):
    emulator_port, service_port = ports.free_ports(2)
    emulator_url = 'http://127.0.0.1:%d' % emulator_port
    service_url = 'http://127.0.0.1:%d' % service_port
    token = 'bench-' + secrets.token_urlsafe(24)
    emulator = started.emulator(emulator_port, NODE_COUNT)
    service = started.service(service_port, emulator_url, token,
                              argv=['java', '-jar', children.SERVICE_JAR])
    emulator.wait_ready(emulator_url + '/', deadline)
    service.wait_ready(service_url + '/actuator/health', deadline)
    profile = PROFILES['long' if args.long else 'short']
    pids_by_name = {'service': service.pid, 'emulator': emulator.pid}
    client = Client(emulator_url)
    nodes = [n['uuid'] for n in client.json('GET', '/v1/nodes')]
    client.close()
    print('==> %d nodes; profile %s' % (len(nodes), profile))
    targets = [
        Target('direct', emulator_url, '/v1/nodes/%s'),
        Target('service', service_url, '/v1/nodes/%s/power', token),
    ]
    cells, ratios = measure_reads(targets, list(nodes), profile,
                                  list(pids_by_name.values()))
    report_reads(cells, ratios, pids_by_name, len(nodes))
    deadline.check('single flight')
    measure_single_flight(service_url, token, emulator_url, nodes,
                          profile['bursts'])
    deadline.check('power cycles')
    measure_power(service_url, token, emulator_url, nodes, profile)
    report_memory(service_url, token, pids_by_name)


def main(argv, prog):
    parser = children.parser(prog, __doc__, 900)
    parser.add_argument('--long', action='store_true',
                        help='more rounds and longer cells')
    return children.run_parsed(parser, argv, run)

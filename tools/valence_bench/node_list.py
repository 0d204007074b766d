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

"""The node list at pod scale: the service's paged GET /v1/nodes and
`baremetal valence node list`, end to end.

One emulator seeded with --nodes composed nodes (0 s transitions), one
service in front of it (started as it ships, its node list reading
--parallelism nodes at once) and a single-process Ironic (SQLite, noauth)
for the CLI, which asks Ironic for the nodes of the valence driver. For
each emulator latency of --latencies (ms added to every Valence call), after
one list of every node through the service that is not counted (the JIT's
warm-up), each of --rounds rounds lists every node once through the
service (following the pages with the shim's pager, from one caller on
one keep-alive connection) and once with the CLI (through Ironic's API and
the conductor's passthru, as an operator lists them), checking that every node
came back once and in order. It prints the wall time of each, the pages
(the pager asks for smaller ones after a page the service could not read in
time) and the slowest of them, and the CPU time the service and the
emulator used, with the machine's load, and writes them to a result file.

Every process listens on 127.0.0.1; every loop is bounded in count and
in time, the whole run by --max-seconds.
"""

import argparse
import json
import os
import secrets
import subprocess
import time
import urllib.parse

import ironic_conf
from ironic_valence import paging
from ironic_valence import protocol
from ironic_valence import utils
from ironic_valence import vendor
import ports

from valence_bench import children
from valence_bench import loadclient
from valence_bench import proc
from valence_bench import results
from valence_bench.stack import VENV_BIN

# The service's driver.node-list.parallelism accepts these.
PARALLELISM = (1, 128)
MAX_LATENCY_MS = 1000


def start_ironic(started, service_url, token, deadline):
    """A single-process Ironic for the CLI, ready; returns its URL."""
    # No node of the valence driver is enrolled: the sync never runs.
    _, ironic_url = ironic_conf.start_single(
        started.start, started.log_dir / 'ironic-state',
        ports.free_ports(1)[0], service_url, token,
        max(1, deadline.left()), bin_dir=VENV_BIN,
        ready=lambda child, url: child.wait_ready(url, deadline))
    return ironic_url


class PageFailed(RuntimeError):
    """A page the service answered with an error; code is its code."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


def service_list(service_url, token, deadline, seconds=None):
    """Every node through the shim's pager, as the CLI follows the pages.

    Within `seconds` (by default the conductor's bound under Ironic's
    default configuration) and the run's deadline.

    :returns: (node ids, [(page size asked, seconds, status)...]).
    :raises PageFailed: when a page failed and the pager gave up.
    :raises waiting.OutOfTime: when the run's deadline came first.
    """
    if seconds is None:
        seconds = vendor.list_seconds()
    pages = []
    client = loadclient.Client(service_url, token)

    def fetch_page(path):
        deadline.check('the service node list')
        began = time.perf_counter()
        status, body = client.call('GET', protocol.API_VERSION_PREFIX + path)
        limit = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)[
            protocol.NODE_LIST_LIMIT][0]
        pages.append((int(limit), time.perf_counter() - began, status))
        answer = json.loads(body)
        if status != 200:
            raise PageFailed('%s answered %s' % (path, status),
                             answer.get('code'))
        return answer

    try:
        nodes = paging.every_node(
            fetch_page, time.monotonic() + min(seconds,
                                               max(0, deadline.left())),
            # As the conductor waits for a page, with the default
            # [valence]answer_margin.
            utils.service_client().wait_for(protocol.READ_BUDGET_SECONDS),
            PageFailed)
    finally:
        client.close()
    return [node['node_id'] for node in nodes], pages


def page_figures(pages):
    """The pages of one list: their sizes, failed ones, the slowest."""
    return {'pages': len(pages),
            'page_sizes': sorted({limit for limit, _, _ in pages},
                                 reverse=True),
            'failed_pages': sorted(status for _, _, status in pages
                                   if status != 200),
            'slowest_page_s': max(seconds for _, seconds, _ in pages)}


def describe(figures):
    failed = figures['failed_pages']
    return '%d pages of %s%s, slowest %.2f s' % (
        figures['pages'], '/'.join(map(str, figures['page_sizes'])),
        ' (%d answered %s)' % (len(failed), sorted(set(failed)))
        if failed else '', figures['slowest_page_s'])


def cli_list(env, deadline):
    """Every node with `baremetal valence node list`: its node ids."""
    result = subprocess.run(
        [VENV_BIN / 'baremetal', '--os-baremetal-api-version', 'latest',
         'valence', 'node', 'list', '-f', 'value', '-c', 'UUID'],
        env=env, capture_output=True, text=True, check=True,
        stdin=subprocess.DEVNULL, timeout=max(1, deadline.left()))
    return result.stdout.split()


def check(ids, expected, way):
    """:raises RuntimeError: when ids are not the expected ones in order."""
    if ids != expected:
        raise RuntimeError('%s listed %d nodes, %d distinct, not the %d '
                           'composed nodes in order'
                           % (way, len(ids), len(set(ids)), len(expected)))


def measure(way, list_nodes, expected, pids):
    """One list: its wall time and the CPU seconds of each process."""
    before = {name: proc.cpu_seconds(pid) for name, pid in pids.items()}
    began = time.perf_counter()
    ids, pages = list_nodes()
    figures = {'wall_s': time.perf_counter() - began}
    check(ids, expected, way)
    figures['cpu_s'] = {name: proc.cpu_seconds(pid) - before[name]
                        for name, pid in pids.items()}
    if pages is not None:
        figures.update(page_figures(pages))
    return figures


def run(args, started, deadline):
    token = 'bench-' + secrets.token_urlsafe(24)
    emulator_url, emulator, service_url, service = started.valence(
        args.nodes, token, deadline,
        {'DRIVER_NODELIST_PARALLELISM': str(args.parallelism)})
    ironic_url = start_ironic(started, service_url, token, deadline)
    pids = {'service': service.pid, 'emulator': emulator.pid}
    direct = loadclient.Client(emulator_url)
    expected = sorted(n['uuid'] for n in direct.json('GET', '/v1/nodes'))
    direct.close()
    env = {**os.environ, 'OS_ENDPOINT': ironic_url, 'OS_AUTH_TYPE': 'none'}
    print('==> %d composed nodes, node list parallelism %d, %d CPUs, '
          'load average %s' % (args.nodes, args.parallelism, os.cpu_count(),
                               ' '.join('%.1f' % x for x in os.getloadavg())))
    began = time.perf_counter()
    subprocess.run([VENV_BIN / 'baremetal', 'valence', 'node', 'list',
                    '--help'], env=env, capture_output=True, check=True,
                   stdin=subprocess.DEVNULL, timeout=max(1, deadline.left()))
    cli_help_s = time.perf_counter() - began
    print('    the CLI alone (baremetal valence node list --help): %.2f s'
          % cli_help_s)
    ways = {'service': lambda: service_list(service_url, token, deadline),
            'cli': lambda: (cli_list(env, deadline), None)}
    measured = []
    for latency in args.latencies:
        # A connection of its own: the emulator closes one idle for long.
        direct = loadclient.Client(emulator_url)
        direct.json('PUT', '/emulator/faults', {'latency_ms': latency})
        direct.close()
        # Not bounded as a counted list: JVMs just started, on a busy
        # machine, read far slower than warm ones.
        warmup = measure('the warm-up service list', lambda: service_list(
            service_url, token, deadline, deadline.left()), expected, pids)
        print('    latency %3d ms, warm-up list (not counted): %s'
              % (latency, describe(warmup)))
        rounds = []
        for r in range(args.rounds):
            rounds.append({way: measure(way, list_nodes, expected, pids)
                           for way, list_nodes in ways.items()})
            print('    latency %3d ms, round %d/%d: %s; load %.1f' % (
                latency, r + 1, args.rounds, '; '.join(
                    '%s %.2f s (service CPU %.1f s, emulator %.1f s%s)' % (
                        way, f['wall_s'], f['cpu_s']['service'],
                        f['cpu_s']['emulator'],
                        ', ' + describe(f) if 'pages' in f else '')
                    for way, f in rounds[-1].items()),
                os.getloadavg()[0]))
        measured.append({'latency_ms': latency, 'warmup': warmup,
                         'rounds': rounds})
    results.write(results.record('node-list', args.command, {
        'nodes': args.nodes, 'parallelism': args.parallelism,
        'cli_help_s': cli_help_s, 'latencies': measured}))


def bounded(low, high, what):
    """argparse's type of an integer from low to high."""
    def parse(text):
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError('%s: from %d to %d'
                                             % (what, low, high))
        return value
    return parse


def latencies(text):
    """argparse's type of --latencies: comma-separated ms, 0 to 1000."""
    each = bounded(0, MAX_LATENCY_MS, 'each latency (ms)')
    return [each(x) for x in text.split(',')]


def main(argv, prog):
    parser = children.parser(prog, __doc__, 1200)
    parser.add_argument('--nodes', type=children.positive, default=10000,
                        help='composed nodes the emulator is seeded with')
    parser.add_argument('--parallelism', type=bounded(*PARALLELISM,
                                                      'parallelism'),
                        default=16, help='the service\'s '
                        'driver.node-list.parallelism (%d..%d)' % PARALLELISM)
    parser.add_argument('--latencies', type=latencies, default=[0, 50],
                        help='comma-separated ms added to every Valence '
                        'call, one pass each (0..%d)' % MAX_LATENCY_MS)
    parser.add_argument('--rounds', type=children.positive, default=3,
                        help='counted lists each way per latency')
    return children.run_parsed(parser, argv, run)

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
one keep-alive connection) and once with the CLI, checking that every node
came back once and in order. It prints the wall time of each, the pages
(the pager asks for smaller ones after a page the service could not read in
time) and the slowest of them, and the CPU time the service and the
emulator used, with the machine's load.

Every process listens on 127.0.0.1; every loop is bounded in count and
in time, the whole run by --max-seconds.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.parse

# scripts/ is on the path as this file's directory.
import benchmark
import fleet
import ironic_conf
from ironic_valence import paging
from ironic_valence import protocol
from ports import free_ports
import power_reads_cpu


# As the CLI: cli.LIST_TIMEOUT_SECONDS for the list, and for each page the
# read budget, the service's overshoot and the CLI's margin.
LIST_TIMEOUT_S = 300
PAGE_WAIT_S = (protocol.READ_BUDGET_SECONDS
               + protocol.ANSWER_OVERSHOOT_SECONDS + 5)


def start(procs, args, token, deadline):
    """Starts the emulator, the service and Ironic, all ready.

    :returns: ({'emulator': process, 'service': process}, emulator URL,
        service URL, Ironic URL).
    """
    emulator_url, emulator, service_url, service = power_reads_cpu.start(
        procs, args, token, deadline,
        {'DRIVER_NODELIST_PARALLELISM': str(args.parallelism)})
    ironic_port, = free_ports(1)
    ironic_url = 'http://127.0.0.1:%d' % ironic_port
    state_dir = procs.log_dir / 'ironic-state'
    # A database of an earlier run would refuse create_schema.
    shutil.rmtree(state_dir, ignore_errors=True)
    ironic_conf.prepare_state_dir(str(state_dir))
    config = state_dir / 'ironic.conf'
    # No node of the valence driver is enrolled: the sync never runs.
    ironic_conf.write(config, ironic_conf.render(
        str(state_dir), '127.0.0.1', ironic_port, service_url, token, 600))
    subprocess.run([fleet.VENV_BIN / 'ironic-dbsync', '--config-file',
                    config, 'create_schema'], check=True,
                   capture_output=True, timeout=max(1, deadline.left()))
    ironic = procs.start('ironic', [fleet.VENV_BIN / 'ironic',
                                    '--config-file', config])
    ironic.wait_ready(ironic_url + '/v1', deadline)
    return ({'emulator': emulator, 'service': service}, emulator_url,
            service_url, ironic_url)


class PageFailed(RuntimeError):
    """A page the service answered with an error; code is its code."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


def service_list(service_url, token, deadline):
    """Every node through the shim's pager, as the CLI follows the pages.

    :returns: (node ids, [(page size asked, seconds, status)...]).
    """
    pages = []
    client = benchmark.Client(service_url, token)

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
        nodes = paging.every_node(fetch_page,
                                  time.monotonic() + LIST_TIMEOUT_S,
                                  PAGE_WAIT_S, PageFailed)
    finally:
        client.close()
    return [node['node_id'] for node in nodes], pages


def describe(pages):
    """The pages of one list: how many of each size, failed ones, slowest."""
    failed = [status for _, _, status in pages if status != 200]
    sizes = sorted({limit for limit, _, _ in pages}, reverse=True)
    return '%d pages of %s%s, slowest %.2f s' % (
        len(pages), '/'.join(map(str, sizes)),
        ' (%d answered %s)' % (len(failed), sorted(set(failed)))
        if failed else '', max(seconds for _, seconds, _ in pages))


def cli_list(env, deadline):
    """Every node with `baremetal valence node list`: its node ids."""
    result = subprocess.run(
        [fleet.VENV_BIN / 'baremetal', '--os-baremetal-api-version',
         'latest', 'valence', 'node', 'list', '-f', 'value', '-c', 'UUID'],
        env=env, capture_output=True, text=True, check=True,
        stdin=subprocess.DEVNULL, timeout=max(1, deadline.left()))
    return result.stdout.split()


def check(ids, expected, way):
    if ids != expected:
        raise RuntimeError('%s listed %d nodes, %d distinct, not the %d '
                           'composed nodes in order'
                           % (way, len(ids), len(set(ids)), len(expected)))


def run(args, procs, deadline):
    token = 'bench-' + secrets.token_urlsafe(24)
    pids, emulator_url, service_url, ironic_url = start(
        procs, args, token, deadline)
    direct = benchmark.Client(emulator_url)
    expected = sorted(n['uuid'] for n in direct.json('GET', '/v1/nodes'))
    direct.close()
    env = {**os.environ, 'OS_ENDPOINT': ironic_url, 'OS_AUTH_TYPE': 'none',
           'VALENCE_DRIVER_URL': service_url, 'VALENCE_DRIVER_TOKEN': token}
    print('==> %d composed nodes, node list parallelism %d, %d CPUs, '
          'load average %s' % (args.nodes, args.parallelism, os.cpu_count(),
                               ' '.join('%.1f' % x for x in os.getloadavg())))
    began = time.perf_counter()
    subprocess.run([fleet.VENV_BIN / 'baremetal', 'valence', 'node', 'list',
                    '--help'], env=env, capture_output=True, check=True,
                   stdin=subprocess.DEVNULL, timeout=max(1, deadline.left()))
    print('    the CLI alone (baremetal valence node list --help): %.2f s'
          % (time.perf_counter() - began))
    for latency in args.latencies:
        # A connection of its own: the emulator closes one idle for long.
        direct = benchmark.Client(emulator_url)
        direct.json('PUT', '/emulator/faults', {'latency_ms': latency})
        direct.close()
        ids, pages = service_list(service_url, token, deadline)
        check(ids, expected, 'the warm-up service list')
        print('    latency %3d ms, warm-up list (not counted): %s'
              % (latency, describe(pages)))
        for r in range(args.rounds):
            cells = []
            for way in ('service', 'cli'):
                before = {n: benchmark.cpu_seconds(p.pid)
                          for n, p in pids.items()}
                began = time.perf_counter()
                if way == 'service':
                    ids, pages = service_list(service_url, token, deadline)
                else:
                    ids = cli_list(env, deadline)
                wall = time.perf_counter() - began
                check(ids, expected, way)
                cpu = {n: benchmark.cpu_seconds(p.pid) - before[n]
                       for n, p in pids.items()}
                cells.append('%s %.2f s (service CPU %.1f s, emulator %.1f s'
                             '%s)' % (way, wall, cpu['service'],
                                      cpu['emulator'],
                                      ', ' + describe(pages)
                                      if way == 'service' else ''))
            print('    latency %3d ms, round %d/%d: %s; load %.1f'
                  % (latency, r + 1, args.rounds, '; '.join(cells),
                     os.getloadavg()[0]))


def latencies(text):
    values = [int(x) for x in text.split(',')]
    if any(not 0 <= x <= 1000 for x in values):
        raise argparse.ArgumentTypeError('each from 0 to 1000 ms')
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--nodes', type=fleet.positive, default=10000)
    parser.add_argument('--parallelism', type=fleet.positive, default=16)
    parser.add_argument('--latencies', type=latencies, default=[0, 50])
    parser.add_argument('--rounds', type=fleet.positive, default=3)
    parser.add_argument('--max-seconds', type=fleet.positive, default=1200)
    args = parser.parse_args()
    return fleet.run_bounded(run, args,
                             fleet.ROOT / '.run' / 'node-list-bench')


if __name__ == '__main__':
    sys.exit(main())

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

"""Enrolment at pod scale: `baremetal valence node enroll --all` against
Ironic's own REST API, in one run.

One emulator seeded with --nodes composed nodes (0 s transitions) and one
service in front of it. Then, each against a fresh single-process Ironic
(SQLite, noauth), the ways in --order:

- rest: as an operator enrols nodes through Ironic's REST API
  (openstacksdk, as `baremetal node create` and `node manage` do): each
  node created with the driver and driver_info, then moved to manageable,
  --concurrency requests at a time, until every node is manageable;
- cli: `baremetal valence node enroll --all --concurrency N`, which also
  lists the composed nodes and Ironic's nodes first, until it exits, every
  row enrolled (manageable).

Both ways go through the same verification, whose verify step checks each
composed node and records it in the node's history.

Each is checked: N Ironic nodes of the valence driver, all manageable, one
per composed node. It prints the nodes enrolled a second by each and the
ratio cli / rest, with the machine's load, and writes them to a result
file. Every process listens on 127.0.0.1; every wait is bounded, the whole
run by --max-seconds.
"""

import argparse
import os
import secrets
import subprocess
import time

from ironic_valence import passthru

from valence_bench import children
from valence_bench import loadclient
from valence_bench import results
from valence_bench.stack import enroll_through_api
from valence_bench.stack import VENV_BIN

WAYS = ('rest', 'cli')
# The CLI's bound of --concurrency.
MAX_CONCURRENCY = 10


def enrolled(ironic_url):
    """The valence nodes of that Ironic: {uuid: (valence node, state)}."""
    import openstack

    baremetal = openstack.connection.Connection(
        auth_type='none', baremetal_endpoint_override=ironic_url,
        baremetal_api_version='1', api_timeout=60).baremetal
    return {node.id: ((node.driver_info or {}).get(passthru.NODE_ID_FIELD),
                      node.provision_state)
            for node in baremetal.nodes(driver=passthru.DRIVER, fields=[
                'uuid', 'driver_info', 'provision_state'])}


def check(nodes, composed, way):
    """Checks that each composed node has one manageable Ironic node.

    :raises RuntimeError: when not.
    """
    driven = sorted(str(valence_id) for valence_id, _ in nodes.values())
    states = {state for _, state in nodes.values()}
    if driven != composed or states != {'manageable'}:
        raise RuntimeError(
            '%s left %d Ironic nodes for %d distinct composed nodes (of %d) '
            'in states %s, not one manageable node per composed node'
            % (way, len(nodes), len(set(driven)), len(composed),
               sorted(states, key=str)))


def rest(ironic_url, composed, concurrency, env, deadline):
    enroll_through_api(ironic_url, passthru.DRIVER,
                       [{passthru.NODE_ID_FIELD: uuid} for uuid in composed],
                       concurrency, deadline)


def cli(ironic_url, composed, concurrency, env, deadline):
    result = subprocess.run(
        [VENV_BIN / 'baremetal', '--os-baremetal-api-version', 'latest',
         'valence', 'node', 'enroll', '--all', '--concurrency',
         str(concurrency), '-f', 'value', '-c', 'Result'],
        env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        timeout=max(1, deadline.left()))
    rows = result.stdout.splitlines()
    if result.returncode != 0 or set(rows) != {'enrolled (manageable)'}:
        raise RuntimeError('baremetal valence node enroll --all exited %d '
                           'with %d rows: %s'
                           % (result.returncode, len(rows),
                              (result.stderr or '').strip()[-500:]))


def run(args, started, deadline):
    token = 'bench-' + secrets.token_urlsafe(24)
    emulator_url, _, service_url, _ = started.valence(args.nodes, token,
                                                      deadline)
    direct = loadclient.Client(emulator_url)
    composed = sorted(n['uuid'] for n in direct.json('GET', '/v1/nodes'))
    direct.close()
    print('==> %d composed nodes, concurrency %d, %d CPUs, load average %s'
          % (args.nodes, args.concurrency, os.cpu_count(),
             ' '.join('%.1f' % x for x in os.getloadavg())))
    ways = {'rest': rest, 'cli': cli}
    figures = {}
    for way in args.order:
        ironic, ironic_url = started.single_ironic(service_url, token,
                                                   deadline)
        env = {**os.environ, 'OS_ENDPOINT': ironic_url,
               'OS_AUTH_TYPE': 'none'}
        load = os.getloadavg()[0]
        began = time.perf_counter()
        ways[way](ironic_url, composed, args.concurrency, env, deadline)
        seconds = time.perf_counter() - began
        check(enrolled(ironic_url), composed, way)
        figures[way] = {'seconds': seconds, 'per_s': args.nodes / seconds,
                        'load_before': load, 'load_after': os.getloadavg()[0]}
        print('    %-4s %d nodes manageable in %.1f s: %.1f nodes/s; load '
              '%.1f then %.1f' % (way, args.nodes, seconds,
                                  figures[way]['per_s'], load,
                                  figures[way]['load_after']))
        started.stop(ironic)
    ratio = figures['cli']['per_s'] / figures['rest']['per_s']
    print('    cli / rest: x%.2f (goal: at least x0.80)' % ratio)
    results.write(results.record('enroll', args.command, {
        'nodes': args.nodes, 'concurrency': args.concurrency,
        'order': args.order, 'ways': figures, 'cli_over_rest': ratio}))


def order(text):
    """argparse's type of --order: rest,cli or cli,rest."""
    ways = text.split(',')
    if sorted(ways) != sorted(WAYS):
        raise argparse.ArgumentTypeError('rest,cli or cli,rest, not %s'
                                         % text)
    return ways


def main(argv, prog):
    parser = children.parser(prog, __doc__, 1800)
    parser.add_argument('--nodes', type=children.positive, default=1000,
                        help='composed nodes the emulator is seeded with')
    parser.add_argument('--concurrency', type=int, default=8,
                        choices=range(1, MAX_CONCURRENCY + 1),
                        metavar='1..%d' % MAX_CONCURRENCY,
                        help='requests at a time, both ways')
    parser.add_argument('--order', type=order, default=list(WAYS),
                        help='which way goes first: rest,cli or cli,rest')
    return children.run_parsed(parser, argv, run)

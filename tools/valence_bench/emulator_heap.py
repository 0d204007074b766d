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


"""The emulator's live heap with 0 and with N seeded nodes, and per node.

    tools/bench emulator-heap [--nodes 10000]

Starts an emulator with no node, then one with N, one after the other on
a free 127.0.0.1 port; after one full listing and one node's detail (so
that lazily built parts, links and Jackson's caches, count too) reads its
live heap, what is left after the full GC of `jcmd <pid>
GC.class_histogram`, and prints the difference. Every wait is bounded;
the emulators are stopped on exit.
"""


import ports

from valence_bench import children
from valence_bench import loadclient
from valence_bench import proc

MIB = 1024 * 1024


def live_heap(started, nodes, deadline):
    """The live heap in bytes of an emulator seeded with `nodes` nodes."""
    port, = ports.free_ports(1)
    url = 'http://127.0.0.1:%d' % port
    emulator = started.emulator(port, nodes, name='emulator-%d' % nodes)
    try:
        emulator.wait_ready(url + '/', deadline)
        client = loadclient.Client(url)
        listing = client.json('GET', '/v1/nodes')
        if listing:
            client.json('GET', '/v1/nodes/%s' % listing[0]['uuid'])
        client.close()
        return proc.live_heap_bytes(emulator.pid)
    finally:
        started.stop(emulator)


def run(args, started, deadline):
    base = live_heap(started, 0, deadline)
    full = live_heap(started, args.nodes, deadline)
    print('live heap with 0 nodes:      %d bytes' % base)
    print('live heap with %d nodes: %d bytes' % (args.nodes, full))
    print('difference: %.1f MiB, %.0f bytes per node'
          % ((full - base) / MIB, (full - base) / args.nodes))


def main(argv, prog):
    parser = children.parser(prog, __doc__.splitlines()[0], 300)
    parser.add_argument('--nodes', type=children.positive, default=10000)
    return children.run_parsed(parser, argv, run)

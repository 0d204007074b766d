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

"""The emulator's and the service's CPU while idle, by node count.

    tools/bench idle-cpu [--nodes 1000 10000] [--windows 3] [--window-s 60]

One emulator seeded with each node count and one service in front of
each, all running at once, so that every window sees the same machine
load whatever its node count. Each service first reads every node of its
emulator, power and detail (--load-s seconds at most), as a power sync
does; then nothing is sent, and the CPU time each JVM uses (all its
threads, from /proc) is read at both ends of each window, in ms of CPU per
second, with the threads that used the most. Every process listens on
127.0.0.1; every load and wait is bounded, the whole run by --max-seconds.
"""

import re
import secrets
import time

import ports

from valence_bench import children
from valence_bench import loadclient
from valence_bench import proc

TOP_THREADS = 4


def thread_kind(name):
    """A thread's name without its number: one pool is one kind."""
    return re.sub(r'[-#]?\d+$', '', name) or name


def used_by_kind(before, after):
    """CPU seconds by thread kind between two proc.thread_cpu_seconds().

    A thread started since counts from 0; one that ended is not counted.
    """
    kinds = {}
    for tid, (name, seconds) in after.items():
        used = seconds - before.get(tid, (name, 0.0))[1]
        kinds[thread_kind(name)] = kinds.get(thread_kind(name), 0.0) + used
    return kinds


def start(started, args, deadline):
    """{(node count, part): pid}, each stack loaded once."""
    token = 'idle-' + secrets.token_urlsafe(24)
    pids = {}
    stacks = []
    free = iter(ports.free_ports(2 * len(args.nodes)))
    for nodes in args.nodes:
        emulator_port, service_port = next(free), next(free)
        emulator_url = 'http://127.0.0.1:%d' % emulator_port
        service_url = 'http://127.0.0.1:%d' % service_port
        emulator = started.emulator(emulator_port, nodes,
                                    name='emulator-%d' % nodes)
        service = started.service(service_port, emulator_url, token,
                                  name='service-%d' % nodes)
        stacks.append((nodes, emulator_url, service_url, emulator, service))
        pids[(nodes, 'emulator')] = emulator.pid
        pids[(nodes, 'service')] = service.pid
    for nodes, emulator_url, service_url, emulator, service in stacks:
        emulator.wait_ready(emulator_url + '/', deadline)
        service.wait_ready(service_url + '/actuator/health', deadline)
        client = loadclient.Client(emulator_url)
        uuids = [n['uuid'] for n in client.json('GET', '/v1/nodes')]
        client.close()
        for path in ('/v1/nodes/%s/power', '/v1/nodes/%s'):
            target = loadclient.Target(str(nodes), service_url, path, token)
            _, errors, wall, _ = loadclient.load(
                target, uuids, 4, len(uuids), args.load_s, [])
            print('==> %d nodes: %s read through the service in %.0fs, '
                  '%d errors' % (nodes, path % '{id}', wall, errors))
    return pids


def run(args, started, deadline):
    pids = start(started, args, deadline)
    print('==> settling for %ds, then %d idle windows of %ds'
          % (args.settle_s, args.windows, args.window_s))
    time.sleep(min(args.settle_s, max(0, deadline.left())))
    windows = {key: [] for key in pids}
    threads = {key: {} for key in pids}
    for w in range(args.windows):
        deadline.check('window %d' % (w + 1))
        before = {key: (proc.cpu_seconds(pid), proc.thread_cpu_seconds(pid))
                  for key, pid in pids.items()}
        began = time.monotonic()
        time.sleep(min(args.window_s, max(0, deadline.left())))
        wall = time.monotonic() - began
        for key, pid in pids.items():
            cpu, tasks = before[key]
            windows[key].append(1000 * (proc.cpu_seconds(pid) - cpu) / wall)
            for kind, seconds in used_by_kind(
                    tasks, proc.thread_cpu_seconds(pid)).items():
                threads[key][kind] = threads[key].get(kind, 0.0) + seconds
        print('    window %d/%d: %s' % (w + 1, args.windows, ', '.join(
            '%s %d %.1f' % (part, nodes, windows[(nodes, part)][-1])
            for nodes, part in sorted(pids))))
    report(args, windows, threads)


def report(args, windows, threads):
    print('\nidle CPU, ms per second of wall time, %d windows of %ds '
          '(/proc, all threads)' % (args.windows, args.window_s))
    print('%-9s %6s %8s  %-30s  %s' % (
        'part', 'nodes', 'mean', 'per window', 'top threads (ms/s)'))
    seconds = args.windows * args.window_s
    for nodes, part in sorted(windows, key=lambda k: (k[1], k[0])):
        per_window = windows[(nodes, part)]
        top = sorted(threads[(nodes, part)].items(), key=lambda kv: -kv[1])
        print('%-9s %6d %8.1f  %-30s  %s' % (
            part, nodes, sum(per_window) / len(per_window),
            ' '.join('%.1f' % x for x in per_window),
            ', '.join('%s %.1f' % (name, 1000 * s / seconds)
                      for name, s in top[:TOP_THREADS])))


def main(argv, prog):
    parser = children.parser(prog, __doc__.splitlines()[0], 1200)
    parser.add_argument('--nodes', type=children.positive, nargs='+',
                        default=[1000, 10000])
    parser.add_argument('--windows', type=children.positive, default=3)
    parser.add_argument('--window-s', type=children.positive, default=60)
    parser.add_argument('--settle-s', type=children.positive, default=30,
                        help='seconds between the last read and the first '
                        'window')
    parser.add_argument('--load-s', type=children.positive, default=120,
                        help='bound of each pass of reads through a service')
    return children.run_parsed(parser, argv, run)

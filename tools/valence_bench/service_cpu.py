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

"""tools/bench service-cpu A B: the service's CPU per power read.

Two variants of the service (a jar and its JVM options each) against one
emulator of 10,000 nodes, loaded in turn with GET /v1/nodes/{id}/power
after a warm-up: a paced cell, callers taking turns at a few hundred
requests a second across the nodes as the workers of Ironic's power sync
do, and a back-to-back cell of one caller. Which variant goes first
alternates from round to round. For each cell it reads the service's CPU
time from /proc (all threads, and its JIT compiler threads as
tools/bench fleet reads them) and its resident set.

A variant is JAR, JAR@OPTIONS or @OPTIONS: a service jar (the one built
here by default) and a java @argfile of JVM options (none: the JVM's
defaults). Every process listens on 127.0.0.1; every load is bounded in
requests and seconds, the whole run by --max-seconds.
"""

import argparse
import dataclasses
from pathlib import Path
import random
import secrets

import ports

from valence_bench import children
from valence_bench import loadclient
from valence_bench import proc

NODE_COUNT = 10000
MIB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Cell:
    name: str
    concurrency: int
    # requests a second in all; None: back to back
    rate: float
    seconds: float


@dataclasses.dataclass
class Figures:
    requests: int = 0
    errors: int = 0
    cpu_s: float = 0.0
    jit_s: float = 0.0
    rss_max: int = 0
    latencies: list = dataclasses.field(default_factory=list)
    # CPU ms per request, round by round
    per_round: list = dataclasses.field(default_factory=list)


def variant(spec):
    """(jar, JVM arguments) of a JAR, JAR@OPTIONS or @OPTIONS argument."""
    jar, _, options = spec.partition('@')
    jar = Path(jar) if jar else children.SERVICE_JAR
    if not jar.is_file():
        raise argparse.ArgumentTypeError('no jar at %s' % jar)
    if options and not Path(options).is_file():
        raise argparse.ArgumentTypeError('no JVM options file at %s'
                                         % options)
    return spec, jar, ['@%s' % Path(options).resolve()] if options else []


def start(started, args, token, deadline):
    """The emulator and one service per variant; their URLs and pids."""
    emulator_port, *service_ports = ports.free_ports(1 + len(args.variants))
    emulator_url = 'http://127.0.0.1:%d' % emulator_port
    emulator = started.emulator(emulator_port, NODE_COUNT)
    services = []
    for label, (spec, jar, jvm_args), port in zip(
            'AB', args.variants, service_ports):
        url = 'http://127.0.0.1:%d' % port
        print('==> service %s: java %s -jar %s at %s'
              % (label, ' '.join(jvm_args) or '(JVM defaults)', jar, url))
        services.append((label, url, started.service(
            port, emulator_url, token, ['java', *jvm_args, '-jar', jar],
            name='service-%s' % label)))
    emulator.wait_ready(emulator_url + '/', deadline)
    for _, url, process in services:
        process.wait_ready(url + '/actuator/health', deadline)
    return emulator_url, services


def measure(target, nodes, cell, pid, figures):
    jit_before = proc.jvm_cpu_seconds(pid)['jit']
    latencies, errors, _, cpu = loadclient.load(
        target, nodes, cell.concurrency, 10 ** 6, cell.seconds, [pid],
        rate=cell.rate)
    jit = proc.jvm_cpu_seconds(pid)['jit'] - jit_before
    figures.requests += len(latencies)
    figures.errors += errors
    figures.cpu_s += cpu[pid]
    figures.jit_s += jit
    figures.latencies.extend(latencies)
    figures.per_round.append(1000 * cpu[pid] / max(len(latencies), 1))
    figures.rss_max = max(figures.rss_max, proc.vm_rss_bytes(pid))


def run(args, started, deadline):
    token = 'bench-' + secrets.token_urlsafe(24)
    emulator_url, services = start(started, args, token, deadline)
    emulator = loadclient.Client(emulator_url)
    nodes = [n['uuid'] for n in emulator.json('GET', '/v1/nodes')]
    emulator.close()
    targets = {label: (loadclient.Target(label, url, '/v1/nodes/%s/power',
                                         token), process.pid)
               for label, url, process in services}
    print('==> warm-up: %ss of back-to-back reads per service, 4 callers '
          '(not counted)' % args.warmup)
    for target, _ in targets.values():
        _, errors, _, _ = loadclient.load(target, nodes, 4, 10 ** 7,
                                          args.warmup, [])
        if errors:
            raise RuntimeError('%d reads failed while warming up; see %s'
                               % (errors, started.log_dir))
    cells = (Cell('paced', args.callers, args.rate, args.cell_seconds),
             Cell('back-to-back', 1, None, args.cell_seconds / 2))
    figures = {(label, c.name): Figures() for label in targets for c in cells}
    for r in range(args.rounds):
        deadline.check('round %d' % (r + 1))
        order = sorted(targets) if r % 2 == 0 else sorted(targets)[::-1]
        for cell in cells:
            for label in order:
                target, pid = targets[label]
                random.shuffle(nodes)
                measure(target, nodes, cell, pid, figures[(label, cell.name)])
        print('    round %d/%d done' % (r + 1, args.rounds))
    report(args, cells, figures, sorted(targets))


def cpu_ms(figures):
    return 1000 * figures.cpu_s / max(figures.requests, 1)


def report(args, cells, figures, labels):
    print('\n(cpu) the service\'s CPU per GET /v1/nodes/{id}/power, %d '
          'nodes, %d rounds after %ss of warm-up'
          % (NODE_COUNT, args.rounds, args.warmup))
    for label, (spec, _, _) in zip(labels, args.variants):
        print('    %s = %s' % (label, spec))
    print('    cpu ms/req: the service JVM\'s CPU (all threads, /proc) per '
          'answered request; jit: its JIT compiler threads\' share; '
          'RSS: VmRSS peak after a cell')
    print('    %-13s %-3s %8s %6s %7s %8s %8s %10s %5s %8s  %s' % (
        'cell', 'var', 'requests', 'errors', 'req/s', 'p50 ms', 'p99 ms',
        'cpu ms/req', 'jit', 'RSS MiB', 'cpu ms/req per round'))
    for cell in cells:
        for label in labels:
            f = figures[(label, cell.name)]
            lat = sorted(f.latencies)
            p50, p99 = (loadclient.ms(loadclient.percentile(lat, p))
                        for p in (50, 99))
            print('    %-13s %-3s %8d %6d %7.0f %s %s %10.3f %4.0f%% %8.1f  %s'
                  % (cell.name, label, f.requests, f.errors,
                     f.requests / (cell.seconds * args.rounds), p50, p99,
                     cpu_ms(f), 100 * f.jit_s / max(f.cpu_s, 1e-9),
                     f.rss_max / MIB,
                     ' '.join('%.3f' % x for x in f.per_round)))
    a, b = labels
    for cell in cells:
        fa, fb = figures[(a, cell.name)], figures[(b, cell.name)]
        rounds = ' '.join('%.2f' % (y / x)
                          for x, y in zip(fa.per_round, fb.per_round))
        print('    ratio %s/%s %-13s cpu per request x%.2f (per round: %s)'
              % (b, a, cell.name, cpu_ms(fb) / cpu_ms(fa), rounds))


def main(argv, prog):
    parser = children.parser(prog, __doc__, 900)
    parser.add_argument('variants', nargs=2, type=variant,
                        metavar='VARIANT', help='JAR, JAR@OPTIONS or @OPTIONS')
    parser.add_argument('--rounds', type=children.positive, default=4)
    parser.add_argument('--warmup', type=children.positive, default=40,
                        help='seconds of warm-up per service')
    parser.add_argument('--cell-seconds', type=children.positive, default=10,
                        help='seconds of a paced cell (back to back: half)')
    parser.add_argument('--callers', type=children.positive, default=8,
                        help='concurrent callers of a paced cell')
    parser.add_argument('--rate', type=children.positive, default=300,
                        help='requests a second in all of a paced cell')
    return children.run_parsed(parser, argv, run)

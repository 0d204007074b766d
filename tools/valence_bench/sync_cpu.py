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

"""The shim's conductor CPU per synced node, measured in-process.

tools/bench sync-cpu runs this with the Python of the shim's venv (Ironic
39).
One Python process holds Ironic's conductor code, a SQLite database made by
Ironic's own schema and objects (the fleet's enrolment, stack.py), N nodes of
`fake-hardware` (Ironic's floor, no I/O) and N of `valence` (against an
emulator and the service started on 127.0.0.1). Each round syncs every node
of each kind the way Ironic's periodic power sync does, per node a shared
task (task_manager.acquire(..., purpose='power state sync')) and
ironic.conductor.manager.do_sync_power_state() with health monitoring on,
and reads this process's CPU time (time.process_time(), all its threads)
around each kind. The difference per node is what the shim adds to the
conductor's CPU. The JVMs are other processes: their CPU is not in these
figures (tools/bench fleet measures it).

Variants measured in the same rounds, on the same nodes, each leading a
round in turn; the figures are medians over the rounds:
  --before-client FILE  valence-FILE'S-NAME: another version of the
                        shim's client.py (git show BASE:shim-python/...) in
                        place of the current one; may be given again;
  --no-http             valence-no-http: the service's answer (a real one,
                        read once) handed over in-process, which separates
                        the HTTP exchange from the rest of a valence node.
--micro CALLS then times single GETs of a power state, the shim's way and
requests', urllib3's and http.client's lower levels; --profile LINES prints
a cProfile (CPU time) of one more round of valence nodes.

By default one thread syncs the nodes: the figure is CPU, not the GIL
handoffs of Ironic's 8 sync workers (--threads 8 adds those). Metrics go to
Ironic's default no-op backend, as in a deployment without statsd.

Every process listens on 127.0.0.1; the run is bounded by --max-seconds and
--rounds; the emulator and the service are stopped on exit, on Ctrl-C and on
SIGTERM.
"""

import argparse
import concurrent.futures
import cProfile
import dataclasses
import functools
import importlib.util
import json
import os
from pathlib import Path
import platform
import pstats
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
import types

from valence_bench import children
from valence_bench import loadclient
from valence_bench import stack
from valence_bench import waiting

KINDS = ('fake', 'valence')
MICRO_ROUNDS = 5


def prepare(args, backends, deadline):
    """The database with N nodes of each kind, and ironic.conf for both.

    :returns: the path of ironic.conf.
    """
    state_dir = args.work_dir / 'ironic'
    shutil.rmtree(state_dir, ignore_errors=True)
    # The fleet's configuration of the fake kind, both hardware
    # types enabled: the interface lists already hold valence's.
    both = dataclasses.replace(stack.KINDS['fake'],
                               driver='fake-hardware,valence')
    # Neither Ironic's API nor statsd is used here (Syncer): port 9,
    # discard, stands for both.
    config = stack.write_config(both, state_dir, 9, backends, 9)
    subprocess.run([stack.VENV_BIN / 'ironic-dbsync', '--config-file',
                    config, 'create_schema'], check=True,
                   capture_output=True, timeout=max(1, deadline.left()))
    for name in KINDS:
        kind = stack.KINDS[name]
        specs = state_dir / ('%s-nodes.json' % name)
        specs.write_text(json.dumps(backends.node_specs(kind)))
        # In a process of its own, as the fleet enrolls: this one
        # loads the drivers only once its configuration is final.
        with open(state_dir / 'enroll.log', 'ab') as log:
            subprocess.run(stack.enroll_argv(config, kind.driver, specs),
                           check=True, stdout=log, stderr=subprocess.STDOUT,
                           timeout=max(1, deadline.left()))
    return config


class Syncer:
    """Ironic's per-node power sync, in this process."""

    def __init__(self, config, threads, before_client, no_http):
        import ironic.command  # noqa: F401  (picks the threading backend)
        from ironic.conf import CONF
        CONF(['--config-file', str(config)], project='ironic')
        # Before any metrics logger exists: a deployment without statsd.
        CONF.set_override('backend', 'noop', group='metrics')
        from ironic.common import context
        from ironic.conductor import manager
        from ironic.conductor import task_manager
        from ironic import objects
        from ironic_valence import utils
        objects.register_all()
        self.ctx = context.get_admin_context()
        self.acquire = task_manager.acquire
        self.do_sync = manager.do_sync_power_state
        self.utils = utils
        drivers = {stack.KINDS[k].driver: k for k in KINDS}
        self.nodes = {k: [] for k in KINDS}
        for node in objects.Node.list(self.ctx):
            self.nodes[drivers[node.driver]].append(node.uuid)
        # Variant name -> (the kind of its nodes, the shim's service client).
        self.variants = {'fake': ('fake', None),
                         'valence': ('valence', utils.service_client())}
        for path in before_client:
            self.variants['valence-' + path.stem] = (
                'valence', self.client_of(load_module(path)))
        if no_http:
            self.variants['valence-no-http'] = ('valence',
                                                self.answered_in_process())
        self.pool = (concurrent.futures.ThreadPoolExecutor(threads)
                     if threads > 1 else None)
        self.failed = 0

    def answered_in_process(self):
        """A client whose every power read is the first node's real one.

        With it the shim's and Ironic's code for a valence node run
        without the HTTP exchange: what the exchange costs is the
        difference to the valence variant.
        """
        client = self.variants['valence'][1]
        with self.acquire(self.ctx, self.nodes['valence'][0],
                          shared=True) as task:
            node_id = task.node.driver_info['valence_node_id']
        answer = client.request(self.ctx, 'GET',
                                '/v1/nodes/%s/power' % node_id)
        return types.SimpleNamespace(
            request=lambda *args, **kwargs: dict(answer),
            redact=client.redact, wait_for=client.wait_for)

    def client_of(self, module):
        """The service client of another version of client.py.

        A version of module functions is its own client; a version with a
        ServiceClient class builds one from the configuration.
        """
        if not hasattr(module, 'ServiceClient'):
            return module
        current = self.utils.client
        self.utils.client = module
        self.utils.service_client.cache_clear()
        try:
            return self.utils.service_client()
        finally:
            self.utils.client = current
            self.utils.service_client.cache_clear()

    def sync_one(self, uuid):
        """Whether the node's power state could not be read."""
        with self.acquire(self.ctx, uuid, shared=True,
                          purpose='power state sync') as task:
            # The count of failed attempts: 0 once the read succeeded.
            return self.do_sync(task, 0) != 0

    def sync_all(self, variant, threads=True):
        """CPU seconds of this process to sync every node of variant once.

        :param threads: False syncs in this thread, whatever --threads says.
        """
        kind, client = self.variants[variant]
        if client:
            # The interfaces reach the service through
            # utils.service_client() alone.
            self.utils.service_client = lambda: client
        began = time.process_time()
        if self.pool and threads:
            failed = sum(self.pool.map(self.sync_one, self.nodes[kind]))
        else:
            failed = sum(map(self.sync_one, self.nodes[kind]))
        seconds = time.process_time() - began
        self.failed += failed
        return seconds

    def close(self):
        if self.pool:
            self.pool.shutdown()


def load_module(path):
    """Another version of the shim's client.py, as a module of its own."""
    spec = importlib.util.spec_from_file_location(
        'ironic_valence.' + path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rotated(names, number):
    """names in the order of round number: each leads in turn."""
    shift = number % len(names)
    return names[shift:] + names[:shift]


def measure(syncer, args, deadline):
    """{variant: [CPU ms per node of each round]}, and why it stopped."""
    names = list(syncer.variants)
    per_node = {n: [] for n in names}
    # One round unmeasured: imports, the drivers' first loads, caches.
    for name in names:
        syncer.sync_all(name)
    for number in range(args.rounds):
        if deadline.left() <= 0:
            return per_node, ('time bound reached after %d of %d rounds'
                              % (number, args.rounds))
        for name in rotated(names, number):
            seconds = syncer.sync_all(name)
            per_node[name].append(1000 * seconds / args.nodes)
        print('    round %d: %s' % (number + 1, '  '.join(
            '%s %.3f' % (n, per_node[n][-1]) for n in names)), flush=True)
    return per_node, None


def micro(syncer, backends, args, deadline):
    """CPU ms per GET of a node's power: the shim's, requests', urllib3's.

    :returns: {way: [ms per call of each round]}.
    """
    import requests
    import urllib3
    node_id = backends.valence_ids[0]
    path = '/v1/nodes/%s/power' % node_id
    url = backends.service_url + path
    headers = {'Accept': 'application/json',
               'Authorization': 'Bearer %s' % backends.token,
               'X-Openstack-Request-Id': syncer.ctx.request_id}
    session = requests.Session()
    session.trust_env = False
    connection = loadclient.Client(backends.service_url, backends.token)
    pool = urllib3.connectionpool.connection_from_url(backends.service_url,
                                                      retries=False)

    def pool_urlopen():
        answer = pool.urlopen('GET', path, headers=headers,
                              timeout=urllib3.Timeout(connect=10, read=16),
                              retries=False, redirect=False)
        return json.loads(answer.data)

    def session_send():
        prepared = requests.Request('GET', url, headers=headers).prepare()
        return session.send(prepared, timeout=(10, 16), verify=True).json()

    def adapter_send():
        prepared = requests.Request('GET', url, headers=headers).prepare()
        answer = session.get_adapter(url).send(prepared, timeout=(10, 16),
                                               verify=True)
        return json.loads(answer.content)

    ways = {'%s client.request()' % name: functools.partial(
        client.request, syncer.ctx, 'GET', path)
        for name, (kind, client) in syncer.variants.items()
        if client and not isinstance(client, types.SimpleNamespace)}
    ways.update({
        'requests Session.send(prepared)': session_send,
        'requests adapter.send(prepared)': adapter_send,
        'urllib3 HTTPConnectionPool.urlopen': pool_urlopen,
        'http.client, kept alive': lambda: json.loads(
            connection.call('GET', path)[1]),
    })
    per_call = {w: [] for w in ways}
    names = list(ways)
    for way in names:
        for _ in range(args.micro // 10):
            ways[way]()
    for number in range(MICRO_ROUNDS):
        for way in rotated(names, number):
            if deadline.left() <= 0:
                return per_call
            began = time.process_time()
            for _ in range(args.micro):
                ways[way]()
            per_call[way].append(
                1000 * (time.process_time() - began) / args.micro)
    return per_call


def profile(syncer, args):
    """cProfile of one more round of valence nodes, its top functions."""
    # CPU time, as the rounds measure, not the wait for the answers.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    # cProfile sees only the thread that enabled it.
    syncer.sync_all('valence', threads=False)
    profiler.disable()
    print('\n==> cProfile (CPU time) of one round of %d valence nodes (its '
          'overhead inflates the times; the shares are what matter):'
          % args.nodes)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats('tottime').print_stats(args.profile)
    stats.sort_stats('cumulative').print_stats('ironic_valence|requests|'
                                               'urllib3|tenacity',
                                               args.profile)


def report(per_node, per_call, args, note):
    rounds = len(per_node['fake'])
    if not rounds:
        print('!!! no round measured: %s' % note)
        return 1
    fake = per_node['fake']
    print('\n(sync_cpu) conductor CPU per synced node, ms: median of %d '
          'rounds of %d nodes per kind, %d thread(s)%s' % (
              rounds, args.nodes, args.threads,
              '; %s' % note if note else ''))
    print('| nodes synced | CPU ms per node | minus fake-hardware (the '
          'shim\'s added CPU), median and range over the rounds |')
    print('| --- | --- | --- |')
    added = {}
    for name, figures in per_node.items():
        if name == 'fake':
            print('| fake-hardware | %.3f | - |' % statistics.median(fake))
            continue
        difference = [v - f for v, f in zip(figures, fake)]
        added[name] = statistics.median(difference)
        print('| %s | %.3f | %.3f (%.3f to %.3f) |' % (
            name, statistics.median(figures), added[name],
            min(difference), max(difference)))
    for name in added:
        if name not in ('valence', 'valence-no-http'):
            print('the shim\'s added CPU, valence / %s: x%.2f'
                  % (name, added['valence'] / added[name]))
    if per_call:
        print('\n(sync_cpu --micro %d) CPU ms per GET of a node\'s power '
              'from this process, median of %d rounds of %d calls' % (
                  args.micro, MICRO_ROUNDS, args.micro))
        print('| way | CPU ms per call |')
        print('| --- | --- |')
        for way, figures in per_call.items():
            if figures:
                print('| %s | %.3f |' % (way, statistics.median(figures)))
    return 0


def run(args):
    deadline = waiting.Deadline(args.max_seconds)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    print('==> machine: %s cores, Python %s' % (
        os.cpu_count(), platform.python_version()))
    print('==> command: %s' % args.command)
    started = children.Children(args.work_dir)
    backends = stack.Backends(started, args.nodes, args.work_dir, args)

    def terminate(signum, frame):
        raise KeyboardInterrupt('signal %d' % signum)

    signal.signal(signal.SIGTERM, terminate)
    syncer = None
    try:
        backends.start_valence(deadline)
        config = prepare(args, backends, deadline)
        syncer = Syncer(config, args.threads, args.before_client,
                        args.no_http)
        print('==> %d rounds, each syncing %d nodes of each kind' % (
            args.rounds, args.nodes), flush=True)
        per_node, note = measure(syncer, args, deadline)
        per_call = (micro(syncer, backends, args, deadline)
                    if args.micro else None)
        if args.profile:
            profile(syncer, args)
        if syncer.failed:
            print('!!! %d node syncs failed to read the power state; see '
                  'the warnings above' % syncer.failed)
            return 1
    except KeyboardInterrupt:
        print('!!! interrupted; the emulator and the service were stopped',
              file=sys.stderr)
        return 130
    finally:
        if syncer:
            syncer.close()
        started.stop_all()
    return report(per_node, per_call, args, note)


def main(argv, prog):
    parser = argparse.ArgumentParser(prog=prog,
                                     description=__doc__.splitlines()[0])
    parser.add_argument('--nodes', type=children.positive, default=200,
                        help='nodes of each kind (at most 10000)')
    parser.add_argument('--rounds', type=children.positive, default=9,
                        help='measured rounds (each syncs every node of '
                        'each kind once)')
    parser.add_argument('--threads', type=children.positive, default=1,
                        help='threads syncing the nodes of a kind (Ironic '
                        'has 8 sync workers)')
    parser.add_argument('--max-seconds', type=children.positive, default=300,
                        help='bound of the whole run')
    parser.add_argument('--jvm-warmup-seconds', type=int, default=20,
                        help='reads through the service before the '
                        'rounds, so that the JVMs run compiled code')
    parser.add_argument('--profile', type=int, default=0, metavar='LINES',
                        help='after the rounds, cProfile one more round of '
                        'valence nodes and print its top LINES functions')
    parser.add_argument('--before-client', type=Path, metavar='FILE',
                        action='append', default=[],
                        help='another client.py of the shim (e.g. from git '
                        'show BASE:shim-python/ironic_valence/client.py), '
                        'measured as valence-NAME (NAME: the file\'s name '
                        'without .py) in the same rounds on the same nodes; '
                        'may be given again')
    parser.add_argument('--no-http', action='store_true',
                        help='also measure valence-no-http: the valence '
                        'nodes with the service\'s answer (a real one, '
                        'read once) given in-process, so without the HTTP '
                        'exchange')
    parser.add_argument('--micro', type=int, default=0, metavar='CALLS',
                        help='after the rounds, CPU per GET of a power '
                        'state: %d rounds of CALLS calls each through the '
                        'shim\'s client(s) and through requests\', '
                        'urllib3\'s and http.client\'s lower levels'
                        % MICRO_ROUNDS)
    children.add_jar_arguments(parser, 'sync-cpu')
    args = parser.parse_args(argv)
    args.command = '%s %s' % (prog, shlex.join(argv))
    if args.nodes > 10000:
        parser.error('--nodes: at most 10000')
    if not 0 <= args.micro <= 100000:
        parser.error('--micro: 0 to 100000 calls')
    for path in args.before_client:
        if not path.is_file():
            parser.error('--before-client: no file %s' % path)
    if len({p.stem for p in args.before_client}) < len(args.before_client):
        parser.error('--before-client: two files of the same name')
    # stack.Backends takes these; one process holds the
    # conductor's code here, so nothing is pinned.
    args.emulator_jvm_opt = args.service_jvm_opt = []
    args.pin = False
    args.topology = 'single'
    return run(args)

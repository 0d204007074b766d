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


"""The processes of the power-sync benchmarks (fleet, sync-cpu).

The kinds of node and the BMC side each needs (the emulator and the
service, or sushy-tools' fake systems), ironic.conf for a kind, the
enrolment of nodes through Ironic's REST API or straight into its database,
and Ironic's commands. The last two run in processes of their own, as
`python -m valence_bench.stack enroll|ironic ...`, so that the process
that measures never loads Ironic's drivers with another configuration.
"""

import argparse
import configparser
import dataclasses
import functools
import hashlib
import importlib
import json
import operator
import os
from pathlib import Path
import secrets
import shutil
import sys
import time
import types
import urllib.parse
import urllib.request

import ironic_conf
import ports
import processes

from valence_bench import loadclient
from valence_bench import waiting

# Ironic's and sushy-tools' console scripts live beside this interpreter.
VENV_BIN = Path(sys.executable).parent
# The service replicas and the conductors of --topology ha.
REPLICAS = ('service-a', 'service-b')


@dataclasses.dataclass(frozen=True)
class Kind:
    """A kind of node: its hardware type, interfaces and the BMC it needs."""

    name: str
    label: str
    driver: str
    # The interface of each type its nodes use, enabled beside those
    # ironic_conf.py enables.
    interfaces: dict
    # 'valence' (emulator and service) or 'sushy' or None.
    backend: str = None
    health: bool = True
    # Ironic's redfish driver derives a session key with 600,000 rounds of
    # PBKDF2 on every BMC call: about 0.4 s of CPU, which would make the
    # redfish cycle measure that alone. Memoised, it is computed once.
    memoise_pbkdf2: bool = False


REDFISH_INTERFACES = {
    'power': 'redfish', 'management': 'redfish', 'boot': 'pxe',
    'deploy': 'direct', 'inspect': 'no-inspect', 'vendor': 'no-vendor'}
KINDS = {k.name: k for k in (
    Kind('fake', '`fake-hardware` (Ironic\'s floor, no I/O)', 'fake-hardware',
         {'boot': 'fake', 'console': 'fake', 'deploy': 'fake',
          'inspect': 'fake', 'management': 'fake', 'power': 'fake',
          'raid': 'fake', 'rescue': 'fake', 'storage': 'fake',
          'vendor': 'fake', 'bios': 'fake', 'firmware': 'fake'}),
    Kind('valence', '`valence`', 'valence', {}, backend='valence'),
    Kind('valence-nohealth', '`valence`, health monitoring off', 'valence',
         {}, backend='valence', health=False),
    Kind('redfish', '`redfish` on sushy-tools\' fake systems (the peer), '
         'its PBKDF2 session key memoised', 'redfish', REDFISH_INTERFACES,
         backend='sushy', memoise_pbkdf2=True),
    Kind('redfish-asis', '`redfish` on sushy-tools\' fake systems, as '
         'Ironic 39 ships it', 'redfish', REDFISH_INTERFACES,
         backend='sushy'),
)}


def pinned(argv, role, args):
    """argv on the CPUs --pin gives its role, or argv as it is.

    With --pin the conductor runs on CPU 0 and the BMC side (the emulator
    and the service, or sushy-emulator) on the others, so that neither
    takes the other's cores and caches: what a deployment gets where the
    service does not share the conductor's cores. Children and threads
    inherit the CPUs (taskset execs the command, keeping its pid).
    """
    if not args.pin:
        return argv
    cpus = '0' if role == 'conductor' else '1-%d' % (os.cpu_count() - 1)
    return ['taskset', '-c', cpus, *argv]


@dataclasses.dataclass
class Counts:
    requests: float = 0.0
    valence_reads: float = 0.0
    # Of the requests: POST /v1/power-reads, and GET /v1/nodes/{id}/power.
    batches: float = 0.0
    single_power_reads: float = 0.0

    def _combine(self, other, operation):
        return Counts(*(operation(getattr(self, f.name),
                                  getattr(other, f.name))
                        for f in dataclasses.fields(self)))

    def __add__(self, other):
        return self._combine(other, operator.add)

    def __sub__(self, other):
        return self._combine(other, operator.sub)


class Backends:
    """The emulator and the service, or sushy-tools: started when needed."""

    def __init__(self, processes, nodes, work_dir, args):
        self.processes = processes
        self.nodes = nodes
        self.work_dir = work_dir
        self.args = args
        self.token = 'fleet-' + secrets.token_urlsafe(24)
        self.started = {}
        # name -> URL of each service replica, in service_url's order
        self.replica_urls = {}
        self.service_url = None
        self.emulator_url = None
        self.sushy_url = None
        self.valence_ids = None
        self.sushy_ids = None

    def replica_names(self):
        """The service replicas: two with --topology ha, else one."""
        return REPLICAS if self.args.topology == 'ha' else ('service',)

    def start_valence(self, deadline):
        if 'emulator' in self.started:
            return
        names = self.replica_names()
        emulator_port, *service_ports = ports.free_ports(1 + len(names))
        self.emulator_url = 'http://127.0.0.1:%d' % emulator_port
        self.replica_urls = {n: 'http://127.0.0.1:%d' % p
                             for n, p in zip(names, service_ports)}
        self.service_url = ','.join(self.replica_urls.values())
        emulator = self.processes.start(
            'emulator', pinned(['java', *self.args.emulator_jvm_opt, '-jar',
                                self.args.emulator_jar], 'bmc', self.args),
            {'SERVER_PORT': str(emulator_port),
             'EMULATOR_NODE_COUNT': str(self.nodes),
             'EMULATOR_TRANSITION_DELAY': '0'})
        self.started['emulator'] = emulator
        for name in names:
            self._start_replica(name)
        emulator.wait_ready(self.emulator_url + '/', deadline)
        for name in names:
            self._wait_replica(name, deadline)
        self.valence_ids = [n['uuid'] for n in
                            waiting.http_json(self.emulator_url + '/v1/nodes')]
        self.warm_jvms(deadline)

    def _start_replica(self, name):
        port = urllib.parse.urlsplit(self.replica_urls[name]).port
        self.started[name] = self.processes.start(
            name, pinned(processes.service_command(
                self.args.service_jar, self.args.service_jvm_opt),
                'bmc', self.args),
            {'SERVER_PORT': str(port),
             'VALENCE_URL': self.emulator_url,
             'VALENCE_DRIVER_TOKEN': self.token})

    def _wait_replica(self, name, deadline):
        self.started[name].wait_ready(
            self.replica_urls[name] + '/actuator/health', deadline)

    def kill_replica(self, name):
        """SIGKILLs a replica, as a crash or an OOM kill would end it."""
        process = self.started.pop(name)
        process.kill()
        self.processes.stop(process)

    def restart_replica(self, name, deadline):
        """Starts a killed replica again on its port, until it is ready."""
        self._start_replica(name)
        self._wait_replica(name, deadline)

    def warm_jvms(self, deadline):
        """Reads through the service until its JIT has compiled the paths.

        A service that has served a fleet for hours runs compiled code;
        at the few hundred reads a second of one sync, the JIT compiler
        would otherwise take most of both JVMs' CPU in every cycle
        measured here (65% of it in a profile of the 6th to 10th cycle
        at 1,000 nodes).
        """
        seconds = min(self.args.jvm_warmup_seconds, deadline.left() / 4)
        if seconds <= 0:
            return
        print('    warming the service and the emulator up: %.0fs of reads '
              'through the service' % seconds)
        share = seconds / 2 / len(self.replica_urls)
        for name, url in self.replica_urls.items():
            for path in ('/v1/nodes/%s/power', '/v1/nodes/%s'):
                target = loadclient.Target(name, url, path, self.token)
                _, errors, _, _ = loadclient.load(
                    target, self.valence_ids, 4, 10 ** 6, share, [])
                if errors:
                    raise RuntimeError(
                        '%d reads failed while warming up; see %s'
                        % (errors, self.processes.log_dir))

    def start_sushy(self, deadline):
        if 'sushy' in self.started:
            return
        port, = ports.free_ports(1)
        self.sushy_url = 'http://127.0.0.1:%d' % port
        # Its fake driver keeps the systems there; a run starts afresh.
        state_dir = self.work_dir / 'sushy-state'
        shutil.rmtree(state_dir, ignore_errors=True)
        state_dir.mkdir(parents=True)
        self.sushy_ids = ['%08x-0000-4000-8000-%012x' % (0xf1ee7, i)
                          for i in range(1, self.nodes + 1)]
        systems = [{'uuid': uuid, 'name': 'fleet-%d' % i,
                    'power_state': 'Off',
                    'nics': [{'mac': '02:fe:%02x:%02x:%02x:00' % (
                        i >> 16 & 0xff, i >> 8 & 0xff, i & 0xff)}]}
                   for i, uuid in enumerate(self.sushy_ids, 1)]
        config = self.work_dir / 'sushy.conf'
        # sushy-emulator's configuration is a Python file. Each system's
        # indicator LED is given (as the 'Lit' it reports by default):
        # left out, the first read of each system writes it into the
        # emulator's SQLite state, a write per node contending for the
        # database's lock with the reads of the sync.
        config.write_text(
            'SUSHY_EMULATOR_LISTEN_IP = "127.0.0.1"\n'
            'SUSHY_EMULATOR_LISTEN_PORT = %d\n'
            'SUSHY_EMULATOR_STATE_DIR = %r\n'
            'SUSHY_EMULATOR_FAKE_DRIVER = True\n'
            'SUSHY_EMULATOR_FAKE_SYSTEMS = %r\n'
            'SUSHY_EMULATOR_INDICATOR_LEDS = %r\n'
            % (port, str(state_dir), systems,
               dict.fromkeys(self.sushy_ids, 'Lit')))
        sushy = self.processes.start(
            'sushy', pinned([VENV_BIN / 'sushy-emulator', '--config', config],
                            'bmc', self.args))
        sushy.wait_ready(self.sushy_url + '/redfish/v1/', deadline)
        self.started['sushy'] = sushy
        self.build_sushy_systems(deadline)

    def build_sushy_systems(self, deadline):
        """Reads one system, alone, so that sushy-emulator builds them all.

        Its fake driver (and its indicators, with the LEDs given) is built
        by the first request that needs it, not at start (its root answers
        without it), and kept only once built:
        it writes every configured system into its SQLite state, a new
        connection and a commit each, then reads them all back. When
        Ironic's first requests come together, each builds its own; they
        wait on each other's writes past SQLite's 5 s busy timeout
        ("database is locked"), the connections they leave to the garbage
        collector pile up to the open files limit ("unable to open
        database file"), and as a failed build is not kept, every later
        request starts another. Built by one request first, later ones
        only read.

        :raises waiting.OutOfTime: when the run's deadline came first.
        :raises RuntimeError: when the read failed.
        """
        url = '%s/redfish/v1/Systems/%s' % (self.sushy_url, self.sushy_ids[0])
        seconds = min(deadline.left(), waiting.START_TIMEOUT_S)
        try:
            waiting.http_json(url, timeout=max(0.1, seconds))
        except (OSError, ValueError) as exc:
            deadline.check('sushy-emulator building its systems')
            raise RuntimeError('sushy-emulator did not build its %d systems '
                               '(%s); see %s' % (self.nodes, exc,
                                                 self.processes.log_dir))

    def start_for(self, kind, deadline):
        if kind.backend == 'valence':
            self.start_valence(deadline)
        elif kind.backend == 'sushy':
            self.start_sushy(deadline)

    def stop_unneeded(self, kind):
        """Stops what the next kind does not use, so that it idles alone."""
        wanted = {'valence': ('emulator', *self.replica_names()),
                  'sushy': ('sushy',)}
        keep = wanted.get(kind.backend if kind else None, ())
        for name in list(self.started):
            if name not in keep:
                self.processes.stop(self.started.pop(name))

    def measured(self, kind):
        """The pids of each part a kind's figures include, those now running.

        The service is its replicas, together.
        """
        parts = {'valence': {'service': self.replica_names(),
                             'emulator': ('emulator',)},
                 'sushy': {'sushy': ('sushy',)}}
        return {part: [self.started[n].pid for n in names
                       if n in self.started]
                for part, names in parts.get(kind.backend, {}).items()}

    # What each kind's BMC reports and Ironic caches on the node in its
    # first sync (health, vendor, boot mode): enrolled with it, the first
    # cycle records nothing. Without it, the first redfish cycle of 1,000
    # nodes took 139 s against 22 s for the next ones.
    KNOWN = {
        'valence': {'health': 'OK'},
        'sushy': {'health': 'OK', 'properties': {'vendor': 'Sushy Emulator'},
                  'boot_mode': 'uefi', 'secure_boot': False},
    }

    def node_specs(self, kind):
        """What each node of this kind is enrolled with."""
        known = self.KNOWN.get(kind.backend, {})
        return [{**known, 'driver_info': info}
                for info in self.driver_infos(kind)]

    def driver_infos(self, kind):
        """The driver_info of each node of this kind."""
        if kind.backend == 'valence':
            return [{'valence_node_id': n} for n in self.valence_ids]
        if kind.backend == 'sushy':
            return [{'redfish_address': self.sushy_url,
                     'redfish_system_id': '/redfish/v1/Systems/%s' % n,
                     'redfish_verify_ca': False}
                    for n in self.sushy_ids]
        return [{}] * self.nodes

    def service_counts(self):
        """Counts so far.

        The requests the service has answered, other than the actuator's,
        and the node reads it made of Valence for them (one per node read,
        however many nodes a request named).
        """
        counts = Counts()
        for url in self.replica_urls.values():
            request = urllib.request.Request(
                url + '/actuator/prometheus',
                headers={'Authorization': 'Bearer %s' % self.token})
            with urllib.request.urlopen(request, timeout=30) as response:
                self._count(response.read().decode(), counts)
        return counts

    @staticmethod
    def _count(text, counts):
        for line in text.splitlines():
            name, _, rest = line.partition('{')
            value = float(line.rsplit(' ', 1)[-1]) if rest else 0.0
            if (name == 'http_server_requests_seconds_count'
                    and 'uri="/actuator' not in rest):
                counts.requests += value
                if 'uri="/v1/power-reads"' in rest:
                    counts.batches += value
                elif 'method="GET"' in rest and '/power"' in rest:
                    counts.single_power_reads += value
            elif 'operation="get_node"' not in rest:
                pass
            elif name == 'valence_upstream_requests_seconds_count':
                counts.valence_reads += value
            elif name == 'valence_upstream_stale_connections_total':
                # A read resent on a new connection is one read in two calls.
                counts.valence_reads -= value


def write_config(kind, state_dir, api_port, backends, statsd_port,
                 extra=None, **placement):
    """ironic.conf for one kind: scripts/ironic_conf.py's, adjusted.

    :param statsd_port: where Ironic sends its metrics; None: nowhere.
    :param extra: further sections, {section: {option: value}}.
    :param placement: ironic_conf.render()'s database, rpc_transport, host
        and rpc_port, for a process of the production topology.
    """
    ironic_conf.prepare_state_dir(str(state_dir))

    def render(extra=None):
        return ironic_conf.render(
            str(state_dir), '127.0.0.1', api_port,
            backends.service_url or 'http://127.0.0.1:9', backends.token,
            sync_interval=1, extra=extra, **placement)

    # ironic_conf.py's interface lists, to put the kind's own first in.
    # No default section: [DEFAULT] is Ironic's, an ordinary one here.
    base = configparser.ConfigParser(interpolation=None,
                                     default_section='fleet:none')
    base.read_string(render())
    defaults = {'enabled_hardware_types': kind.driver}
    for interface, name in kind.interfaces.items():
        # First in the list, so that it is the one nodes get by default.
        key = 'enabled_%s_interfaces' % interface
        rest = [i for i in base['DEFAULT'].get(key, '').split(',')
                if i and i != name]
        defaults[key] = ','.join([name, *rest])
    sections = {
        'DEFAULT': defaults,
        'conductor': {'enable_health_monitoring': str(kind.health)},
    }
    if statsd_port is not None:
        sections.update({
            'metrics': {'backend': 'statsd'},
            'metrics_statsd': {'statsd_host': '127.0.0.1',
                               'statsd_port': str(statsd_port)}})
    for section, options in (extra or {}).items():
        sections.setdefault(section, {}).update(options)
    path = state_dir / 'ironic.conf'
    ironic_conf.write(path, render(sections))
    return path


def enroll_in_database(config, driver, specs_path):
    """Creates the nodes straight in Ironic's database (before it starts).

    The API would validate each node and walk it through manageable one
    request at a time; here each node is created already manageable, with
    the power state (and what else the specs say) its BMC reports, as a
    node that has been synced before. Interfaces are chosen as the API
    would choose them.
    """
    import ironic.command  # noqa: F401  (picks Ironic's threading backend)
    from ironic.common import context
    from ironic.common import driver_factory
    from ironic.conf import CONF
    from ironic import objects
    from oslo_utils import uuidutils

    CONF(['--config-file', str(config)], project='ironic')
    objects.register_all()
    ctx = context.get_admin_context()
    with open(specs_path) as f:
        specs = json.load(f)
    for fields in specs:
        node = objects.Node(ctx, uuid=uuidutils.generate_uuid(),
                            driver=driver, provision_state='manageable',
                            power_state='power off', **fields)
        driver_factory.check_and_update_node_interfaces(node)
        node.create()


# How often the API enrolment looks whether every node is manageable.
MANAGE_POLL_S = 2
# What an operator's `baremetal` client retries, and how: a busy conductor
# (503, no free worker) or a node the power sync holds locked (409) is
# asked again, as python-ironicclient does (5 times, 2 s apart).
RETRIED_STATUSES = (409, 503)
MANAGE_ATTEMPTS = 6
MANAGE_RETRY_S = 2


def manage_with_retries(baremetal, node, deadline):
    """Moves a node to manageable as an operator's client does.

    A 409 or 503 answer is asked again, MANAGE_RETRY_S apart, at most
    MANAGE_ATTEMPTS times in all.

    :raises RuntimeError: when the last attempt is refused too, or on
        another error of the API.
    :raises OutOfTime: when the deadline passes first.
    """
    from openstack import exceptions

    for attempt in range(1, MANAGE_ATTEMPTS + 1):
        deadline.check('asking to manage node %s' % node.id)
        try:
            baremetal.set_node_provision_state(node, 'manage')
            return
        except exceptions.HttpException as e:
            if (e.status_code not in RETRIED_STATUSES
                    or attempt == MANAGE_ATTEMPTS):
                raise RuntimeError('node %s could not be managed '
                                   '(attempt %d): %s'
                                   % (node.id, attempt, e)) from e
        time.sleep(min(MANAGE_RETRY_S, max(0, deadline.left())))


def enroll_through_api(api_url, driver, driver_infos, concurrency,
                       deadline):
    """Enrolls nodes as an operator does, through Ironic's REST API.

    With openstacksdk, as `baremetal node create` and `baremetal node
    manage` do: each node is created with its driver_info, then moved to
    manageable, which makes the conductor validate its power interface and
    read its power state; up to `concurrency` requests at a time. Ironic
    must be running. Its nodes are ready once every one is manageable.

    :returns: the uuids of the nodes, in the order of driver_infos.
    :raises RuntimeError: when a node fails to become manageable, or
        manage_with_retries() gives up on it.
    :raises OutOfTime: when the deadline passes first.
    """
    from concurrent import futures

    import openstack

    connection = openstack.connection.Connection(
        auth_type='none', baremetal_endpoint_override=api_url,
        baremetal_api_version='1', baremetal_status_code_retries=0,
        api_timeout=30)
    baremetal = connection.baremetal

    def create(info):
        deadline.check('enrolling nodes through the API')
        node = baremetal.create_node(driver=driver, driver_info=info)
        manage_with_retries(baremetal, node, deadline)
        return node.id

    with futures.ThreadPoolExecutor(concurrency) as pool:
        uuids = list(pool.map(create, driver_infos))
    waiting_for = set(uuids)
    while waiting_for:
        deadline.check('waiting for %d nodes to be manageable'
                       % len(waiting_for))
        for node in baremetal.nodes(fields=['uuid', 'provision_state',
                                            'last_error']):
            if node.id not in waiting_for:
                continue
            if node.provision_state == 'manageable':
                waiting_for.discard(node.id)
            elif node.provision_state == 'enroll' and node.last_error:
                raise RuntimeError('node %s could not be managed: %s'
                                   % (node.id, node.last_error))
        if waiting_for:
            time.sleep(min(MANAGE_POLL_S, max(0, deadline.left())))
    return uuids


# Ironic's commands, by the module of ironic.command that runs each.
IRONIC_COMMANDS = {'ironic': 'singleprocess', 'ironic-api': 'api',
                   'ironic-conductor': 'conductor'}


def run_ironic(config, memoise_pbkdf2, command='ironic'):
    """One of Ironic's commands, its redfish PBKDF2 memoised."""
    import ironic.command  # noqa: F401  (first: picks the threading backend)
    if memoise_pbkdf2:
        from ironic.drivers.modules.redfish import utils as redfish_utils
        redfish_utils.hashlib = types.SimpleNamespace(
            pbkdf2_hmac=functools.lru_cache(maxsize=64)(hashlib.pbkdf2_hmac))
    module = importlib.import_module('ironic.command.'
                                     + IRONIC_COMMANDS[command])
    sys.argv = [command, '--config-file', str(config)]
    return module.main()


def ironic_argv(kind, config, command, args):
    """The command line that runs one of Ironic's commands for a kind."""
    return pinned([sys.executable, '-m', 'valence_bench.stack', 'ironic',
                   '--config', config, '--command', command,
                   *(['--memoise-pbkdf2'] if kind.memoise_pbkdf2 else [])],
                  'conductor', args)


def enroll_argv(config, driver, specs_path):
    """The command line that enrolls the nodes of specs_path."""
    return [sys.executable, '-m', 'valence_bench.stack', 'enroll',
            '--config', config, '--driver', driver, '--specs', specs_path]


def parser():
    """The command line of this module's two commands."""
    parser = argparse.ArgumentParser(prog='python -m valence_bench.stack')
    # Not `command`: that is the ironic subcommand's option.
    commands = parser.add_subparsers(dest='what', required=True)
    ironic = commands.add_parser('ironic', help='run one of Ironic\'s '
                                 'commands')
    ironic.add_argument('--config', required=True)
    ironic.add_argument('--memoise-pbkdf2', action='store_true')
    ironic.add_argument('--command', choices=IRONIC_COMMANDS,
                        default='ironic')
    nodes = commands.add_parser('enroll', help='create nodes in Ironic\'s '
                                'database')
    nodes.add_argument('--config', required=True)
    nodes.add_argument('--driver', required=True)
    nodes.add_argument('--specs', required=True)
    return parser


def main():
    args = parser().parse_args()
    if args.what == 'ironic':
        return run_ironic(args.config, args.memoise_pbkdf2, args.command)
    enroll_in_database(args.config, args.driver, args.specs)
    return 0


if __name__ == '__main__':
    sys.exit(main())

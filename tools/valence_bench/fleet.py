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

"""tools/bench fleet: Ironic's periodic power sync over N nodes of a kind.

tools/bench runs this with the Python of .venv-fleet (Ironic 39, the shim,
sushy-tools, py-spy). For each kind in turn it starts a real single-process
Ironic on a fresh SQLite database, enrolls N nodes of that kind (straight
into the database before Ironic starts, or with --enroll api through its
REST API as an operator does), lets the power sync run with a 1 s interval
(so that one cycle follows the other), and takes each cycle's duration from
Ironic's own statsd timer of ConductorManager._sync_power_states. At the
end of every cycle it reads the CPU time of each process from
/proc/<pid>/stat, and the service's counts of its calls, so the figures per
synced node cover whole cycles only.

With --topology ha each kind runs in the production topology instead:
PostgreSQL (a cluster of the run's own), one ironic-api and two
ironic-conductor processes on JSON-RPC, and, for valence, two service
replicas in [valence]service_url. Each conductor sends its timer to a
statsd socket of its own; a cycle of the run is a round in which each
conductor ended one cycle, as long as the longer of the two. With
--kill-replica-at-cycle K the first-listed replica is SIGKILLed during
measured cycle K and started again once each conductor has ended the
cycle it was killed in.

The first cycle counted, and the first after a conductor event, are
reported apart, each kind's side by side: with --restart-conductor-at-cycle
K Ironic is stopped once K measured cycles have ended and started again at
once (its read-ahead then knows no node); with --topology ha and
--stop-conductor-at-cycle K the second conductor is stopped, and the first
cycle of the other that reads every node (Ironic's statsd gauge of the
nodes a sync read) is the takeover's.

Every process listens on 127.0.0.1; every wait is bounded, the whole run by
--max-seconds; all processes are stopped on exit, on Ctrl-C and on SIGTERM.
"""

import argparse
import collections
import dataclasses
import json
import os
from pathlib import Path
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

import ports
import postgres

from valence_bench import children
from valence_bench.children import positive
from valence_bench.proc import cpu_seconds
from valence_bench.proc import jvm_cpu_seconds
from valence_bench.proc import process_tree
from valence_bench import results
from valence_bench.stack import Backends
from valence_bench.stack import Counts
from valence_bench.stack import enroll_argv
from valence_bench.stack import enroll_through_api
from valence_bench.stack import ironic_argv
from valence_bench.stack import Kind
from valence_bench.stack import KINDS
from valence_bench.stack import VENV_BIN
from valence_bench.stack import write_config
from valence_bench.waiting import Deadline
from valence_bench.waiting import http_json
from valence_bench.waiting import OutOfTime

START_TIMEOUT_S = 180
STOP_TIMEOUT_S = children.STOP_TIMEOUT_S
# The emulator seeds at most this many nodes.
MAX_NODES = 100000
# How Ironic's statsd timer of one whole power sync is named, and its
# gauge of the nodes that sync read (sent just before the timer).
SYNC_TIMER = 'ConductorManager._sync_power_states'
SYNC_NODES = 'ConductorManager.PowerSyncNodesCount'
TOPOLOGIES = ('single', 'ha')
# The conductors of --topology ha.
CONDUCTORS = ('conductor-a', 'conductor-b')
# One API process: its workers would each bind the same port, and all but
# one die at start-up and are forked again.
HA_API_SETTINGS = {'api': {'api_workers': '1'}}
# What the conductors log when a sync could not read a node's power state,
# when it gave up on a node (and put it in maintenance), and what the shim
# logs when a replica failed a call.
LOGGED = (
    ('failed power reads', 'During sync_power_state, could not get power '
     'state'),
    ('nodes given up on', 'During sync_power_state, max retries exceeded'),
    ('replica failures', re.compile(r'Valence driver service replica \S+ '
                                    'failed')),
)


DEFAULT_KINDS = ('fake', 'valence', 'redfish')
# What --restart-conductor-at-cycle and --stop-conductor-at-cycle name the
# first cycle after them, and the rounds of the surviving conductor before
# it read every node.
RESTART = 'restart'
TAKEOVER = 'takeover'
BEFORE_TAKEOVER = 'before takeover'


# A cycle as SyncTimer received it: time.monotonic() at its end, its
# seconds, and how many nodes it read (None when the gauge was not seen).
Ended = collections.namedtuple('Ended', 'end seconds nodes')


class SyncTimer:
    """Receives Ironic's statsd metrics: the end, length and nodes of cycles.

    A thread of its own keeps every cycle's end, so that none is lost
    while the run does something else (starts a replica again).
    """

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.settimeout(1)
        self.port = self.sock.getsockname()[1]
        # an Ended of each cycle, in order
        self.cycles = []
        self._nodes = None
        self._returned = 0
        self._closed = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self):
        while not self._closed:
            try:
                data = self.sock.recv(65536).decode(errors='replace')
            except socket.timeout:
                continue
            except OSError:
                return
            ended = time.monotonic()
            for line in data.splitlines():
                name, _, rest = line.partition(':')
                value, _, kind = rest.partition('|')
                if name.endswith(SYNC_NODES) and kind == 'g':
                    self._nodes = int(float(value))
                elif name.endswith(SYNC_TIMER) and kind == 'ms':
                    with self._changed:
                        self.cycles.append(Ended(ended, float(value) / 1000,
                                                 self._nodes))
                        self._nodes = None
                        self._changed.notify_all()

    def _wait(self, found, deadline):
        with self._changed:
            while True:
                cycle = found()
                if cycle is not None:
                    return cycle
                left = deadline.left()
                if left <= 0:
                    raise OutOfTime('waiting for a sync cycle to end')
                self._changed.wait(min(left, 5))

    def next_cycle(self, deadline):
        """The Ended of the next cycle not returned yet, once it has ended.

        :raises OutOfTime: when the deadline passes first.
        """
        def found():
            if self._returned < len(self.cycles):
                self._returned += 1
                return self.cycles[self._returned - 1]
        return self._wait(found, deadline)

    def skip_ended(self):
        """Leaves the cycles ended so far out of next_cycle()'s."""
        with self._changed:
            self._returned = len(self.cycles)

    def cycle_ending_after(self, moment, deadline):
        """The Ended of the first cycle that ended after moment.

        :raises OutOfTime: when the deadline passes first.
        """
        return self._wait(lambda: next(
            (c for c in self.cycles if c.end > moment), None), deadline)

    def close(self):
        self._closed = True
        self._thread.join(timeout=5)
        self.sock.close()


@dataclasses.dataclass
class Cycle:
    seconds: float
    # process name -> CPU seconds used since the end of the cycle before
    cpu: dict
    warmup: bool
    # --topology ha: conductor name -> seconds of its cycle in this round
    conductors: dict = dataclasses.field(default_factory=dict)
    # The service's calls and Valence reads in this cycle (valence kinds)
    counts: Counts = None
    # how many nodes the cycle read (Ironic's gauge), None if unknown
    nodes: int = None
    # RESTART, TAKEOVER or BEFORE_TAKEOVER: not one of the measured cycles
    event: str = None


@dataclasses.dataclass
class Result:
    kind: Kind
    nodes: int
    enroll_s: float = None
    # every cycle after the first one seen, warm-up ones included
    all_cycles: list = dataclasses.field(default_factory=list)
    service_counts: Counts = None
    # from Ironic's start to the first cycle counted (enrolment included)
    start_counts: Counts = None
    note: str = ''
    # --topology ha: what the conductors logged (LOGGED's names -> count
    # per conductor), the nodes in maintenance at the end, the failover
    failures: dict = None
    maintenance: int = None
    # conductor name -> the nodes the hash ring gave it
    share: dict = None
    failover: 'Failover' = None

    @property
    def cycles(self):
        """The measured cycles: not warm-up, not met by a conductor event."""
        return [c for c in self.all_cycles if not c.warmup and not c.event]

    def first(self):
        """The first cycle counted.

        With --enroll database, the first whole one once Ironic answered
        (its read-ahead knew the nodes of the one under way then); with
        --enroll api, the first that began after the enrolment.
        """
        return self.all_cycles[0] if self.all_cycles else None

    def event_cycle(self):
        """The first cycle after the conductor's restart or takeover."""
        return next((c for c in self.all_cycles
                     if c.event in (RESTART, TAKEOVER)), None)

    def p50(self):
        cycles = self.cycles
        return statistics.median(c.seconds for c in cycles) if cycles else None

    def cpu_ms_per_node(self, name, cycles=None):
        cycles = self.cycles if cycles is None else cycles
        if not cycles or name not in cycles[0].cpu:
            return None
        return (1000 * sum(c.cpu[name] for c in cycles)
                / (self.nodes * len(cycles)))


class SingleIronic:
    """Ironic as one process (`ironic`) on SQLite: the default topology."""

    def __init__(self, kind, args, processes, timer, state_dir, backends):
        self.kind = kind
        self.args = args
        self.processes = processes
        self.timer = timer
        self.api_port, = ports.free_ports(1)
        self.config = write_config(kind, state_dir, self.api_port, backends,
                                   timer.port)
        self.process = None

    def start(self, deadline):
        self._launch(deadline)
        self.skip_cycles_under_way(deadline)

    def _launch(self, deadline):
        self.process = self.processes.start(
            'ironic-%s' % self.kind.name,
            ironic_argv(self.kind, self.config, 'ironic', self.args))
        self.process.wait_ready('http://127.0.0.1:%d/v1' % self.api_port,
                                deadline)

    def conductor_event(self, deadline):
        """Stops Ironic and starts it again, its memory lost.

        The next cycle is the first of the new process: the one ended by
        the old process meanwhile is not counted.
        """
        self.processes.stop(self.process)
        self.timer.skip_ended()
        self._launch(deadline)

    def skip_cycles_under_way(self, deadline):
        """Waits for the end of the cycle under way.

        It began before anything was measured; the first whole cycle starts
        when it ends.
        """
        self.timer.skip_ended()
        self.timer.next_cycle(deadline)

    def pids(self):
        """The pids of each part of Ironic (the launcher forks)."""
        return {'ironic': process_tree(self.process.pid)}

    def next_round(self, deadline):
        """The next sync cycle: seconds, no conductor's apart, its nodes.

        And when it began (time.monotonic()).
        """
        ended = self.timer.next_cycle(deadline)
        return ended.seconds, {}, ended.nodes, ended.end - ended.seconds

    def before_stop(self, result, measured_from):
        """Nothing more to record: the default run reads no logs."""

    def after_stop(self, result):
        """Nothing more to record: the default run reads no logs."""

    def stop(self):
        if self.process is not None:
            self.processes.stop(self.process)


class HaIronic:
    """ironic-api and two ironic-conductor processes on PostgreSQL.

    The conductors reach each other by JSON-RPC and share the nodes by
    Ironic's hash ring; each sends its statsd metrics to a socket of its
    own. Ironic's own timings (heartbeats, the hash ring's refresh) are
    its defaults, as deployed.
    """

    def __init__(self, kind, args, processes, cluster, state_dir, backends):
        self.kind = kind
        self.args = args
        self.processes = processes
        self.cluster = cluster
        self.timers = {c: SyncTimer() for c in CONDUCTORS}
        self.api_port, *rpc_ports = ports.free_ports(1 + len(CONDUCTORS))
        self.hosts = {c: '127.0.0.1:%d' % p
                      for c, p in zip(CONDUCTORS, rpc_ports)}
        database = cluster.create_database(
            'fleet_' + kind.name.replace('-', '_'))
        self.config = write_config(
            kind, state_dir / 'ironic-api', self.api_port, backends, None,
            HA_API_SETTINGS, database=database, rpc_transport='json-rpc')
        self.configs = {
            c: write_config(kind, state_dir / c, self.api_port, backends,
                            self.timers[c].port, database=database,
                            rpc_transport='json-rpc', host='127.0.0.1',
                            rpc_port=port)
            for c, port in zip(CONDUCTORS, rpc_ports)}
        self.running = {}
        # A conductor stopped by --stop-conductor-at-cycle: name -> process.
        self.stopped = {}
        # Where each conductor's log began in its file.
        self.log_starts = {}
        # Where the round under way began (time.monotonic()).
        self.round_start = None

    def _api(self, path):
        return http_json('http://127.0.0.1:%d%s' % (self.api_port, path),
                         {'X-OpenStack-Ironic-API-Version': 'latest'})

    def start(self, deadline):
        self.running['ironic-api'] = self.processes.start(
            'ironic-api-%s' % self.kind.name,
            ironic_argv(self.kind, self.config, 'ironic-api', self.args))
        for conductor, config in self.configs.items():
            # A log of an earlier run goes on in the same file.
            log = self.processes.log_dir / ('%s-%s.log' % (conductor,
                                                           self.kind.name))
            self.log_starts[conductor] = (log.stat().st_size if log.exists()
                                          else 0)
            self.running[conductor] = self.processes.start(
                '%s-%s' % (conductor, self.kind.name),
                ironic_argv(self.kind, config, 'ironic-conductor',
                            self.args))
        self.running['ironic-api'].wait_ready(
            'http://127.0.0.1:%d/v1' % self.api_port, deadline)
        limit = min(deadline.at, time.monotonic() + START_TIMEOUT_S)
        while self._driver_hosts() != sorted(self.hosts.values()):
            for process in self.running.values():
                if not process.running():
                    raise RuntimeError(process.exited_before(
                        'both conductors registered'))
            if time.monotonic() >= limit:
                deadline.check('waiting for the conductors')
                raise RuntimeError('the conductors did not both register '
                                   'within %ss; see %s' % (
                                       START_TIMEOUT_S,
                                       self.processes.log_dir))
            time.sleep(0.5)
        self.skip_cycles_under_way(deadline)

    def skip_cycles_under_way(self, deadline):
        """Waits for the end of the round under way.

        Its cycles began before anything was measured; the first whole
        round starts when it ends.
        """
        self.round_start = time.monotonic()
        self.next_round(deadline)

    def _driver_hosts(self):
        drivers = self._api('/v1/drivers')['drivers']
        return sorted(next((d['hosts'] for d in drivers
                            if d['name'] == self.kind.driver), []))

    def pids(self):
        """The pids of Ironic's processes, and of PostgreSQL's."""
        return {'ironic': [p for process in self.running.values()
                           for p in process_tree(process.pid)],
                'postgres': process_tree(self.cluster.process.pid)}

    def next_round(self, deadline):
        """The longer cycle of the next round, each conductor's, its nodes.

        A round holds each running conductor's first cycle ending after it
        began; its nodes are those its cycles read, together. And when the
        earliest of its cycles began (time.monotonic()).
        """
        ends, seconds, nodes, starts = [], {}, 0, []
        for conductor, timer in self.timers.items():
            if conductor in self.stopped:
                continue
            ended = timer.cycle_ending_after(self.round_start, deadline)
            seconds[conductor] = ended.seconds
            ends.append(ended.end)
            starts.append(ended.end - ended.seconds)
            nodes = None if None in (nodes, ended.nodes) else (
                nodes + ended.nodes)
        self.round_start = max(ends)
        return max(seconds.values()), seconds, nodes, min(starts)

    def conductor_event(self, deadline):
        """Stops the last conductor (SIGTERM): the other takes its nodes.

        The surviving conductor's next cycles read its own nodes until its
        hash ring, rebuilt every [DEFAULT]hash_ring_reset_interval, no
        longer holds the stopped one.
        """
        gone = CONDUCTORS[-1]
        self.stopped[gone] = self.running.pop(gone)
        self.processes.stop(self.stopped[gone])
        self.round_start = time.monotonic()

    def kill_replica(self, backends, replica, cycle, deadline):
        """SIGKILLs a replica amid the round, and starts it again after.

        The kill comes half a cycle into the round's cycle of the conductor
        that ended the round before last: a cycle starts 1 s after the one
        before started, or as soon as it ended when it took longer. A
        thread starts the replica again once each conductor has ended the
        cycle that met the kill, while the rounds go on.
        """
        longest = max(t.cycles[-1].seconds for t in self.timers.values())
        pause = (self.round_start + max(0, 1 - longest) + longest / 2
                 - time.monotonic())
        if pause > 0:
            deadline.check('waiting to kill %s' % replica)
            time.sleep(min(pause, max(0, deadline.left())))
        backends.kill_replica(replica)
        failover = Failover(replica, cycle, time.monotonic())
        failover.restarting = threading.Thread(
            target=self._restart, args=(failover, backends, deadline),
            daemon=True)
        failover.restarting.start()
        return failover

    def _restart(self, failover, backends, deadline):
        try:
            for timer in self.timers.values():
                timer.cycle_ending_after(failover.killed_at, deadline)
            backends.restart_replica(failover.replica, deadline)
            failover.back_at = time.monotonic()
        except (OutOfTime, RuntimeError, OSError) as e:
            # The report says the replica did not come back, and why.
            failover.error = str(e)

    def cycles_since(self, moment):
        """Each conductor's cycles that began after moment, as Spans."""
        return {c: [Span(end - seconds, end, seconds)
                    for end, seconds, _ in t.cycles
                    if end - seconds >= moment]
                for c, t in self.timers.items()}

    def _nodes(self, query, listing='/v1/nodes'):
        """The nodes the API lists for a query, every page of them."""
        nodes = []
        path = '%s?limit=1000&%s' % (listing, query)
        # Bounded: at most MAX_NODES nodes, 1,000 a page.
        for _ in range(MAX_NODES // 1000 + 1):
            page = self._api(path)
            nodes += page['nodes']
            if not page.get('next'):
                return nodes
            path = urllib.parse.urlsplit(page['next'])
            path = '%s?%s' % (path.path, path.query)
        raise RuntimeError('the API listed more than %d nodes' % MAX_NODES)

    def share(self):
        """How many nodes Ironic's hash ring gives each conductor.

        From the detailed list: the list's conductor filter applies to
        each page after it was read, and a field list cannot name it.
        """
        hosts = collections.Counter(
            n['conductor'] for n in self._nodes('', '/v1/nodes/detail'))
        return {c: hosts[host] for c, host in self.hosts.items()}

    def failures(self):
        """LOGGED's name -> how often each conductor logged it."""
        logged = {}
        for conductor in CONDUCTORS:
            process = {**self.running, **self.stopped}[conductor]
            with open(process.log_path, 'rb') as log:
                log.seek(self.log_starts[conductor])
                text = log.read().decode(errors='replace')
            for name, pattern in LOGGED:
                found = (len(pattern.findall(text))
                         if isinstance(pattern, re.Pattern)
                         else text.count(pattern))
                logged.setdefault(name, {})[conductor] = found
        return logged

    def before_stop(self, result, measured_from):
        """Records the nodes in maintenance and the failover's cycles."""
        result.maintenance = len(self._nodes('maintenance=true&fields=uuid'))
        result.share = self.share()
        if result.failover:
            result.failover.restarting.join(timeout=START_TIMEOUT_S)
            result.failover.cycles = self.cycles_since(measured_from)

    def after_stop(self, result):
        """Records what the conductors logged, all of it written now."""
        result.failures = self.failures()

    def stop(self):
        try:
            for name in reversed(list(self.running)):
                self.processes.stop(self.running[name])
        finally:
            for timer in self.timers.values():
                timer.close()


@dataclasses.dataclass
class Span:
    start: float
    end: float
    seconds: float


@dataclasses.dataclass
class Failover:
    """The replica killed, when (time.monotonic()), when it was back."""

    replica: str
    # the measured cycle it was killed in, from 1
    cycle: int
    killed_at: float
    back_at: float = None
    # why it could not be started again
    error: str = None
    restarting: threading.Thread = None
    # rounds that began once it was back
    rounds_after: int = 0

    def settled(self):
        """Whether a whole round ran after it was back (or it won't be)."""
        return self.error is not None or self.rounds_after > 0
    # conductor -> its Spans from the first measured round on
    cycles: dict = None

    def during(self, conductor):
        """The conductor's cycle that met the kill: the first after it."""
        return next((c for c in self.cycles[conductor]
                     if c.end > self.killed_at), None)

    def normal(self, conductor):
        """Its cycles that met neither the kill nor the restart."""
        back = self.back_at or float('inf')
        return [c for c in self.cycles[conductor]
                if c.end <= self.killed_at or c.start >= back]

    def ratio(self, conductor):
        """Its cycle that met the kill over its median normal one."""
        during = self.during(conductor)
        return self._over_normal(conductor, during and [during])

    def restart_ratio(self, conductor):
        """Its longest cycle until the replica was back, over a normal one.

        Not counting the one that met the kill.
        """
        during, normal = self.during(conductor), self.normal(conductor)
        return self._over_normal(conductor, [
            c for c in self.cycles[conductor]
            if c is not during and c not in normal and c.end > self.killed_at])

    def _over_normal(self, conductor, cycles):
        normal = self.normal(conductor)
        if not cycles or not normal:
            return None
        return (max(c.seconds for c in cycles)
                / statistics.median(c.seconds for c in normal))


class ConductorEvent:
    """--restart-conductor-at-cycle or --stop-conductor-at-cycle, if any.

    Once K measured cycles have ended, restarts Ironic or stops one of its
    conductors, and labels the cycles that end after it until the first
    that read every node: RESTART, or BEFORE_TAKEOVER until TAKEOVER, the
    first cycle over every node that began once the stopped conductor had
    exited (one that began before may share its time, and the service's
    counts, with the stopped conductor's last cycle).
    """

    def __init__(self, args):
        self.at = (args.restart_conductor_at_cycle
                   or args.stop_conductor_at_cycle)
        self.restart = args.restart_conductor_at_cycle is not None
        self.nodes = args.nodes
        self._label = None
        self._done = False
        # When the event was over (time.monotonic()).
        self.over_at = None

    def pending(self):
        """Whether the first cycle after the event is still to come."""
        return self.at is not None and not self._done

    def start_if_due(self, ironic, measured, deadline):
        """Makes the event happen once `measured` cycles reach K.

        :returns: whether it happened now.
        """
        if self.at != measured or self._label is not None:
            return False
        ironic.conductor_event(deadline)
        self.over_at = time.monotonic()
        self._label = RESTART if self.restart else BEFORE_TAKEOVER
        return True

    def label(self, nodes, began):
        """The label of a cycle that ended now, having read `nodes`.

        :param began: when the cycle began (time.monotonic()).
        """
        if self._done or self._label is None:
            return None
        if (self._label == BEFORE_TAKEOVER and nodes == self.nodes
                and began >= self.over_at):
            self._label = TAKEOVER
        # The cycles after this one are measured again.
        self._done = self._label != BEFORE_TAKEOVER
        return self._label


def measure_kind(kind, args, backends, processes, timer, deadline,
                 cluster=None):
    result = Result(kind, args.nodes)
    backends.stop_unneeded(kind)
    backends.start_for(kind, deadline)
    state_dir = args.work_dir / kind.name
    shutil.rmtree(state_dir, ignore_errors=True)
    if args.topology == 'ha':
        ironic = HaIronic(kind, args, processes, cluster, state_dir, backends)
    else:
        ironic = SingleIronic(kind, args, processes, timer, state_dir,
                              backends)
    subprocess.run([VENV_BIN / 'ironic-dbsync', '--config-file',
                    ironic.config, 'create_schema'], check=True,
                   capture_output=True, timeout=max(1, deadline.left()))
    if args.enroll == 'database':
        specs = state_dir / 'nodes.json'
        specs.write_text(json.dumps(backends.node_specs(kind)))
        began = time.monotonic()
        with open(state_dir / 'enroll.log', 'wb') as log:
            subprocess.run(enroll_argv(ironic.config, kind.driver, specs),
                           check=True, stdout=log, stderr=subprocess.STDOUT,
                           timeout=max(1, deadline.left()))
        result.enroll_s = time.monotonic() - began
    kill_at = (args.kill_replica_at_cycle if kind.backend == 'valence'
               else None)
    event = ConductorEvent(args)
    # Each cycle's calls to the service; not with a kill, after which a
    # replica started again counts from zero.
    counting = kind.backend == 'valence' and not kill_at
    profiler = None
    try:
        started_counts = backends.service_counts() if counting else None
        ironic.start(deadline)
        if args.enroll == 'api':
            began = time.monotonic()
            enroll_through_api(
                'http://127.0.0.1:%d' % ironic.api_port, kind.driver,
                backends.driver_infos(kind), args.enroll_concurrency,
                deadline)
            result.enroll_s = time.monotonic() - began
            # The first cycle counted is the first with every node.
            ironic.skip_cycles_under_way(deadline)
        print('    %s: %d nodes enrolled (%s) in %.1fs' % (
            kind.name, args.nodes, args.enroll, result.enroll_s))

        def snapshot():
            return cpu_snapshot({**ironic.pids(), **backends.measured(kind)})

        before = snapshot()
        counts = backends.service_counts() if counting else None
        if counting:
            # Ironic's first cycles: the conductor's read-ahead knows no
            # node yet.
            result.start_counts = counts - started_counts
        warm_until = time.monotonic() + args.warmup_seconds
        measured_from = None
        try:
            # With a kill, until a round ran after the replica was back;
            # with a conductor event, until its first cycle.
            while len(result.cycles) < args.cycles or (
                    result.failover and not result.failover.settled()) or (
                    event.pending()):
                warmup = (len(result.all_cycles) < args.warmup_cycles
                          or time.monotonic() < warm_until)
                if not warmup and measured_from is None:
                    measured_from = getattr(ironic, 'round_start', None)
                    if args.profile:
                        # Not with --topology ha: one process each.
                        profiler = Profilers(
                            kind, args, processes, ironic.process,
                            {n: ps[0] for n, ps
                             in backends.measured(kind).items()
                             if n != 'sushy'})
                if (not warmup and kill_at == len(result.cycles) + 1
                        and result.failover is None):
                    result.failover = ironic.kill_replica(
                        backends, backends.replica_names()[0], kill_at,
                        deadline)
                if not warmup and event.start_if_due(
                        ironic, len(result.cycles), deadline):
                    # The stopped conductor's last reads are not the next
                    # cycles'.
                    before = snapshot()
                    if counting:
                        counts = backends.service_counts()
                began = getattr(ironic, 'round_start', None)
                seconds, conductors, nodes, started = ironic.next_round(
                    deadline)
                failover = result.failover
                if failover and failover.back_at and began > failover.back_at:
                    failover.rounds_after += 1
                after = snapshot()
                cycle = Cycle(seconds, used_since(before, after), warmup,
                              conductors, nodes=nodes,
                              event=event.label(nodes, started))
                before = after
                if counting:
                    cycle.counts = backends.service_counts() - counts
                    counts += cycle.counts
                result.all_cycles.append(cycle)
        except OutOfTime:
            result.note = ('time bound reached after %d warm-up and %d of %d'
                           ' measured cycles' % (
                               len(result.all_cycles) - len(result.cycles),
                               len(result.cycles), args.cycles))
        if counting and result.cycles:
            result.service_counts = sum((c.counts for c in result.cycles),
                                        Counts())
        ironic.before_stop(result, measured_from)
    finally:
        if profiler is not None:
            profiler.stop()
        ironic.stop()
    ironic.after_stop(result)
    return result


def cpu_snapshot(parts):
    """CPU seconds of each part's processes (part -> pids), by pid.

    And, under '<part> jit' and '<part> gc', of each JVM's threads.
    """
    used = {part: {p: cpu_seconds(p) for p in pids}
            for part, pids in parts.items()}
    for part, pids in parts.items():
        if part not in ('service', 'emulator'):
            continue
        for pid in pids:
            for thread, seconds in jvm_cpu_seconds(pid).items():
                used.setdefault('%s %s' % (part, thread), {})[pid] = seconds
    return used


def used_since(before, after):
    """CPU seconds of each part between two cpu_snapshot()s.

    A process started meanwhile counts from its start; one that ended, up
    to the snapshot before.
    """
    return {part: sum(s - before.get(part, {}).get(p, 0.0)
                      for p, s in used.items())
            for part, used in after.items()}


class Profilers:
    """With --profile: py-spy on Ironic and JFR on each JVM.

    Ironic's forks are profiled too; only the measured cycles are recorded.
    """

    def __init__(self, kind, args, processes, ironic, jvms):
        self.kind = kind
        self.args = args
        self.processes = processes
        self.jvms = jvms
        self.py_spy = processes.start('py-spy-%s' % kind.name, [
            VENV_BIN / 'py-spy', 'record', '--pid', ironic.pid,
            '--subprocesses', '--gil', '--nonblocking', '--rate', '100',
            '--format',
            'raw', '--output', self._path('ironic', 'txt')])
        for pid in jvms.values():
            self._jcmd(pid, 'JFR.start', 'name=fleet', 'settings=profile')

    def _path(self, name, suffix):
        return self.args.profile / ('%s-%s.%s' % (self.kind.name, name,
                                                  suffix))

    @staticmethod
    def _jcmd(pid, *command):
        subprocess.run(['jcmd', str(pid), *command], check=True,
                       capture_output=True, timeout=60)

    def stop(self):
        for name, pid in self.jvms.items():
            self._jcmd(pid, 'JFR.stop', 'name=fleet',
                       'filename=%s' % self._path(name, 'jfr'))
        # SIGINT makes py-spy write what it recorded.
        if self.py_spy.popen.poll() is None:
            os.kill(self.py_spy.pid, signal.SIGINT)
            try:
                self.py_spy.popen.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                pass
        self.processes.stop(self.py_spy)


def fmt(value, pattern):
    return pattern % value if value is not None else '-'


def report(results, args):
    print('\n(fleet) Ironic 39 power sync of %d nodes per kind, 8 sync '
          'workers, 1 s interval; figures over %d measured cycles after at '
          'least %d warm-up cycles and %ds%s%s' % (
              args.nodes, args.cycles, args.warmup_cycles,
              args.warmup_seconds,
              '; pinned: Ironic on CPU 0, the BMC side on the others'
              if args.pin else '',
              '; production topology: PostgreSQL, ironic-api, two '
              'conductors on JSON-RPC, two service replicas; a cycle is '
              'the longer of the two conductors\' in a round, and Ironic\'s '
              'CPU is all three processes\'' if args.topology == 'ha'
              else ''))
    print('| nodes of kind | sync cycle p50 | nodes/s | CPU ms per synced '
          'node: Ironic / service / emulator (sushy) | service calls per '
          'node per cycle | Valence node reads per node per cycle |')
    print('| --- | --- | --- | --- | --- | --- |')
    for r in results:
        other = 'sushy' if r.kind.backend == 'sushy' else 'emulator'
        per_node_cycle = r.nodes * len(r.cycles)
        counts = r.service_counts
        print('| %s | %s | %s | %s / %s / %s | %s | %s |' % (
            r.kind.label, fmt(r.p50(), '%.2f s'),
            fmt(r.p50() and r.nodes / r.p50(), '%.0f'),
            fmt(r.cpu_ms_per_node('ironic'), '%.2f'),
            fmt(r.cpu_ms_per_node('service'), '%.2f'),
            fmt(r.cpu_ms_per_node(other), '%.2f'),
            fmt(counts and counts.requests / per_node_cycle, '%.2f'),
            fmt(counts and counts.valence_reads / per_node_cycle, '%.2f')))
    for r in results:
        start = r.start_counts
        if start:
            print('%s: from Ironic\'s start to the first cycle counted (the '
                  'enrolment included with --enroll api), per node: %.2f '
                  'Valence reads, %.3f POST /v1/power-reads, %.2f single '
                  'power reads' % (
                      r.kind.name, start.valence_reads / r.nodes,
                      start.batches / r.nodes,
                      start.single_power_reads / r.nodes))
        counts = r.service_counts
        if counts:
            per_node_cycle = r.nodes * len(r.cycles)
            print('%s: per node per cycle, %.2f POST /v1/power-reads and '
                  '%.2f single power reads' % (
                      r.kind.name, counts.batches / per_node_cycle,
                      counts.single_power_reads / per_node_cycle))
        if counts and counts.requests and counts.valence_reads:
            service_cpu = r.cpu_ms_per_node('service') * r.nodes * len(
                r.cycles)
            print('%s: the service used %.3f ms of CPU per request it '
                  'answered, %.3f ms per node it read from Valence' % (
                      r.kind.name, service_cpu / counts.requests,
                      service_cpu / counts.valence_reads))
        for jvm in ('service', 'emulator'):
            total = r.cpu_ms_per_node(jvm)
            if total:
                print('%s: of the %s\'s CPU, %.0f%% was its JIT compiler\'s '
                      'and %.0f%% its garbage collector\'s' % (
                          r.kind.name, jvm,
                          100 * r.cpu_ms_per_node(jvm + ' jit') / total,
                          100 * r.cpu_ms_per_node(jvm + ' gc') / total))
    if args.topology == 'ha':
        report_ha(results)
    report_first_cycles(results, args)
    print('\nevery cycle: %s (w: warm-up, r: the first after the '
          'restart, t: the first after the takeover, b: before it; none '
          'counted above)' % CYCLE_FIGURES)
    for r in results:
        note = '; %s' % r.note if r.note else ''
        print('    %s: enrolled in %s%s'
              % (r.kind.name, fmt(r.enroll_s, '%.1f s'), note))
        for c in r.all_cycles:
            print('      %s %s' % (
                EVENT_MARKS.get(c.event, 'w' if c.warmup else ' '),
                describe(r, c)))
    by_name = {r.kind.name: r for r in results if r.cycles}
    valence = by_name.get('valence')
    if valence:
        print('\nratios of `valence` (cycle p50 / Ironic CPU per node):')
        for peer in ('fake', 'redfish'):
            if peer in by_name:
                p = by_name[peer]
                print('    valence/%-8s x%.2f / x%.2f' % (
                    peer, valence.p50() / p.p50(),
                    valence.cpu_ms_per_node('ironic')
                    / p.cpu_ms_per_node('ironic')))


# How describe() lists a cycle, and the mark of each event's cycles.
CYCLE_FIGURES = ('seconds (each conductor\'s), the nodes it read, then CPU '
                 'ms per node of each process; for valence, per node: '
                 'Valence reads, POST /v1/power-reads, single power reads')
EVENT_MARKS = {RESTART: 'r', TAKEOVER: 't', BEFORE_TAKEOVER: 'b'}
# The ratios of one cycle across kinds that report_first_cycles() prints.
FIRST_CYCLE_RATIOS = (('valence', 'fake'), ('valence-nohealth', 'fake'),
                      ('valence', 'redfish'))


def describe(r, c):
    """One cycle of a kind's, as CYCLE_FIGURES says."""
    cpu = '  '.join('%s %.2f' % (n, r.cpu_ms_per_node(n, [c]))
                    for n in c.cpu)
    each = ''.join(' %6.2f' % s for s in c.conductors.values())
    reads = ('  reads %.2f  batches %.3f  single %.2f' % (
        c.counts.valence_reads / r.nodes, c.counts.batches / r.nodes,
        c.counts.single_power_reads / r.nodes) if c.counts else '')
    nodes = '' if c.nodes is None else '  %d nodes' % c.nodes
    return '%7.2f%s%s  %s%s' % (c.seconds, each and ' (%s)' % each.strip(),
                                nodes, cpu, reads)


def report_first_cycles(results, args):
    """The first cycle counted and the conductor event's, kind by kind.

    Then how long a cycle of one kind took against another's.
    """
    picks = [('the first cycle counted (%s)' % (
        'after enrolment through the REST API' if args.enroll == 'api'
        else 'the first whole one once Ironic answered'), Result.first)]
    if args.restart_conductor_at_cycle:
        picks.append(('the first cycle after the conductor\'s restart',
                      Result.event_cycle))
    if args.stop_conductor_at_cycle:
        picks.append(('the first cycle of the surviving conductor over '
                      'every node', Result.event_cycle))
    for title, pick in picks:
        chosen = {r.kind.name: pick(r) for r in results if pick(r)}
        if not chosen:
            continue
        print('\n%s: %s' % (title, CYCLE_FIGURES))
        for r in results:
            if r.kind.name in chosen:
                print('    %-17s %s' % (
                    r.kind.name, describe(r, chosen[r.kind.name])))
        for kind, peer in FIRST_CYCLE_RATIOS:
            if kind in chosen and peer in chosen:
                print('    %s/%s: x%.2f' % (
                    kind, peer, chosen[kind].seconds / chosen[peer].seconds))


def report_ha(results):
    """Each conductor's cycles, what they logged, and the failover."""
    print()
    for r in results:
        if not r.cycles:
            continue
        # After --stop-conductor-at-cycle, one conductor's cycles only.
        p50 = ', '.join('%s %.2f s' % (name, statistics.median(
            c.conductors[name] for c in r.cycles if name in c.conductors))
            for name in CONDUCTORS)
        print('%s: cycle p50 %s; nodes by the hash ring %s; PostgreSQL %s ms '
              'of CPU per synced node; nodes in maintenance after the run: '
              '%s' % (r.kind.name, p50, ' / '.join(
                  str(n) for n in (r.share or {}).values()),
                  fmt(r.cpu_ms_per_node('postgres'), '%.2f'),
                  fmt(r.maintenance, '%d')))
        if r.failures:
            print('    logged by %s: %s' % (' / '.join(CONDUCTORS), '; '.join(
                '%s %s' % (name, ' / '.join(str(n) for n in each.values()))
                for name, each in r.failures.items())))
        f = r.failover
        if not f or not f.cycles:
            continue
        print('%s: %s SIGKILLed in measured cycle %d, %s; each conductor\'s '
              'measured cycles, [the one that met the kill], (those that met '
              'the restart):' % (
                  r.kind.name, f.replica, f.cycle,
                  'answering again %.1f s later' % (f.back_at - f.killed_at)
                  if f.back_at else 'not started again: %s' % f.error))
        for name in CONDUCTORS:
            during, normal = f.during(name), f.normal(name)
            print('    %s: %s; x%s of its median normal cycle (%s)' % (
                name, ' '.join(
                    ('[%.2f]' if c is during else
                     '%.2f' if c in normal else '(%.2f)') % c.seconds
                    for c in f.cycles[name]),
                fmt(f.ratio(name), '%.2f'),
                fmt(statistics.median(c.seconds for c in normal)
                    if normal else None, '%.2f s')))
        ratios = [f.ratio(name) for name in CONDUCTORS]
        if None not in ratios:
            print('    the cycle that met the failover: x%.2f of a normal '
                  'one (the larger of the two conductors\')' % max(ratios))
        restart = [f.restart_ratio(name) for name in CONDUCTORS]
        if None not in restart:
            print('    the longest cycle while the replica started again: '
                  'x%.2f of a normal one' % max(restart))


def run(args):
    deadline = Deadline(args.max_seconds)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    if args.profile:
        # jcmd resolves a relative file name against the JVM's directory.
        args.profile = args.profile.resolve()
        args.profile.mkdir(parents=True, exist_ok=True)
    print('==> machine: %d cores, Python %s, %s' % (
        os.cpu_count(), platform.python_version(),
        subprocess.run(['java', '-version'], capture_output=True,
                       text=True).stderr.splitlines()[0]))
    print('==> command: %s' % args.command)
    started = children.Children(args.work_dir)
    backends = Backends(started, args.nodes, args.work_dir, args)
    timer = SyncTimer()
    measured = []
    cluster = None

    def terminate(signum, frame):
        raise KeyboardInterrupt('signal %d' % signum)

    signal.signal(signal.SIGTERM, terminate)
    try:
        if args.topology == 'ha':
            # Started first, it is stopped last, when no Ironic uses it.
            cluster = start_postgres(args, started, deadline)
        for position, name in enumerate(args.kinds):
            kind = KINDS[name]
            # Time left is shared among the kinds still to measure.
            share = Deadline(deadline.left() / (len(args.kinds) - position))
            print('==> %s: %.0fs left for it' % (name, share.left()))
            try:
                measured.append(measure_kind(kind, args, backends, started,
                                             timer, share, cluster))
            except OutOfTime as e:
                print('!!! %s: time bound reached (%s)' % (name, e))
                measured.append(Result(kind, args.nodes,
                                       note='not measured: time bound'))
            except RuntimeError as e:
                # The kinds measured before, and after, still count.
                print('!!! %s: not measured (%s)' % (name, e))
                measured.append(Result(kind, args.nodes,
                                       note='not measured: %s' % e))
        backends.stop_unneeded(None)
    finally:
        started.stop_all()
        timer.close()
    report(measured, args)
    write_results(measured, args)
    return 0


def write_results(measured, args):
    """The fleet's figures, and the failover's, as result files."""
    kinds = [{'kind': r.kind.name, 'label': r.kind.label,
              'cycle_p50_s': r.p50(),
              'cycles_s': [c.seconds for c in r.cycles],
              'cpu_ms_per_node': {
                  part: r.cpu_ms_per_node(part)
                  for part in ('ironic', 'service', 'emulator', 'sushy',
                               'postgres')
                  if r.cpu_ms_per_node(part) is not None},
              # every cycle, warm-up ones first: per node, what it cost
              'counts_per_node': [
                  {'warmup': c.warmup,
                   **{name: value / r.nodes for name, value in
                      dataclasses.asdict(c.counts).items()}}
                  for c in r.all_cycles if c.counts],
              'first_cycle': cycle_record(r, r.first()),
              'event_cycle': cycle_record(r, r.event_cycle()),
              'note': r.note or None} for r in measured]
    results.write(results.record('fleet', args.command, {
        'nodes': args.nodes, 'topology': args.topology,
        'enroll': args.enroll, 'kinds': kinds}))
    for r in measured:
        f = r.failover
        if not f or not f.cycles:
            continue
        results.write(results.record('failover', args.command, {
            'nodes': args.nodes, 'kind': r.kind.name, 'replica': f.replica,
            'back_after_s': f.back_at and f.back_at - f.killed_at,
            'conductors': {
                name: [{'seconds': c.seconds, 'phase': (
                    'kill' if c is f.during(name) else
                    'normal' if c in f.normal(name) else 'restart')}
                    for c in f.cycles[name]]
                for name in CONDUCTORS}}))


def cycle_record(r, c):
    """One cycle of a kind's for a result file, or None."""
    if c is None:
        return None
    return {'seconds': c.seconds, 'event': c.event, 'nodes_read': c.nodes,
            'cpu_ms_per_node': {part: r.cpu_ms_per_node(part, [c])
                                for part in c.cpu if ' ' not in part},
            'counts_per_node': c.counts and {
                name: value / r.nodes for name, value in
                dataclasses.asdict(c.counts).items()}}


def start_postgres(args, started, deadline):
    """A PostgreSQL cluster of the run's own: a database in it per kind."""
    directory = args.work_dir / 'postgres'
    postgres.check_stopped(directory)
    shutil.rmtree(directory, ignore_errors=True)
    port, = ports.free_ports(1)
    cluster = postgres.Postgres(directory, port, args.work_dir,
                                started.start)
    cluster.start(max(1, min(START_TIMEOUT_S, deadline.left())))
    return cluster


def main(argv, prog):
    parser = argparse.ArgumentParser(prog=prog,
                                     description=__doc__.splitlines()[0])
    parser.add_argument('nodes', type=positive,
                        help='nodes of each kind (at most %d)' % MAX_NODES)
    parser.add_argument('--kinds', default=','.join(DEFAULT_KINDS),
                        help='comma-separated, in order, of: %s'
                        % ', '.join(KINDS))
    parser.add_argument('--topology', choices=TOPOLOGIES, default='single',
                        help='single: one `ironic` process on SQLite; ha: '
                        'PostgreSQL, ironic-api, two ironic-conductor on '
                        'JSON-RPC and two service replicas')
    parser.add_argument('--kill-replica-at-cycle', type=positive,
                        metavar='K',
                        help='with --topology ha: SIGKILL the first service '
                        'replica during measured cycle K of the valence '
                        'kinds, and start it again after')
    parser.add_argument('--restart-conductor-at-cycle', type=positive,
                        metavar='K',
                        help='single topology: once K measured cycles have '
                        'ended, stop Ironic (SIGTERM) and start it again; '
                        'its first cycle is reported apart, and the run '
                        'goes on to --cycles measured ones')
    parser.add_argument('--stop-conductor-at-cycle', type=positive,
                        metavar='K',
                        help='with --topology ha: once K measured rounds '
                        'have ended, stop the second conductor (SIGTERM); '
                        'the first cycle of the other over every node (the '
                        'takeover) is reported apart')
    parser.add_argument('--enroll', choices=('database', 'api'),
                        default='database',
                        help='database: write the nodes straight into '
                        'Ironic\'s database before it starts, manageable and '
                        'with what their BMC reports (fast, a fleet synced '
                        'before); api: as an operator does, through '
                        'Ironic\'s REST API (create, then manage) once it '
                        'runs, and measure from the first cycle after it')
    parser.add_argument('--enroll-concurrency', type=positive, default=8,
                        help='with --enroll api: requests at a time')
    parser.add_argument('--cycles', type=positive, default=3,
                        help='measured sync cycles per kind')
    parser.add_argument('--warmup-cycles', type=positive, default=2,
                        help='cycles left unmeasured first (JIT, caches)')
    parser.add_argument('--warmup-seconds', type=int, default=30,
                        help='and at least this long')
    parser.add_argument('--max-seconds', type=positive, default=600,
                        help='bound of the whole run')
    parser.add_argument('--jvm-warmup-seconds', type=int, default=60,
                        help='reads through the service before Ironic '
                        'starts, so that the JVMs run compiled code '
                        '(0: none)')
    parser.add_argument('--profile', type=Path,
                        help='directory for JFR recordings of the JVMs and '
                        'py-spy profiles of Ironic (the figures then carry '
                        'the profilers\' cost)')
    parser.add_argument('--pin', action='store_true',
                        help='Ironic on CPU 0, the emulator and the service '
                        '(or sushy-emulator) on the other CPUs')
    parser.add_argument('--emulator-jvm-opt', action='append', default=[],
                        help='option for the emulator JVM (repeatable)')
    parser.add_argument('--service-jvm-opt', action='append', default=[],
                        help='option for the service JVM only, after the '
                        'ones it ships with (repeatable)')
    children.add_jar_arguments(parser, 'fleet')
    args = parser.parse_args(argv)
    args.command = '%s %s' % (prog, shlex.join(argv))
    if args.nodes > MAX_NODES:
        parser.error('at most %d nodes' % MAX_NODES)
    if args.pin and (os.cpu_count() < 2 or not shutil.which('taskset')):
        parser.error('--pin needs two CPUs or more and taskset')
    if args.topology == 'ha' and (args.pin or args.profile):
        parser.error('--pin and --profile are for the single topology')
    if args.kill_replica_at_cycle is not None and (
            args.topology != 'ha' or args.kill_replica_at_cycle
            > args.cycles):
        parser.error('--kill-replica-at-cycle: with --topology ha, at most '
                     '--cycles')
    if args.restart_conductor_at_cycle is not None and (
            args.topology != 'single'
            or args.restart_conductor_at_cycle > args.cycles):
        parser.error('--restart-conductor-at-cycle: with the single '
                     'topology, at most --cycles')
    if args.stop_conductor_at_cycle is not None and (
            args.topology != 'ha' or args.kill_replica_at_cycle is not None
            or args.stop_conductor_at_cycle > args.cycles):
        parser.error('--stop-conductor-at-cycle: with --topology ha, '
                     'without --kill-replica-at-cycle, at most --cycles')
    args.kinds = args.kinds.split(',')
    unknown = [k for k in args.kinds if k not in KINDS]
    if unknown or len(set(args.kinds)) != len(args.kinds):
        parser.error('--kinds: each of %s at most once'
                     % ', '.join(KINDS))
    try:
        return run(args)
    except KeyboardInterrupt:
        print('!!! interrupted; every process was stopped', file=sys.stderr)
        return 130
    except (RuntimeError, subprocess.CalledProcessError) as e:
        print('!!! %s; every process was stopped' % e, file=sys.stderr)
        return 1

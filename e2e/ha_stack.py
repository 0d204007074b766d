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

"""The production topology of the high-availability end-to-end run.

PostgreSQL, `ironic-api`, two `ironic-conductor` processes that reach each
other by JSON-RPC, two replicas of the driver service, and one emulator,
each a process of its own on loopback, with their output in
`.e2e/ha/logs/` (apart from the single-process run's `.e2e/logs/`, so that
both can run in one pytest session). Any of them can be stopped, killed
and started again on the same port. Every wait here is bounded.
"""

import hashlib
import os
import secrets
import shutil
import subprocess

import stack

postgres = stack._load_script('postgres')

WORK_DIR = stack.WORK_DIR / 'ha'
LOG_DIR = WORK_DIR / 'logs'
STATE_DIR = WORK_DIR / 'state'
POSTGRES_DIR = WORK_DIR / 'postgres'
# What the tests measured, a line each, printed at the end of the run.
FIGURES = LOG_DIR / 'figures.txt'

NODE_COUNT = 16
REPLICAS = ('service-a', 'service-b')
CONDUCTORS = ('conductor-a', 'conductor-b')
# Long enough that a power change is still in flight at the service when a
# test kills it.
TRANSITION_DELAY = '1s'
# Ironic's defaults (10 s heartbeats, 60 s until a silent conductor is
# offline, a hash ring refreshed every 15 s, orphaned reservations freed
# every 60 s) would make each takeover last a minute or more; these keep a
# takeover after SIGKILL under about 20 s, so that the run stays within
# minutes. A stopped (SIGTERM) conductor unregisters at once and needs
# only the ring's refresh. The API reads them too: it names a node's
# conductor from its own hash ring, of the conductors alive.
IRONIC_TIMINGS = {
    'conductor': {
        'heartbeat_interval': '2',
        'heartbeat_timeout': '10',
        'check_provision_state_interval': '5',
    },
    'DEFAULT': {'hash_ring_reset_interval': '5'},
}
# One API process: its workers (one per CPU by default) would each bind
# the same port, and all but one die at start-up and are forked again.
API_SETTINGS = {'api': {'api_workers': '1'}, **IRONIC_TIMINGS}
STOP_TIMEOUT_S = 60
# The shim's [valence]replica_down_seconds, then a sync or two.
REPLICA_BACK_TIMEOUT_S = 60


class HaStack(stack.Stack):
    """Starts the production topology; stop() ends every process of it."""

    log_dir = LOG_DIR

    def __init__(self):
        super().__init__()
        self.postgres = None
        self.database_url = None
        self.ports = {}
        # The process now running under each name.
        self.running = {}
        # Where the conductors' logs ended when a process was last ended.
        self.ended_marks = {}
        self.emulator_url = None
        # A read token, as a Prometheus server would scrape with.
        self.metrics_token = 'e2e-metrics-' + secrets.token_urlsafe(24)
        # The tokens replaced by a rotation.
        self.earlier_tokens = []
        # Each conductor's statsd metrics: which one synced what.
        self.sinks = {}

    def start(self):
        stack.check_jars()
        names = ('emulator', 'api', 'postgres', *REPLICAS, *CONDUCTORS)
        self.ports = dict(zip(names, stack.free_ports(len(names))))
        self.ironic_port = self.ports['api']
        self.emulator_url = 'http://127.0.0.1:%d' % self.ports['emulator']
        self.service_url = ','.join(self.replica_url(r) for r in REPLICAS)
        emulator = self.start_emulator(self.ports['emulator'], NODE_COUNT,
                                       TRANSITION_DELAY)
        for replica in REPLICAS:
            self.running[replica] = self.start_service(
                replica, self.ports[replica], self.emulator_url)
        # The JVMs start while the database is made.
        self.postgres = postgres.Postgres(
            POSTGRES_DIR, self.ports['postgres'], LOG_DIR,
            lambda name, argv: stack.Process(name, argv, log_dir=LOG_DIR))
        self.postgres.start(stack.START_TIMEOUT_S)
        self.database_url = self.postgres.create_database('ironic')
        with open(LOG_DIR / 'ironic-dbsync.log', 'wb') as log:
            subprocess.run(
                [str(stack.VENV_BIN / 'ironic-dbsync'), '--config-file',
                 self._config('dbsync'), 'create_schema'], check=True,
                timeout=stack.CLI_TIMEOUT_S, stdout=log,
                stderr=subprocess.STDOUT)
        emulator.wait_ready(self.emulator_url + '/')
        for replica in REPLICAS:
            self.running[replica].wait_ready(
                self.replica_url(replica) + '/actuator/health')
        self.ironic_url = 'http://127.0.0.1:%d' % self.ironic_port
        api = self.running['ironic-api'] = self._spawn('ironic-api', [
            stack.VENV_BIN / 'ironic-api', '--config-file',
            self._config('api', extra=API_SETTINGS)])
        for conductor in CONDUCTORS:
            self.start_conductor(conductor, wait=False)
        api.wait_ready(self.ironic_url + '/v1')
        self.emulator = stack.Emulator(self.emulator_url)
        self.cli = stack.Baremetal.noauth(self.ironic_url, self.log_dir)
        stack.wait_until('both conductors listing the valence driver',
                         lambda: self.driver_hosts() == self.all_hosts(),
                         stack.START_TIMEOUT_S)

    def tokens(self):
        return [self.token, self.metrics_token, *self.earlier_tokens]

    def service_tokens(self, name):
        """A replica's tokens come from its token digests file.

        At its first start the file accepts the run's token (change) and
        the metrics token (read); write_token_digests changes it.
        """
        path = STATE_DIR / name / 'token-digests'
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_digests(path, {self.token: 'change',
                                  self.metrics_token: 'read'})
        return {'VALENCE_DRIVER_TOKEN_DIGESTS_FILE': str(path)}

    def write_token_digests(self, tokens):
        """Replaces every replica's accepted tokens: {token: role}."""
        for replica in REPLICAS:
            _write_digests(STATE_DIR / replica / 'token-digests', tokens)

    def replica_url(self, replica):
        return 'http://127.0.0.1:%d' % self.ports[replica]

    def host(self, conductor):
        """A conductor's name in Ironic: its host and JSON-RPC port."""
        return '127.0.0.1:%d' % self.ports[conductor]

    def all_hosts(self):
        return sorted(self.host(c) for c in CONDUCTORS)

    def driver_hosts(self):
        """The conductors that Ironic says have the valence driver."""
        drivers = self.ironic_api('GET', '/v1/drivers').json()['drivers']
        return sorted(next((d['hosts'] for d in drivers
                            if d['name'] == 'valence'), []))

    def _config(self, name, host=None, rpc_port=None, extra=None):
        """Writes the ironic.conf of one Ironic process, returns its path."""
        writer = stack._load_script('ironic_conf')
        state_dir = STATE_DIR / name
        writer.prepare_state_dir(str(state_dir))
        path = state_dir / 'ironic.conf'
        writer.write(path, writer.render(
            str(state_dir), '127.0.0.1', self.ironic_port, self.service_url,
            self.token, stack.POWER_SYNC_INTERVAL_S, extra=extra,
            database=self.database_url, rpc_transport='json-rpc', host=host,
            rpc_port=rpc_port))
        return path

    def start_conductor(self, conductor, wait=True):
        """Starts a conductor; with wait, until Ironic lists its driver."""
        if conductor not in self.sinks:
            self.sinks[conductor] = stack.StatsdSink()
        config = self._config(conductor, '127.0.0.1', self.ports[conductor],
                              {**IRONIC_TIMINGS, 'metrics': {
                                  'backend': 'statsd'}, 'metrics_statsd': {
                                  'statsd_host': '127.0.0.1',
                                  'statsd_port': str(
                                      self.sinks[conductor].port)}})
        self.running[conductor] = self._spawn(
            conductor, [stack.VENV_BIN / 'ironic-conductor', '--config-file',
                        config])
        if wait:
            stack.wait_until(
                '%s listing the valence driver' % conductor,
                lambda: self.host(conductor) in self.driver_hosts(),
                stack.START_TIMEOUT_S)

    def start_replica(self, replica):
        """Starts a service replica again, on its port, until it is ready.

        :raises AssertionError: when something answers on its port already
            (the replica it replaces would be taken for the new one).
        """
        url = self.replica_url(replica)
        if stack.answers(url + '/actuator/health'):
            raise AssertionError('%s answers already at %s' % (replica, url))
        self.running[replica] = self.start_service(
            replica, self.ports[replica], self.emulator_url)
        self.running[replica].wait_ready(url + '/actuator/health')

    def wait_in_use(self, replica):
        """Waits until no conductor tries a started replica last any more.

        A conductor that saw the replica fail tries it last for
        [valence]replica_down_seconds (20 s), then in its place again,
        logging that it answers again.
        """
        url = self.replica_url(replica)
        marks = self.ended_marks.get(replica, {})

        def in_use():
            for conductor, offset in marks.items():
                text = self.log_since(conductor, offset)
                failed = text.rfind('replica %s failed' % url)
                if failed >= 0 and text.rfind(
                        'replica %s answers again' % url) < failed:
                    return False
            return True
        stack.wait_until('the conductors calling %s again' % replica, in_use,
                         REPLICA_BACK_TIMEOUT_S)

    def log_offsets(self, names):
        """Where each named process's log ends now, to read what follows."""
        return {name: (self.log_dir / ('%s.log' % name)).stat().st_size
                for name in names}

    def log_since(self, name, offset):
        """What a process logged after offset (one of log_offsets)."""
        with open(self.log_dir / ('%s.log' % name), 'rb') as log:
            log.seek(offset)
            return log.read().decode(errors='replace')

    def end(self, name, sig):
        """Sends sig to a process (its session) and waits until it exits.

        :returns: the seconds it took to exit.
        """
        self.ended_marks[name] = self.log_offsets(CONDUCTORS)
        return self.running[name].end(sig, STOP_TIMEOUT_S)

    def stop(self):
        try:
            # Ironic first, so that no sync meets a replica stopped before.
            for name in (*CONDUCTORS, 'ironic-api', *REPLICAS):
                if name in self.running:
                    self.running[name].stop()
            super().stop()
        finally:
            for sink in self.sinks.values():
                sink.stop()
            if self.postgres:
                self.postgres.stop()


def _write_digests(path, tokens):
    """Writes a token digests file at once, as an operator's tool would."""
    temporary = path.with_suffix('.tmp')
    temporary.write_text(''.join(
        '%s %s\n' % (role, hashlib.sha256(token.encode()).hexdigest())
        for token, role in tokens.items()))
    os.replace(temporary, path)


def note(line):
    """Adds a line to the run's figures."""
    with open(FIGURES, 'a') as figures:
        figures.write(line + '\n')


def reset_work_dir():
    """Starts each run from no database and empty logs."""
    postgres.check_stopped(POSTGRES_DIR)
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    LOG_DIR.mkdir(parents=True)
    STATE_DIR.mkdir(parents=True)

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

"""The three processes of the end-to-end run, and the clients that drive them.

The emulator, the driver service and a single-process Ironic each run as a
process of their own, on free loopback ports, with their output in
`.e2e/logs/`. Ironic sends its metrics to a statsd socket of this process.
Every wait here is bounded in time and in attempts.
"""

import collections
import importlib.util
import json
import os
from pathlib import Path
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time

import requests

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = ROOT / '.e2e'
LOG_DIR = WORK_DIR / 'logs'
STATE_DIR = WORK_DIR / 'state'
# The ironic and baremetal console scripts live beside this interpreter.
VENV_BIN = Path(sys.executable).parent
# The legacy `ironic` CLI (python-ironicclient 2.8.0) has a venv of its own,
# made by scripts/lib.sh's ensure_legacy_cli: today's client has no such
# command, and the old one must not downgrade the client of the main venv.
LEGACY_IRONIC = ROOT / '.venv-legacy-cli' / 'bin' / 'ironic'
EMULATOR_JAR = ROOT / 'valence-emulator/target/valence-emulator.jar'

EMULATOR_NODE_COUNT = 4
# Short enough to keep the run quick, long enough that the service really
# has to wait for PoweringOn/PoweringOff to end.
EMULATOR_TRANSITION_DELAY = '200ms'
POWER_SYNC_INTERVAL_S = 2
START_TIMEOUT_S = 120
CLI_TIMEOUT_S = 120


def _load_script(name):
    """Loads scripts/<name>.py, a module shared with the shell scripts."""
    path = ROOT / 'scripts' / ('%s.py' % name)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


free_ports = _load_script('ports').free_ports
processes = _load_script('processes')


def wait_until(what, probe, timeout, interval=0.5):
    """Calls probe until it returns something truthy, and returns that.

    :raises AssertionError: naming `what` when timeout seconds (and so at
        most timeout / interval attempts) pass without it.
    """
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / interval) + 1):
        result = probe()
        if result:
            return result
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    raise AssertionError('%s: not within %ss' % (what, timeout))


def clean_environ(*prefixes):
    """This process's environment without the variables named by prefixes.

    A developer's own VALENCE_*, EMULATOR_*, SPRING_* or OS_* settings must
    not leak into the run and make it test something else.
    """
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def answers(url):
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


class Process(processes.Process):
    """A child of the run, logging into a log directory of the run."""

    def __init__(self, name, argv, env=None, log_dir=LOG_DIR):
        super().__init__(
            name, argv, log_dir / ('%s.log' % name),
            {**clean_environ('VALENCE_', 'EMULATOR_', 'SPRING_'),
             **(env or {})},
            cwd=log_dir.parent)

    def wait_ready(self, url):
        def probe():
            if not self.running():
                raise AssertionError(self.exited_before(url + ' answered'))
            return answers(url)
        wait_until('%s answering at %s' % (self.name, url), probe,
                   START_TIMEOUT_S)

    def end(self, sig, timeout):
        """Sends sig to its session and waits until it exits.

        :returns: the seconds it took to exit.
        :raises subprocess.TimeoutExpired: when it is still running after
            timeout seconds.
        """
        started = time.monotonic()
        os.killpg(self.pid, sig)
        self.popen.wait(timeout=timeout)
        return time.monotonic() - started


class Emulator:
    """The emulator's Valence API and its out-of-band control API."""

    def __init__(self, url):
        self.url = url

    def _get(self, path):
        response = requests.get(self.url + path, timeout=10)
        response.raise_for_status()
        return response.json()

    def node_ids(self):
        return [node['uuid'] for node in self._get('/v1/nodes')]

    def node(self, uuid):
        """The node as Valence describes it (GET /v1/nodes/{uuid})."""
        return self._get('/v1/nodes/%s' % uuid)

    def system(self, system_id):
        """The system as Valence describes it: GET /v1/systems/{id}, a list."""
        return self._get('/v1/systems/%s' % system_id)

    def internal(self, uuid):
        """The emulator's own view, with the actions it received."""
        return self._get('/emulator/nodes/%s' % uuid)

    def set_faults(self, **faults):
        """Injects faults into every Valence path (none: clears them)."""
        url = self.url + '/emulator/faults'
        response = (requests.put(url, json=faults, timeout=10) if faults
                    else requests.delete(url, timeout=10))
        response.raise_for_status()

    def set_allocation_fails(self, fails):
        """Makes the emulated pod manager refuse every composition, or not."""
        requests.put(self.url + '/emulator/podm',
                     json={'allocation_fails': fails},
                     timeout=10).raise_for_status()

    def compose(self, name):
        """Composes a node in Valence itself, behind Ironic's back.

        :returns: its uuid, once the node is Assembled.
        """
        response = requests.post(self.url + '/v1/nodes', json={'name': name},
                                 timeout=10)
        response.raise_for_status()
        uuid = response.json()['uuid']
        wait_until('node %s Assembled' % name,
                   lambda: self.node(uuid)['node_state'] == 'Assembled', 30)
        return uuid

    def forget(self, uuid):
        """Valence loses the node while its pod manager keeps it.

        :returns: the node's PODM index, for manage().
        """
        response = requests.post(self.url + '/emulator/nodes/%s/forget'
                                 % uuid, timeout=10)
        response.raise_for_status()
        return response.json()['index']

    def manage(self, index):
        """Valence adopts the pod manager's node (POST /v1/nodes/manage).

        :returns: its uuid: a node forgotten and managed again keeps it.
        """
        response = requests.post(self.url + '/v1/nodes/manage',
                                 json={'node_index': str(index)}, timeout=10)
        response.raise_for_status()
        return response.json()['uuid']

    def set_power(self, uuid, state):
        """Changes a node's power at once, as if someone pressed a button."""
        requests.post(self.url + '/emulator/nodes/%s/power' % uuid,
                      json={'state': state}, timeout=10).raise_for_status()


# How keystoneauth's debug log introduces a response body.
_RESP_BODY = 'RESP BODY: '


class CommandFailed(AssertionError):
    def __init__(self, argv, result):
        self.result = result
        super().__init__('%s exited with %s\nstdout: %s\nstderr: %s' % (
            shlex.join(argv), result.returncode, result.stdout.strip(),
            result.stderr.strip()))


class Cli:
    """A command line client run as an operator would, logged to a file."""

    def __init__(self, name, argv, env, log_dir=LOG_DIR):
        self.argv = [str(a) for a in argv]
        self.env = env
        self.log_path = log_dir / ('%s.log' % name)

    def _invoke(self, *args):
        argv = [*self.argv, *map(str, args)]
        result = subprocess.run(argv, env=self.env, capture_output=True,
                                text=True, timeout=CLI_TIMEOUT_S,
                                stdin=subprocess.DEVNULL)
        with open(self.log_path, 'a') as log:
            log.write('$ %s\n-> %s\n%s%s\n' % (
                shlex.join(argv), result.returncode, result.stdout,
                result.stderr))
        return argv, result

    def run(self, *args):
        """Runs one command and returns its completed process.

        :raises CommandFailed: when it exits non-zero.
        """
        argv, result = self._invoke(*args)
        if result.returncode != 0:
            raise CommandFailed(argv, result)
        return result


class Baremetal(Cli):
    """The `baremetal` CLI (python-ironicclient).

    It is given nothing but what an operator gives it: Ironic's endpoint
    without authentication (noauth), or a clouds.yaml.
    """

    def __init__(self, env, log_dir=LOG_DIR, name='baremetal'):
        super().__init__(
            name,
            [VENV_BIN / 'baremetal', '--os-baremetal-api-version', 'latest'],
            {**clean_environ('OS_', 'VALENCE_DRIVER_'), **env}, log_dir)

    @classmethod
    def noauth(cls, endpoint, log_dir=LOG_DIR):
        return cls({'OS_ENDPOINT': endpoint, 'OS_AUTH_TYPE': 'none'},
                   log_dir)

    @classmethod
    def cloud(cls, clouds_yaml, name, log_dir=LOG_DIR):
        """The CLI of the one cloud (`e2e`) of a clouds.yaml."""
        return cls({'OS_CLIENT_CONFIG_FILE': str(clouds_yaml),
                    'OS_CLOUD': 'e2e'}, log_dir, name)

    def fails(self, *args):
        """Runs a command that must fail, and returns its stderr."""
        argv, result = self._invoke(*args)
        if result.returncode == 0:
            raise AssertionError('%s succeeded: %s' % (shlex.join(argv),
                                                       result.stdout))
        return result.stderr

    def driver_passthru(self, driver, method):
        """Runs `driver passthru call` and returns the answer Ironic sent.

        python-ironicclient (6.3.0 and earlier) receives the answer but then
        fails to print it: ShowOne.dict2columns asks the returned Resource
        for keys(), which sends it lazy-loading by an `id` it does not have
        ("AttributeError: id"). So the answer is read where an operator can
        read it too: the response body that `--debug` logs, the last one
        being the passthru call's.

        :raises CommandFailed: when the command fails in any other way, or
            logs no response body.
        """
        argv, result = self._invoke('--debug', 'driver', 'passthru', 'call',
                                    driver, method)
        known_display_bug = 'AttributeError: id' in result.stderr
        bodies = [line.split(_RESP_BODY, 1)[1]
                  for line in result.stderr.splitlines()
                  if _RESP_BODY in line]
        if (result.returncode != 0 and not known_display_bug) or not bodies:
            raise CommandFailed(argv, result)
        return json.loads(bodies[-1])

    def json(self, *args):
        return json.loads(self.run(*args, '-f', 'json').stdout)

    def value(self, node, field):
        return self.run('node', 'show', node, '-f', 'value',
                        '-c', field).stdout.strip()


class LegacyIronic(Cli):
    """The legacy `ironic` CLI of python-ironicclient 2.8.0.

    Without Keystone it takes Ironic's URL and any token (noauth ignores
    it); `latest` negotiates the newest API version both sides know.
    """

    def __init__(self, endpoint):
        if not LEGACY_IRONIC.is_file():
            raise AssertionError(
                '%s is missing: create it with `source scripts/lib.sh; '
                'ensure_legacy_cli`' % LEGACY_IRONIC)
        super().__init__(
            'ironic-cli',
            [LEGACY_IRONIC, '--ironic-api-version', 'latest'],
            {**clean_environ('OS_', 'IRONIC_'), 'IRONIC_URL': endpoint,
             'OS_AUTH_TOKEN': 'noauth'})

    def json(self, *args):
        return json.loads(self.run('--json', *args).stdout)


class StatsdSink:
    """A statsd server on loopback UDP that keeps what Ironic sends it."""

    # Far more than a run sends; a runaway sender cannot exhaust memory.
    MAX_METRICS = 100000

    def __init__(self):
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(('127.0.0.1', 0))
        # recv wakes up this often to see whether stop() was called.
        self._socket.settimeout(0.5)
        self.port = self._socket.getsockname()[1]
        self._metrics = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True,
                                        name='statsd-sink')
        self._thread.start()

    def _receive(self):
        while not self._stopped.is_set():
            try:
                packet = self._socket.recv(65535)
            except socket.timeout:
                continue
            with self._lock:
                room = self.MAX_METRICS - len(self._metrics)
                self._metrics.extend(
                    packet.decode(errors='replace').splitlines()[:room])

    def _sent(self, kind):
        """(name, value) of each metric of a statsd kind ('ms', 'c') so far.

        A statsd metric arrives as `name:value|kind`.
        """
        with self._lock:
            metrics = list(self._metrics)
        suffix = '|' + kind
        return [metric[:-len(suffix)].rpartition(':')[::2]
                for metric in metrics if metric.endswith(suffix)]

    def timers(self):
        """{metric name: how many times it was sent} of the timers so far."""
        return collections.Counter(name for name, _ in self._sent('ms'))

    def gauges(self, suffix):
        """The values sent so far of the gauges named ...suffix, in order."""
        return [float(value) for name, value in self._sent('g')
                if name.endswith(suffix)]

    def counters(self):
        """{metric name: its total} of the counters so far."""
        totals = collections.Counter()
        for name, value in self._sent('c'):
            totals[name] += int(value)
        return totals

    def stop(self):
        self._stopped.set()
        self._thread.join(timeout=5)
        self._socket.close()


class Stack:
    """Starts the emulator, the service and Ironic; stop() ends them all.

    Ironic runs without authentication (noauth); KeystoneStack
    (e2e/identity.py) puts Keystone in front of it.
    """

    log_dir = LOG_DIR
    state_dir = STATE_DIR

    def __init__(self):
        self.token = 'e2e-' + secrets.token_urlsafe(24)
        self.processes = []
        self.emulator = None
        self.cli = None
        self.legacy_cli = None
        self.statsd = None
        self.ironic_port = None
        self.ironic_url = None
        self.service_url = None
        self.service_pid = None

    def start(self):
        check_jars()
        emulator_port, service_port, self.ironic_port = free_ports(3)
        self.ironic_url = 'http://127.0.0.1:%d' % self.ironic_port
        emulator_url = 'http://127.0.0.1:%d' % emulator_port
        service_url = 'http://127.0.0.1:%d' % service_port
        self.service_url = service_url
        emulator = self.start_emulator(emulator_port, EMULATOR_NODE_COUNT)
        service = self.start_service('service', service_port, emulator_url)
        self.service_pid = service.pid
        self.statsd = StatsdSink()
        # Ironic starts while both JVMs do: it calls the service only for
        # nodes, and has none yet.
        _load_script('ironic_conf').start_single(
            self._spawn, self.state_dir, self.ironic_port, service_url,
            self.token, CLI_TIMEOUT_S, POWER_SYNC_INTERVAL_S, extra={
                'metrics': {'backend': 'statsd'},
                'metrics_statsd': {'statsd_host': '127.0.0.1',
                                   'statsd_port': str(self.statsd.port)},
                **self.prepare_auth(),
            }, bin_dir=VENV_BIN)
        emulator.wait_ready(emulator_url + '/')
        service.wait_ready(service_url + '/actuator/health')
        self.emulator = Emulator(emulator_url)
        self.make_clis()
        self.wait_driver_listed()

    def make_clis(self):
        """The CLIs the tests drive Ironic with."""
        self.cli = Baremetal.noauth(self.ironic_url, self.log_dir)
        self.legacy_cli = LegacyIronic(self.ironic_url)

    def prepare_auth(self):
        """Prepares what Ironic authenticates requests with.

        Called once Ironic's URL is known, before it starts.

        :returns: ironic.conf's sections for it.
        """
        return {}

    def start_emulator(self, port, node_count,
                       transition_delay=EMULATOR_TRANSITION_DELAY):
        """Starts the emulator with node_count nodes (not yet ready)."""
        return self._spawn('emulator', ['java', '-jar', EMULATOR_JAR], {
            'SERVER_PORT': str(port),
            'EMULATOR_NODE_COUNT': str(node_count),
            'EMULATOR_TRANSITION_DELAY': transition_delay,
        })

    def start_service(self, name, port, emulator_url):
        """Starts a driver service in front of the emulator (not yet ready).

        It runs as it ships: its JVM options, class-data sharing.
        """
        return self._spawn(name, processes.service_command(), {
            'SERVER_PORT': str(port),
            'VALENCE_URL': emulator_url,
            **self.service_tokens(name),
        })

    def tokens(self):
        """Every bearer token the run gave out, which no log may hold."""
        return [self.token]

    def service_tokens(self, name):
        """The environment that gives a service its tokens."""
        return {'VALENCE_DRIVER_TOKEN': self.token}

    def wait_driver_listed(self):
        """Waits until a conductor has registered the valence driver.

        A conductor registers its drivers a moment after the API answers.
        """
        wait_until('Ironic listing the valence driver', self._driver_listed,
                   START_TIMEOUT_S)

    def ironic_api(self, method, path, body=None):
        """Calls Ironic's REST API directly, at its latest version.

        :returns: the requests.Response, once known to be a success.
        """
        response = requests.request(
            method, self.ironic_url + path, json=body, timeout=CLI_TIMEOUT_S,
            headers={'X-OpenStack-Ironic-API-Version': 'latest'})
        response.raise_for_status()
        return response

    def _driver_listed(self):
        return any(d['name'] == 'valence'
                   for d in self.cli.json('driver', 'list'))

    def _spawn(self, name, argv, env=None):
        process = Process(name, argv, env, self.log_dir)
        self.processes.append(process)
        return process

    def stop(self):
        for process in reversed(self.processes):
            process.stop()
        if self.statsd:
            self.statsd.stop()

    def log_files(self):
        return sorted(self.log_dir.glob('*.log'))

    def secrets(self):
        """What no log of the run may hold."""
        return self.tokens()


def check_jars():
    """:raises AssertionError: when a jar the run starts is not built."""
    for jar in (EMULATOR_JAR, processes.SERVICE_JAR):
        if not jar.is_file():
            raise AssertionError('%s is missing: build it with '
                                 'mvn -B package -DskipTests' % jar)


def reset_work_dir(log_dir=LOG_DIR, state_dir=STATE_DIR):
    """Starts each run from an empty database and empty logs.

    Only this run's own directories go: the high-availability and the
    Keystone runs keep their own in WORK_DIR too, and may be running in the
    same pytest session.
    """
    for directory in (log_dir, state_dir):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)

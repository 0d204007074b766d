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


"""The benchmarks' child processes: started, waited for, stopped, killed.

Each child is a scripts/processes.py Process (a session of its own, its
output in a log file), the one helper the end-to-end run uses too. A
Children group stops every child it started, in reverse order, however the
run ends.
"""

import argparse
import os
from pathlib import Path
import shlex
import signal
import subprocess
import sys
import time

import ironic_conf
import ports
import processes

from valence_bench.stack import VENV_BIN
from valence_bench import waiting

ROOT = processes.ROOT
EMULATOR_JAR = processes.EMULATOR_JAR
SERVICE_JAR = processes.SERVICE_JAR
STOP_TIMEOUT_S = 20
RUN_DIR = ROOT / '.run'


class Child(processes.Process):
    """A child of a benchmark, waited for within the run's deadline."""

    def wait_ready(self, url, deadline, headers=None, interval=0.5):
        """Returns once url answers 2xx; the seconds that took.

        :raises waiting.OutOfTime: when the run's deadline came first.
        :raises RuntimeError: when the child exited first, or did not
            answer within waiting.START_TIMEOUT_S.
        """
        seconds = min(deadline.left(), waiting.START_TIMEOUT_S)
        try:
            return waiting.wait_until_answers(url, max(0, seconds), self,
                                              headers, interval)
        except RuntimeError:
            deadline.check('waiting for %s' % self.name)
            raise

    def stop(self):
        super().stop(STOP_TIMEOUT_S)

    def kill(self):
        """SIGKILL to its session; returns once it has exited."""
        os.killpg(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=STOP_TIMEOUT_S)


class Children:
    """Every child of a run, stopped in reverse order of their start."""

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._running = []

    def start(self, name, argv, env=None):
        """Starts argv with os.environ and env, logging into NAME.log."""
        child = Child(name, argv, self.log_dir / ('%s.log' % name),
                      {**os.environ, **(env or {})})
        self._running.append(child)
        return child

    def emulator(self, port, nodes, transition_delay='0', argv=None,
                 name='emulator'):
        """The emulator on 127.0.0.1:port; argv: its java command line."""
        return self.start(name, argv or ['java', '-jar', EMULATOR_JAR], {
            'SERVER_PORT': str(port), 'EMULATOR_NODE_COUNT': str(nodes),
            'EMULATOR_TRANSITION_DELAY': transition_delay})

    def service(self, port, valence_url, token, argv=None, name='service',
                env=None):
        """The service on 127.0.0.1:port; argv: by default as it ships.

        The token goes in its environment: a command line is visible to
        `ps`. env: further settings of the service, as environment
        variables.
        """
        return self.start(name, argv or processes.service_command(), {
            **(env or {}), 'SERVER_PORT': str(port),
            'VALENCE_URL': valence_url, 'VALENCE_DRIVER_TOKEN': token})

    def valence(self, nodes, token, deadline, service_env=None):
        """An emulator of `nodes` nodes and the service in front of it.

        The service is started as it ships, with service_env's settings;
        both answer when this returns.

        :returns: (emulator URL, emulator, service URL, service).
        :raises waiting.OutOfTime: when the run's deadline came first.
        :raises RuntimeError: when either did not start.
        """
        emulator_port, service_port = ports.free_ports(2)
        emulator_url = 'http://127.0.0.1:%d' % emulator_port
        service_url = 'http://127.0.0.1:%d' % service_port
        emulator = self.emulator(emulator_port, nodes)
        service = self.service(service_port, emulator_url, token,
                               env=service_env)
        emulator.wait_ready(emulator_url + '/', deadline)
        service.wait_ready(service_url + '/actuator/health', deadline)
        return emulator_url, emulator, service_url, service

    def single_ironic(self, service_url, token, deadline):
        """A single-process Ironic on a new database, its API answering.

        :returns: (its child, its URL).
        """
        return ironic_conf.start_single(
            self.start, self.log_dir / 'ironic-state',
            ports.free_ports(1)[0], service_url, token,
            max(1, deadline.left()), bin_dir=VENV_BIN,
            ready=lambda child, url: child.wait_ready(url, deadline))

    def stop(self, child):
        self._running.remove(child)
        child.stop()

    def stop_all(self):
        while self._running:
            self.stop(self._running[-1])

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop_all()


def add_jar_arguments(parser, work_dir_name):
    """--service-jar, --emulator-jar and --work-dir (RUN_DIR/work_dir_name).

    For the subcommands that start the service and the emulator themselves.
    """
    parser.add_argument('--service-jar', type=Path, default=SERVICE_JAR,
                        help='the service to start as it ships (laid out '
                        'by scripts/service-layout)')
    parser.add_argument('--emulator-jar', type=Path, default=EMULATOR_JAR)
    parser.add_argument('--work-dir', type=Path,
                        default=RUN_DIR / work_dir_name)


def parser(prog, description, max_seconds):
    """A subcommand's argument parser, with --max-seconds."""
    made = argparse.ArgumentParser(prog=prog, description=description)
    made.add_argument('--max-seconds', type=positive, default=max_seconds,
                      help='bound of the whole run (default: %(default)s)')
    return made


def run_parsed(parser, argv, run):
    """run_bounded() with the parsed argv, its logs under .run/SUBCOMMAND.

    The parsed arguments carry the command line as `command`.
    """
    args = parser.parse_args(argv)
    args.command = shlex.join([*parser.prog.split(), *argv])
    print('==> command: %s' % args.command)
    return run_bounded(run, args, RUN_DIR / parser.prog.split()[-1])


def run_bounded(run, args, log_dir):
    """run(args, children, deadline) within args.max_seconds.

    Every child it starts through `children` (logging into log_dir) is
    stopped however it ends, SIGTERM and Ctrl-C included. Returns the exit
    status: run's (None counts as 0), 1 when the time bound was reached or
    a child could not be started (RuntimeError, CalledProcessError), 130
    when interrupted.
    """
    deadline = waiting.Deadline(args.max_seconds)

    def terminate(signum, frame):
        raise KeyboardInterrupt('signal %d' % signum)

    signal.signal(signal.SIGTERM, terminate)
    began = time.monotonic()
    try:
        with Children(log_dir) as children:
            return run(args, children, deadline) or 0
    except waiting.OutOfTime as e:
        print('time bound of %ss reached after %.0fs: %s'
              % (args.max_seconds, time.monotonic() - began, e))
        return 1
    except (RuntimeError, subprocess.CalledProcessError) as e:
        # A child that did not start, or a layout that could not be made:
        # its log, or the lines above, say why.
        print('!!! %s' % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print('!!! interrupted; every process was stopped')
        return 130


def positive(text):
    """argparse's type of a count or a bound: an integer of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError('must be at least 1')
    return value

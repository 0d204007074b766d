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

"""The docs check: the commands of README.md and the operator guide, run.

Every fenced block marked ``console`` in those documents is a terminal
session: a line beginning with ``$ `` is a command (continued on the next
line after a trailing backslash), the lines after it until the next command
are what it prints. Each command is run from the repository root, in order,
and what it printed must be the sample, so that neither the commands nor
their samples can drift from what the code does. Blocks of other kinds
(``ini``, plain) are not run.

Two commands keep running, as they do for a reader: ``scripts/run``, whose
sample ends with its "Press Ctrl-C to stop." line, and the layout's
``start`` of the service, followed until its health answers. They are
stopped (SIGTERM) at the end, and must then exit.

The check runs them on free loopback ports: each document's commands have
the sample's ports, paths and hosts replaced by the run's
(DocsRun.substitutions) before they run, and the output is compared
after both sides had what differs from run to run, or from machine to
machine, replaced by a placeholder (VOLATILE): tokens, request ids,
latencies, the JVM's path and build. The lines a first run adds (the build
and the layout of the service) are left out of the comparison.
"""

import difflib
import os
from pathlib import Path
import re
import shutil
import signal
import subprocess
import time

import pytest
import requests

from stack import free_ports

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = ROOT / '.e2e' / 'docs'
DOCUMENTS = ('README.md', 'docs/operator-guide.md')
# A layout's training run alone may take a minute on two busy cores.
COMMAND_TIMEOUT_S = 180
# Where the operator guide's samples say the clone is.
SAMPLE_ROOT = '/home/me/valence'
# scripts/run builds the jars and lays the service out when they are stale.
START_TIMEOUT_S = 300
STOP_TIMEOUT_S = 30

# Replaced on both sides before the comparison.
VOLATILE = [
    (re.compile(r'\bdev-[A-Za-z0-9_-]{43}\b'), 'dev-<token>'),
    (re.compile(r'\breq-[0-9a-f-]{36}\b'), 'req-<id>'),
    (re.compile(r'("latency_ms": ?)[0-9.]+'), r'\1<ms>'),
    (re.compile(r'("probed_ms_ago": ?)[0-9]+'), r'\1<ms>'),
    (re.compile(r'(?<![\w/])/\S*/bin/java\b'), '<java>'),
    (re.compile(r'<java> \([^)]*\)'), '<java> (<build>)'),
]
# Lines of the output that only some runs print.
OPTIONAL = re.compile(
    r'^(==> building the jars|\[INFO\] |making \S+: the extracted jar )')
READY_LINE = 'Press Ctrl-C to stop.'


class Command:
    def __init__(self, document, line, text, expected):
        self.document = document
        self.line = line
        self.text = text
        self.expected = expected

    def where(self):
        return '%s line %d: %s' % (self.document, self.line, self.text)


def console_blocks(document):
    """The commands of the ``console`` blocks of one document, in order.

    :raises AssertionError: when a console block holds no command.
    """
    commands = []
    lines = (ROOT / document).read_text().splitlines()
    i = 0
    while i < len(lines):
        fence = lines[i].strip()
        i += 1
        if not fence.startswith('```'):
            continue
        kind = fence[3:].strip()
        indent = len(lines[i - 1]) - len(lines[i - 1].lstrip())
        block = []
        while i < len(lines) and lines[i].strip() != '```':
            block.append((i + 1, lines[i][indent:]))
            i += 1
        i += 1
        if kind != 'console':
            continue
        current = None
        continued = False
        for number, text in block:
            if continued:
                current.text += '\n' + text
                continued = text.endswith('\\')
            elif text.startswith('$ '):
                current = Command(document, number, text[2:], [])
                commands.append(current)
                continued = text.endswith('\\')
            else:
                assert current, ('%s line %d: a console block must begin '
                                 'with a "$ " command' % (document, number))
                current.expected.append(text)
    return commands


def normalise(lines):
    out = []
    for line in lines:
        for pattern, placeholder in VOLATILE:
            line = pattern.sub(placeholder, line)
        out.append(line.rstrip())
    return out


def compare(command, printed):
    """Fails, with a diff and what to do, when printed is not the sample."""
    printed = [line for line in printed.splitlines()
               if not OPTIONAL.match(line)]
    want = normalise(command.expected)
    got = normalise(printed)
    if want != got:
        diff = '\n'.join(difflib.unified_diff(
            want, got, 'the sample', 'what it printed', lineterm=''))
        pytest.fail('%s\nprinted what its sample does not show; run it '
                    'and paste its output:\n%s'
                    % (command.where(), diff), pytrace=False)


class DocsRun:
    """The long-running processes of the check, and how to run commands."""

    def __init__(self):
        (self.service_port, self.emulator_port,
         self.guide_service_port) = free_ports(3)
        # The layout scripts/run has made already: the guide's command
        # then finds it current, as a second run of it would.
        self.layout = ROOT / 'valence-driver-service' / 'target' / 'shipped'
        self.background = []
        self.sample_token = None
        self.token = None
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(('VALENCE_', 'SERVER_', 'EMULATOR_',
                                         'SPRING_'))}

    def substitutions(self, document):
        """(sample, this run) pairs for the commands of a document."""
        emulator = 'http://127.0.0.1:%d' % self.emulator_port
        pairs = [('http://valence.example.net:8181', emulator),
                 (':8181', ':%d' % self.emulator_port),
                 ('/opt/valence/service', str(self.layout))]
        if document == 'README.md':
            pairs.append((':8080', ':%d' % self.service_port))
        else:
            pairs.append((':8080', ':%d' % self.guide_service_port))
        if self.sample_token:
            pairs.append((self.sample_token, self.token))
        return pairs

    def prepare(self, command):
        text = command.text.replace('\\\n', ' ')
        for sample, actual in self.substitutions(command.document):
            text = text.replace(sample, actual)
        return text

    def output_ports(self, text, document):
        """The run's ports and paths in an output, put back to the sample's."""
        text = text.replace(str(self.layout), '/opt/valence/service')
        text = text.replace(str(ROOT), SAMPLE_ROOT)
        text = text.replace(':%d' % self.emulator_port, ':8181')
        text = text.replace('port %d' % self.emulator_port, 'port 8181')
        text = text.replace('-%d.log' % self.emulator_port, '-8181.log')
        for port in (self.service_port, self.guide_service_port):
            text = text.replace(':%d' % port, ':8080')
            text = text.replace('port %d' % port, 'port 8080')
            text = text.replace('-%d.log' % port, '-8080.log')
        return text

    def run(self, command):
        text = self.prepare(command)
        if text.split()[:1] == ['scripts/run']:
            return self.start_run(command, text)
        if text.rstrip().endswith('/start'):
            return self.start_service(command, text)
        if text.startswith('export '):
            return self.export(command, text)
        try:
            done = subprocess.run(
                ['bash', '-c', 'set -o pipefail; ' + text], cwd=ROOT,
                env=self.env, capture_output=True, text=True,
                timeout=COMMAND_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            pytest.fail('%s\ndid not end within %ds'
                        % (command.where(), COMMAND_TIMEOUT_S),
                        pytrace=False)
        assert done.returncode == 0, '%s\nexited %d: %s' % (
            command.where(), done.returncode, done.stderr[-2000:])
        compare(command, self.output_ports(done.stdout, command.document))

    def export(self, command, text):
        """An export, kept in the environment of the commands after it."""
        done = subprocess.run(['bash', '-c', text + ' && env -0'], cwd=ROOT,
                              env=self.env, capture_output=True, text=True,
                              timeout=COMMAND_TIMEOUT_S)
        assert done.returncode == 0 and not command.expected, (
            '%s\nfailed, or shows output: %s' % (command.where(),
                                                 done.stderr))
        self.env = dict(item.split('=', 1)
                        for item in done.stdout.split('\0') if '=' in item)

    def _spawn(self, text, env, log):
        process = subprocess.Popen(
            ['bash', '-c', text], cwd=ROOT, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.background.append(process)
        return process

    def start_run(self, command, text):
        """scripts/run, read until its ready line, its output compared."""
        env = dict(self.env, SERVER_PORT=str(self.service_port),
                   EMULATOR_PORT=str(self.emulator_port))
        out = WORK_DIR / 'scripts-run.out'
        with open(out, 'w') as log:
            process = self._spawn(text, env, log)
        deadline = time.monotonic() + START_TIMEOUT_S
        while READY_LINE not in out.read_text():
            assert process.poll() is None, '%s\nexited %s:\n%s' % (
                command.where(), process.returncode, out.read_text())
            assert time.monotonic() < deadline, (
                '%s\nprinted no "%s" within %ds:\n%s'
                % (command.where(), READY_LINE, START_TIMEOUT_S,
                   out.read_text()))
            time.sleep(0.5)
        printed = out.read_text()
        self._check_one_jvm(command, printed)
        tokens = re.findall(r'\bdev-[A-Za-z0-9_-]{43}\b', printed)
        samples = re.findall(r'\bdev-[A-Za-z0-9_-]{43}\b',
                             '\n'.join(command.expected))
        assert tokens and samples, (
            '%s\nthe token is missing from the output or the sample'
            % command.where())
        self.token, self.sample_token = tokens[0], samples[0]
        compare(command, self.output_ports(printed, command.document))

    @staticmethod
    def _check_one_jvm(command, printed):
        """The JVM scripts/run names is the one its command line starts."""
        named = re.search(r"the service's JVM: (\S+) ", printed)
        started = re.search(r'starting the service .*\): (\S+) ', printed)
        assert named and started and named.group(1) == started.group(1), (
            '%s\nnames one JVM and starts the service on another:\n%s'
            % (command.where(), printed))

    def start_service(self, command, text):
        """The guide's start line, followed until the service is healthy."""
        env = dict(self.env, SERVER_PORT=str(self.guide_service_port))
        out = WORK_DIR / 'service-start.log'
        with open(out, 'w') as log:
            process = self._spawn(text, env, log)
        url = 'http://127.0.0.1:%d/actuator/health' % self.guide_service_port
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert process.poll() is None, '%s\nexited %s:\n%s' % (
                command.where(), process.returncode, out.read_text()[-3000:])
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, (
                '%s\nnot healthy within %ds' % (command.where(),
                                                START_TIMEOUT_S))
            time.sleep(0.5)
        assert not command.expected, (
            '%s\na command that keeps running shows no output here'
            % command.where())

    def stop(self):
        """SIGTERM to each process left running; each must exit in time.

        :raises AssertionError: when one had to be killed.
        """
        stuck = []
        for process in self.background:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.background:
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                stuck.append(process.args[-1])
        assert not stuck, 'did not stop on SIGTERM: %s' % stuck


@pytest.fixture(scope='module')
def docs_run():
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    WORK_DIR.mkdir(parents=True)
    running = DocsRun()
    try:
        yield running
    finally:
        running.stop()


def test_documents_have_commands():
    for document in DOCUMENTS:
        assert console_blocks(document), (
            '%s has no console block to run' % document)


def test_commands_print_their_samples(docs_run):
    for document in DOCUMENTS:
        for command in console_blocks(document):
            docs_run.run(command)

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

"""The docs check: the commands of README.md and the guides, run.

Every fenced block marked ``console`` in those documents is a terminal
session: a line beginning with ``$ `` is a command (continued on the next
line after a trailing backslash), the lines after it until the next command
are what it prints. Each command is run from the repository root, in order,
and what it printed must be the sample, so that neither the commands nor
their samples can drift from what the code does. Blocks of other kinds
(``ini``, plain) are not run; a plain block that holds commands must be
in NOT_RUN, which says why each is not.

Two commands keep running, as they do for a reader: ``scripts/run``, whose
sample ends with its "Press Ctrl-C to stop." line, and the layout's
``start`` of the service, followed until its health answers. They are
stopped (SIGTERM) at the end, and must then exit.

The check runs them on free loopback ports: each document's commands have
the sample's ports, paths and hosts replaced by the run's
(DocsRun.substitutions) before they run, and the output is compared
after both sides had what differs from run to run, or from machine to
machine, replaced by a placeholder (VOLATILE): tokens, request ids,
latencies, the JVM's path and build, Ironic's uuids and times. The lines
a first run adds (the build and the layout of the service) are left out of
the comparison.

The Ironic commands (``baremetal``, the legacy ``ironic``, curl to
``$OS_ENDPOINT``) go to a single-process Ironic (SQLite, the one
scripts/ironic_conf.py starts), started before the first of them, whose
conductor calls the service the operator guide started, with its token.
Where the guide authenticates with a clouds.yaml and Keystone, the check
gives every command a noauth cloud instead (OS_ENDPOINT, OS_AUTH_TYPE=none
in the environment, and the guide's cloud rack1 in a clouds.yaml of its
own), and the legacy CLI's venv is the one
scripts/lib.sh's ensure_legacy_cli makes.
"""

import difflib
import json
import os
from pathlib import Path
import re
import shutil
import signal
import subprocess
import time

import pytest
import requests

from stack import _load_script
from stack import answers
from stack import CLI_TIMEOUT_S
from stack import free_ports
from stack import LEGACY_IRONIC
from stack import Process
from stack import VENV_BIN
from stack import wait_until

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = ROOT / '.e2e' / 'docs'
DOCUMENTS = ('README.md', 'docs/operator-guide.md', 'docs/legacy-cli.md')
# The plain blocks of commands that the check does not run, each named by
# its first line, and why.
NOT_RUN = {
    ('docs/operator-guide.md', 'pip install ./shim-python'):
        'the check runs the shim of the venv that scripts/lib.sh makes',
    ('docs/operator-guide.md',
     '$ baremetal --debug driver passthru call valence test_connection '
     "2>&1 | grep 'RESP BODY' | tail -n 1"):
        'the client exits 1 after printing (its AttributeError: id); the '
        'end-to-end run reads the answer so (stack.Baremetal.driver_passthru)',
    ('docs/operator-guide.md', 'scripts/build-images'):
        'containers: the images step of scripts/test builds and checks them',
    ('docs/operator-guide.md', 'umask 077'):
        'writes under /etc; the service\'s TokenRolesTest reads such files',
    ('docs/operator-guide.md',
     'helm install vds deploy/helm/valence-driver-service '
     '--namespace ironic \\'):
        'needs a Kubernetes cluster; scripts/check-chart renders the chart',
    ('docs/operator-guide.md',
     'openstack flavor create --vcpus 8 --ram 32768 --disk 0 valence-medium'):
        'needs Nova, which this project does not run',
    ('docs/operator-guide.md',
     'baremetal node undeploy rack1-node1 --wait 600   # only if it is '
     'active'):
        'a synopsis ([--delete]); the short way\'s block runs retire and '
        'retire --delete',
    ('docs/operator-guide.md',
     'baremetal node manage rack1-node1 --wait 60      # if it is available'):
        'the retire command\'s steps by hand, instead of it; '
        'test_lifecycle.py cleans with release_composed_node so',
    ('docs/operator-guide.md', '$ baremetal node manage a22c0111-... '
     '--wait 60'):
        'it fails: test_e2e.py\'s test_unknown_valence_node_fails_manage',
    ('docs/operator-guide.md', '$ baremetal node power off --soft <node>'):
        'it fails: test_lifecycle.py\'s test_what_valence_cannot_do_is_'
        'refused_as_the_operator_guide_says',
    ('docs/legacy-cli.md', 'python3 -m venv ~/ironic-legacy-cli'):
        'installs from PyPI: the check uses the venv of ensure_legacy_cli',
}
# A line of a plain block that is a command of one of these.
COMMAND = re.compile(r'^(\$ )?(baremetal|openstack|ironic|curl|docker|helm|'
                     r'pip|python3|scripts/|umask|export) ')
# What the check's Ironic and the legacy CLI's venv stand for in samples.
SAMPLE_IRONIC_PORT = 6385
SAMPLE_LEGACY_VENV = '$HOME/ironic-legacy-cli'
IRONIC_COMMANDS = ('baremetal', 'openstack', 'ironic')
# A layout's training run alone may take a minute on two busy cores.
COMMAND_TIMEOUT_S = 180
# Where the operator guide's samples say the clone is.
SAMPLE_ROOT = '/home/me/valence'
# The cloud of the operator guide's clouds.yaml.
SAMPLE_CLOUD = 'rack1'
# scripts/run builds the jars and lays the service out when they are stale.
START_TIMEOUT_S = 300
STOP_TIMEOUT_S = 30

# Replaced on both sides before the comparison.
VOLATILE = [
    (re.compile(r'\bdev-[A-Za-z0-9_-]{43}\b'), 'dev-<token>'),
    (re.compile(r'\breq-[0-9a-f-]{36}\b'), 'req-<id>'),
    (re.compile(r'(["\']latency_ms["\']: ?)[0-9.]+'), r'\1<ms>'),
    # Ironic's: an Ironic node, port or history event, and when.
    (re.compile(r'\b[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-'
                r'[0-9a-f]{12}\b'), '<uuid>'),
    (re.compile(r'\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?'
                r'(\+00:00)?'), '<time>'),
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


def fenced_blocks(document):
    """(kind, [(line number, text)...]) of each fenced block of a document.

    The text is unindented by the fence's indentation.
    """
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
        yield kind, block


def console_blocks(document):
    """The commands of the ``console`` blocks of one document, in order.

    :raises AssertionError: when a console block holds no command.
    """
    commands = []
    for kind, block in fenced_blocks(document):
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


def plain_command_blocks(document):
    """(line number, first line) of each plain block that holds commands."""
    return [block[0] for kind, block in fenced_blocks(document)
            if not kind and any(COMMAND.match(text) for _, text in block)]


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
        self.ironic = None
        self.ironic_port = None
        # The legacy guide's alias lines, kept for the commands after them.
        self.aliases = []
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(('VALENCE_', 'SERVER_', 'EMULATOR_',
                                         'SPRING_', 'OS_', 'IRONIC_'))}

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
        if self.ironic_port:
            pairs.append((':%d' % SAMPLE_IRONIC_PORT,
                          ':%d' % self.ironic_port))
        pairs.append((SAMPLE_LEGACY_VENV, str(LEGACY_IRONIC.parent.parent)))
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
        if self.ironic_port:
            text = text.replace(':%d' % self.ironic_port,
                                ':%d' % SAMPLE_IRONIC_PORT)
        text = text.replace(':%d' % self.emulator_port, ':8181')
        text = text.replace('port %d' % self.emulator_port, 'port 8181')
        text = text.replace('-%d.log' % self.emulator_port, '-8181.log')
        for port in (self.service_port, self.guide_service_port):
            text = text.replace(':%d' % port, ':8080')
            text = text.replace('port %d' % port, 'port 8080')
            text = text.replace('-%d.log' % port, '-8080.log')
        return text

    def run(self, command):
        first = command.text.split()[:1]
        if (first and first[0] in IRONIC_COMMANDS or '$OS_ENDPOINT' in
                command.text or 'IRONIC_URL' in command.text):
            self.start_ironic()
        text = self.prepare(command)
        if text.split()[:1] == ['scripts/run']:
            return self.start_run(command, text)
        if text.rstrip().endswith('/start'):
            return self.start_service(command, text)
        if text.startswith('export '):
            return self.export(command, text)
        if text.startswith('alias '):
            assert not command.expected, (
                '%s\nan alias shows no output' % command.where())
            self.aliases.append(text)
            return None
        # Aliases are expanded line by line: they come first, on their own.
        script = '\n'.join(['shopt -s expand_aliases', *self.aliases,
                            'set -o pipefail; ' + text])
        try:
            done = subprocess.run(
                ['bash', '-c', script], cwd=ROOT,
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

    def start_ironic(self):
        """The check's Ironic, calling the guide's service; once only.

        :raises AssertionError: when the guide has not exported the
            service's VALENCE_DRIVER_TOKEN yet, or Ironic did not start.
        """
        if self.ironic:
            return
        token = self.env.get('VALENCE_DRIVER_TOKEN')
        assert token, ('an Ironic command comes before the operator guide '
                       'exports VALENCE_DRIVER_TOKEN')
        self.ironic_port, = free_ports(1)

        def spawn(name, argv):
            self.ironic = Process(name, argv, log_dir=WORK_DIR)
            return self.ironic

        # Its conductor's name, which the samples show, whatever the
        # machine's is.
        _, url = _load_script('ironic_conf').start_single(
            spawn, WORK_DIR / 'ironic', self.ironic_port,
            'http://127.0.0.1:%d' % self.guide_service_port, token,
            CLI_TIMEOUT_S, extra={'DEFAULT': {'host': 'localhost'}},
            bin_dir=VENV_BIN)
        # The conductor registers its drivers a moment after the API
        # answers; `driver list` must not come first.
        wait_until('Ironic listing the valence driver',
                   lambda: answers(url + '/v1/drivers/valence'),
                   START_TIMEOUT_S)
        # The guide's cloud, rack1, as the same noauth Ironic.
        clouds = WORK_DIR / 'clouds.yaml'
        clouds.write_text(json.dumps({'clouds': {SAMPLE_CLOUD: {
            'auth_type': 'none', 'baremetal_endpoint_override': url}}}))
        self.env.update(OS_ENDPOINT=url, OS_AUTH_TYPE='none',
                        OS_CLIENT_CONFIG_FILE=str(clouds),
                        PATH='%s:%s' % (VENV_BIN, self.env['PATH']))

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
        if self.ironic:
            self.ironic.stop()
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


def test_plain_blocks_of_commands_are_the_listed_ones():
    """A plain block of commands is one NOT_RUN says why it is not run."""
    found = {(document, first): number for document in DOCUMENTS
             for number, first in plain_command_blocks(document)}
    unlisted = ['%s line %d: %s' % (document, number, first)
                for (document, first), number in found.items()
                if (document, first) not in NOT_RUN]
    assert not unlisted, (
        'plain blocks of commands that the check does not run: make them '
        'console blocks with their output, or add them to NOT_RUN with the '
        'reason:\n%s' % '\n'.join(unlisted))
    gone = set(NOT_RUN) - set(found)
    assert not gone, 'NOT_RUN names blocks no document has: %s' % gone


def test_commands_print_their_samples(docs_run):
    for document in DOCUMENTS:
        for command in console_blocks(document):
            docs_run.run(command)

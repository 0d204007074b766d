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

"""``baremetal valence ...``: the composed-node lifecycle from the CLI.

Commands of python-ironicclient's OSC plugin namespace
(``openstack.baremetal.v1``, see pyproject.toml), so that both the standalone
``baremetal`` and ``openstack baremetal`` offer them. They talk to Ironic
alone, through the client and the authentication the CLI already has
(clouds.yaml, OS_* variables): Ironic's own API for its nodes, and the
valence driver's vendor passthru (ironic_valence.vendor) for everything
about Valence, which the conductor does with the driver service's token of
ironic.conf. So Ironic's policy decides who may do what, and a composition,
an enrolment or a retirement is recorded in the Ironic node's history. The
commands run where the CLI runs: nothing here imports Ironic itself.
"""

import argparse
from concurrent import futures
import sys
import threading
import time

from ironicclient import exc as ironic_exc
from osc_lib.command import command
from osc_lib import exceptions

from ironic_valence import passthru
from ironic_valence import protocol

DRIVER = passthru.DRIVER
NODE_ID_FIELD = passthru.NODE_ID_FIELD
# The service's own default, sent explicitly so that the CLI's wait is
# sized on it.
DEFAULT_COMPOSE_TIMEOUT_SECONDS = 300
DEFAULT_STEP_TIMEOUT_SECONDS = 600
DEFAULT_RETIRED_REASON = 'retired with baremetal valence node retire'
# Seconds the CLI waits for a composition's outcome beyond its timeout: the
# service's overshoot, the conductor's [valence]answer_margin (5 s by
# default), and room for a busy conductor to start the call and record it.
COMPOSE_WAIT_MARGIN_SECONDS = 60
POLL_INTERVAL_SECONDS = 1
# Ironic nodes enroll --all makes at once. keystoneauth's session keeps 10
# connections per host: more callers than that would open and drop one
# connection per call.
DEFAULT_ENROLL_CONCURRENCY = 8
MAX_ENROLL_CONCURRENCY = 10
# Seconds between two progress lines of a long command.
PROGRESS_INTERVAL_SECONDS = 5
# The Ironic API version of the node history.
HISTORY_API_VERSION = '1.78'


def _failed(what, error):
    """The CommandError for an Ironic call that failed: Ironic's message."""
    return exceptions.CommandError('%s: %s' % (what, error))


def _driver_call(ironic, method, http_method='GET', args=None):
    """Calls a driver vendor passthru method of valence.

    :returns: the method's answer, a dict.
    :raises ironicclient.exc.ClientException: as Ironic answered.
    """
    answer = ironic.driver.vendor_passthru(DRIVER, method, args=args,
                                           http_method=http_method)
    return answer.to_dict() if answer is not None else {}


def _composed_nodes(ironic):
    try:
        return _driver_call(ironic, passthru.LIST_COMPOSED_NODES)['nodes']
    except ironic_exc.ClientException as e:
        raise _failed('Listing the composed nodes failed', e)


def _concurrency(text):
    """argparse's type of --concurrency."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_ENROLL_CONCURRENCY:
        raise argparse.ArgumentTypeError(
            'must be a whole number from 1 to %d, not %s'
            % (MAX_ENROLL_CONCURRENCY, text))
    return value


def _add_wait_option(parser):
    parser.add_argument(
        '--wait', metavar='<seconds>', type=int,
        default=DEFAULT_STEP_TIMEOUT_SECONDS,
        help='Longest wait for each Ironic provision state change '
             '(default %s)' % DEFAULT_STEP_TIMEOUT_SECONDS)
    return parser


def _valence_nodes(ironic):
    """Ironic nodes of the valence driver, by the Valence node they drive."""
    return _driving(ironic.node.list(
        driver=DRIVER, limit=0,
        fields=['uuid', 'name', 'provision_state', 'driver_info']))


def _driving(nodes):
    """The nodes of the valence driver, by the Valence node they drive.

    Of two Ironic nodes of one composed node, the older one drives it (the
    power interface refuses the other): Ironic lists the oldest first.
    """
    driving = {}
    for node in nodes:
        # Nodes listed without their driver were listed by driver.
        if getattr(node, 'driver', DRIVER) == DRIVER:
            driving.setdefault((node.driver_info or {}).get(NODE_ID_FIELD),
                               node)
    return driving


class _Progress(object):
    """What a long command is doing, on stderr as cliff's commands say it.

    Silenced by -q (cliff's verbose_level 0); never on stdout, so that
    -f json stays parseable. Safe to call from several threads.
    """

    def __init__(self, app, steps_from=1):
        """Progress as the app's verbose level asks.

        :param steps_from: the verbose level from which step() speaks (2,
            -v, for a step of each of thousands of nodes).
        """
        level = app.options.verbose_level
        self.shown = level > 0
        self.steps = level >= steps_from
        self._lock = threading.Lock()
        self._next = time.monotonic() + PROGRESS_INTERVAL_SECONDS

    def _say(self, text):
        with self._lock:
            sys.stderr.write(text + '\n')
            sys.stderr.flush()

    def step(self, text):
        """Says what was just done."""
        if self.steps:
            self._say(text)

    def summary(self, text):
        """Says where a long command stands."""
        if self.shown:
            self._say(text)

    def every_while(self, text):
        """Says text, at most once in PROGRESS_INTERVAL_SECONDS."""
        with self._lock:
            now = time.monotonic()
            if now < self._next:
                return
            self._next = now + PROGRESS_INTERVAL_SECONDS
        self.summary(text)


def _history(ironic, node):
    """The node's history entries of the valence methods, oldest first."""
    return [entry for entry in ironic.node.get_history_list(
        node, detail=True, os_ironic_api_version=HISTORY_API_VERSION)
        if entry.get('event_type') == passthru.HISTORY_EVENT_TYPE]


def _outcome(ironic, node, before, timeout, progress):
    """Waits for the node's next history entry of the valence methods.

    :param before: the uuids of the entries there before the call.
    :param timeout: seconds to wait, polling once a second.
    :returns: the entry.
    :raises CommandError: when none comes in time.
    """
    began = time.monotonic()
    deadline = began + timeout
    for _ in range(int(timeout / POLL_INTERVAL_SECONDS) + 1):
        new = [entry for entry in _history(ironic, node)
               if entry['uuid'] not in before]
        if new:
            return new[0]
        if time.monotonic() >= deadline:
            break
        progress.every_while('Waiting for the composition of Ironic node '
                             '%s: %.0f s of at most %s s'
                             % (node, time.monotonic() - began, timeout))
        time.sleep(POLL_INTERVAL_SECONDS)
    raise exceptions.CommandError(
        'Ironic node %s recorded no outcome of the composition within %s s; '
        'see "baremetal node history list %s" and the conductor\'s log'
        % (node, timeout, node))


class _Enroller(object):
    """Makes and moves on the Ironic node that drives a composed node.

    The one place where an Ironic node comes to drive a composed node.
    """

    def __init__(self, ironic, wait, progress, named=None):
        """An enroller; waits up to `wait` s for each provision state.

        :param named: Ironic's nodes by name, when the caller read them all
            at once (enroll); else each name is looked up in Ironic.
        """
        self.ironic = ironic
        self.wait = wait
        self.progress = progress
        self.named = named
        self._lock = threading.Lock()

    def _named(self, name):
        """Ironic's node of that name, or None; each is given out once."""
        if self.named is not None:
            with self._lock:
                return self.named.pop(name, None)
        try:
            return self.ironic.node.get(
                name, fields=['uuid', 'driver', 'driver_info',
                              'provision_state'])
        except ironic_exc.NotFound:
            return None

    def node_for(self, name, node_id=None):
        """An Ironic node for the composed node of that name.

        Ironic's node of that name when it is a valence node in enroll that
        drives nothing yet (left by a composition that failed), else a new
        one, named so if the name is free. One Ironic call: the node is
        created, or updated, with driver_info naming node_id when it is
        given; its manage then checks the composed node and records it.

        :param node_id: the composed node's id, or None for a node that
            drives nothing yet (the compose method makes it drive one).
        :raises ironicclient.exc.ClientException: when Ironic refuses.
        """
        driver_info = {NODE_ID_FIELD: node_id} if node_id else {}
        if name:
            node = self._named(name)
            if (node is not None and node.driver == DRIVER
                    and node.provision_state == 'enroll'
                    and not (node.driver_info or {}).get(NODE_ID_FIELD)):
                self.progress.step('Using Ironic node %s named %s, which '
                                   'drives no composed node'
                                   % (node.uuid, name))
                if node_id:
                    node = self.ironic.node.update(node.uuid, [{
                        'op': 'add', 'path': '/driver_info/' + NODE_ID_FIELD,
                        'value': node_id}])
                    self._drives(node, node_id)
                return node
            if node is not None:
                self.progress.step('Ironic already has a node named %s; '
                                   'the new Ironic node has no name' % name)
                name = None
        try:
            node = self.ironic.node.create(driver=DRIVER, name=name,
                                           driver_info=driver_info)
        except ironic_exc.Conflict:
            if not name:
                raise
            # Taken since Ironic's nodes were read: by another composed
            # node of the same name, or behind this command's back.
            self.progress.step('Ironic node name %s was taken meanwhile; '
                               'the new Ironic node has no name' % name)
            node = self.ironic.node.create(driver=DRIVER,
                                           driver_info=driver_info)
        self.progress.step('Created Ironic node %s' % node.uuid)
        if node_id:
            self._drives(node, node_id)
        return node

    def _drives(self, node, node_id):
        self.progress.step('Ironic node %s names Valence node %s in its '
                           'driver_info' % (node.uuid, node_id))

    def create(self, valence_node):
        """Creates the Ironic node that drives a composed node.

        :raises ironicclient.exc.ClientException: when Ironic refuses.
        """
        return self.node_for(valence_node.get('name'), valence_node['node_id'])

    def move(self, node, verb, expected, done):
        """Sets the provision state and waits until it is reached."""
        self.ironic.node.set_provision_state(node.uuid, verb)
        self.ironic.node.wait_for_provision_state(
            node.uuid, expected, timeout=self.wait)
        self.progress.step('Ironic node %s is %s (%s)'
                           % (node.uuid, expected, done))

    def manage(self, node):
        if node.provision_state == 'enroll':
            self.move(node, 'manage', 'manageable', 'verified')
            node.provision_state = 'manageable'


class ListValenceNode(command.Lister):
    """List Valence composed nodes and the Ironic node driving each."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--unenrolled', action='store_true',
                            help='Only the composed nodes that no Ironic '
                                 'node drives')
        return parser

    def take_action(self, parsed_args):
        ironic = self.app.client_manager.baremetal
        progress = _Progress(self.app)
        began = time.monotonic()
        composed = _composed_nodes(ironic)
        progress.summary('%d composed nodes read in %.1f s; asking Ironic '
                         'which of its nodes drive them'
                         % (len(composed), time.monotonic() - began))
        enrolled = _valence_nodes(ironic)
        columns = ('UUID', 'Name', 'Composition State', 'Power State',
                   'Ironic Node', 'Provision State')
        rows = []
        for node in composed:
            ironic_node = enrolled.get(node['node_id'])
            if parsed_args.unenrolled and ironic_node is not None:
                continue
            rows.append((node['node_id'], node['name'],
                         node['composition_state'], node['power_state'],
                         ironic_node.uuid if ironic_node else None,
                         ironic_node.provision_state if ironic_node
                         else None))
        return columns, rows


class ListValenceFlavor(command.Lister):
    """List the flavors Valence composes nodes from."""

    def take_action(self, parsed_args):
        try:
            flavors = _driver_call(self.app.client_manager.baremetal,
                                   passthru.LIST_FLAVORS)['flavors']
        except ironic_exc.ClientException as e:
            raise _failed('Listing the flavors failed', e)
        columns = ('UUID', 'Name', 'Description', 'Cores', 'Memory MiB')
        rows = [(flavor['flavor_id'], flavor['name'], flavor['description'],
                 flavor['total_cores'], flavor['memory_mib'])
                for flavor in flavors]
        return columns, rows


class ComposeValenceNode(command.ShowOne):
    """Compose a node in Valence, with the Ironic node that drives it.

    The Ironic node is made first, and the conductor composes the node for
    it; the outcome is recorded in the Ironic node's history. Idempotent on
    the name: a composed node of that name, or an Ironic node that already
    drives it, is used as it is, and only what is missing is done.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--name', metavar='<name>', required=True,
                            help='Name of the composed node and of its '
                                 'Ironic node')
        parser.add_argument('--flavor', metavar='<flavor>', required=True,
                            help='Valence flavor, by uuid or name')
        parser.add_argument('--description', metavar='<description>',
                            help='Description of the composed node')
        parser.add_argument('--timeout', metavar='<seconds>', type=int,
                            default=DEFAULT_COMPOSE_TIMEOUT_SECONDS,
                            help='Longest wait until the node is Assembled '
                                 '(%s..%s, default %s)'
                                 % (protocol.POWER_TIMEOUT_MIN_SECONDS,
                                    protocol.POWER_TIMEOUT_MAX_SECONDS,
                                    DEFAULT_COMPOSE_TIMEOUT_SECONDS))
        parser.add_argument('--enroll', action='store_true',
                            help='Move the Ironic node to manageable')
        parser.add_argument('--inspect', action='store_true',
                            help='Inspect the node (implies --enroll)')
        parser.add_argument('--provide', action='store_true',
                            help='Make the node available (implies '
                                 '--enroll)')
        return _add_wait_option(parser)

    def take_action(self, parsed_args):
        ironic = self.app.client_manager.baremetal
        enroller = _Enroller(ironic, parsed_args.wait, _Progress(self.app))
        try:
            valence_node, node = self._composed(ironic, enroller,
                                                parsed_args)
            if (parsed_args.enroll or parsed_args.inspect
                    or parsed_args.provide):
                self._enrolled(enroller, node, parsed_args)
        except ironic_exc.ClientException as e:
            raise _failed('Ironic refused the call', e)
        result = {'valence_node_id': valence_node['node_id'],
                  'name': valence_node['name'],
                  'composition_state': valence_node['composition_state'],
                  'ironic_node': node.uuid,
                  'provision_state': node.provision_state}
        return tuple(zip(*sorted(result.items())))

    def _composed(self, ironic, enroller, parsed_args):
        """The composed node of that name and the Ironic node driving it."""
        for valence_node in _composed_nodes(ironic):
            if valence_node['name'] != parsed_args.name:
                continue
            if valence_node['composition_state'] != passthru.ASSEMBLED:
                raise exceptions.CommandError(
                    'Valence node %s named %s exists but is %s, not %s; '
                    'run this again once it is, or retire it'
                    % (valence_node['node_id'], valence_node['name'],
                       valence_node['composition_state'],
                       passthru.ASSEMBLED))
            enroller.progress.step(
                'Valence node %s named %s is already composed'
                % (valence_node['node_id'], valence_node['name']))
            node = _valence_nodes(ironic).get(valence_node['node_id'])
            if node is None:
                node = enroller.create(valence_node)
            else:
                enroller.progress.step(
                    'Ironic node %s already drives Valence node %s (%s)'
                    % (node.uuid, valence_node['node_id'],
                       node.provision_state))
            return valence_node, node
        node = enroller.node_for(parsed_args.name)
        before = {entry['uuid'] for entry in _history(ironic, node.uuid)}
        args = {passthru.NAME: parsed_args.name,
                passthru.FLAVOR: parsed_args.flavor,
                passthru.TIMEOUT: parsed_args.timeout}
        if parsed_args.description is not None:
            args[passthru.DESCRIPTION] = parsed_args.description
        ironic.node.vendor_passthru(node.uuid, passthru.COMPOSE, args=args,
                                    http_method='POST')
        outcome = _outcome(ironic, node.uuid, before,
                           parsed_args.timeout + COMPOSE_WAIT_MARGIN_SECONDS,
                           enroller.progress)
        if outcome['severity'] != 'INFO':
            raise exceptions.CommandError(outcome['event'])
        enroller.progress.step(outcome['event'])
        node = ironic.node.get(node.uuid, fields=['uuid', 'driver_info',
                                                  'provision_state'])
        valence_id = node.driver_info[NODE_ID_FIELD]
        valence_node = next(n for n in _composed_nodes(ironic)
                            if n['node_id'] == valence_id)
        return valence_node, node

    @staticmethod
    def _enrolled(enroller, node, parsed_args):
        enroller.manage(node)
        state = node.provision_state
        if parsed_args.inspect:
            if state == 'manageable':
                enroller.move(node, 'inspect', 'manageable', 'inspected')
            else:
                enroller.progress.step(
                    'Ironic node %s is already %s: not inspected again'
                    % (node.uuid, state))
        if parsed_args.provide:
            if state == 'manageable':
                enroller.move(node, 'provide', 'available', 'provided')
                node.provision_state = 'available'
            else:
                enroller.progress.step(
                    'Ironic node %s is already %s: not provided again'
                    % (node.uuid, state))


class EnrollValenceNode(command.Lister):
    """Enroll composed nodes that no Ironic node drives yet.

    Each gets an Ironic node with driver valence and the composed node's id
    in its driver_info, moved to manageable: Ironic's verification checks
    that the composed node is Assembled and records, in the node's history,
    which one it drives. An Ironic node that already drives a composed node
    but is still in enroll (a run cut short between the two calls, a
    failed verification) is moved to manageable; nodes an Ironic node
    drives in any other state, and nodes not yet Assembled, are skipped. A
    node Ironic fails to create or manage does not stop the others: its row
    says what failed, and the command then exits 1. --concurrency nodes are
    created at once; then the command waits for all of them to be
    manageable, each for at most --wait seconds after its manage was asked
    for.
    """

    def __init__(self, app, app_args, cmd_name=None):
        super().__init__(app, app_args, cmd_name)
        self.failed = False

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--all', action='store_true',
                            help='Every composed node')
        parser.add_argument('nodes', metavar='<valence-node>', nargs='*',
                            help='Valence node uuids to enroll')
        parser.add_argument(
            '--concurrency', metavar='<count>', type=_concurrency,
            default=DEFAULT_ENROLL_CONCURRENCY,
            help='Nodes created and managed at once (1..%d, default %d)'
                 % (MAX_ENROLL_CONCURRENCY, DEFAULT_ENROLL_CONCURRENCY))
        return _add_wait_option(parser)

    def take_action(self, parsed_args):
        if parsed_args.all == bool(parsed_args.nodes):
            raise exceptions.CommandError(
                'Give either --all or the uuids of the Valence nodes to '
                'enroll')
        ironic = self.app.client_manager.baremetal
        progress = _Progress(self.app, steps_from=2)
        composed = {node['node_id']: node
                    for node in _composed_nodes(ironic)}
        unknown = [uuid for uuid in parsed_args.nodes if uuid not in composed]
        if unknown:
            raise exceptions.CommandError(
                'Valence has no composed node %s; nothing was enrolled'
                % ', '.join(unknown))
        wanted = (list(composed) if parsed_args.all
                  else list(dict.fromkeys(parsed_args.nodes)))
        # One query for every Ironic node: the ones driving a composed
        # node, and the names taken.
        try:
            nodes = ironic.node.list(limit=0, fields=[
                'uuid', 'name', 'driver', 'driver_info', 'provision_state'])
        except ironic_exc.ClientException as e:
            raise _failed('Listing the Ironic nodes failed', e)
        enrolled = _driving(nodes)
        enroller = _Enroller(ironic, parsed_args.wait, progress,
                             {node.name: node for node in nodes if node.name})
        rows = {}
        todo = []
        for uuid in wanted:
            valence_node = composed[uuid]
            node = enrolled.get(uuid)
            if node is not None and node.provision_state != 'enroll':
                rows[uuid] = (node.uuid, 'already enrolled (%s)'
                              % node.provision_state)
            elif valence_node['composition_state'] != passthru.ASSEMBLED:
                rows[uuid] = (node and node.uuid, 'skipped: %s, not %s'
                              % (valence_node['composition_state'],
                                 passthru.ASSEMBLED))
            else:
                todo.append((valence_node, node))
        progress.summary('%d composed nodes: %d to enroll, %d already '
                         'enrolled or skipped' % (len(wanted), len(todo),
                                                  len(rows)))
        managing = self._start_all(enroller, todo, parsed_args.concurrency,
                                   rows)
        self._finish(ironic, managing, parsed_args.wait, progress, rows)
        return (('Valence Node', 'Name', 'Ironic Node', 'Result'),
                [(uuid, composed[uuid]['name']) + rows[uuid]
                 for uuid in wanted])

    def run(self, parsed_args):
        """Prints every row, then exits 1 when a node failed."""
        code = super().run(parsed_args)
        return 1 if self.failed else code

    def _start_all(self, enroller, todo, concurrency, rows):
        """Creates each node and asks to manage it, so many at once.

        A node that failed gets its row.

        :returns: {Ironic node uuid: (Valence node uuid, time.monotonic()
            when its manage was asked for)} of the nodes to wait for.
        """
        managing = {}
        done = 0
        with futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
            started = {pool.submit(self._start, enroller, valence_node,
                                   node): valence_node['node_id']
                       for valence_node, node in todo}
            for future in futures.as_completed(started):
                uuid = started[future]
                node, error, asked_at = future.result()
                if error is not None:
                    self.failed = True
                    rows[uuid] = (node, 'failed: %s' % error)
                else:
                    managing[node] = (uuid, asked_at)
                done += 1
                enroller.progress.every_while(
                    'Enrolled %d of %d composed nodes' % (done, len(todo)))
        return managing

    @staticmethod
    def _start(enroller, valence_node, node):
        """Asks Ironic to manage the node, created first if it is None.

        :param node: the Ironic node in enroll that already drives the
            composed node, or None.
        :returns: the Ironic node's uuid (or None), the error (or None) and
            when its manage was asked for.
        """
        try:
            if node is None:
                node = enroller.create(valence_node)
            else:
                enroller.progress.step(
                    'Ironic node %s already drives Valence node %s but is '
                    'enroll' % (node.uuid, valence_node['node_id']))
            enroller.ironic.node.set_provision_state(node.uuid, 'manage')
            return node.uuid, None, time.monotonic()
        except ironic_exc.ClientException as e:
            return (node.uuid if node else None), e, None

    def _finish(self, ironic, managing, wait, progress, rows):
        """Waits until the nodes being managed are manageable or failed.

        Each node is waited for until `wait` seconds after its manage was
        asked for; one query of Ironic's verifying nodes a second.
        """
        left = dict(managing)
        total = len(left)
        for _ in range(int(wait / POLL_INTERVAL_SECONDS) + 2):
            if not left:
                break
            try:
                verifying = {node.uuid for node in ironic.node.list(
                    driver=DRIVER, provision_state='verifying', limit=0,
                    fields=['uuid'])}
            except ironic_exc.ClientException as e:
                raise _failed('Listing the Ironic nodes failed', e)
            now = time.monotonic()
            left = {node: (uuid, asked_at)
                    for node, (uuid, asked_at) in left.items()
                    if node in verifying and now < asked_at + wait}
            if left:
                progress.every_while('%d of %d Ironic nodes manageable or '
                                     'failed' % (total - len(left), total))
                time.sleep(POLL_INTERVAL_SECONDS)
        if not managing:
            return
        try:
            states = {node.uuid: node for node in ironic.node.list(
                driver=DRIVER, limit=0,
                fields=['uuid', 'provision_state', 'last_error'])}
        except ironic_exc.ClientException as e:
            raise _failed('Listing the Ironic nodes failed', e)
        manageable = 0
        for node, (uuid, _) in managing.items():
            state = states.get(node)
            if state is not None and state.provision_state == 'manageable':
                manageable += 1
                rows[uuid] = (node, 'enrolled (manageable)')
                continue
            self.failed = True
            rows[uuid] = (node, 'failed: drives the composed node, but is '
                          '%s, not manageable within %s s%s' % (
                              state.provision_state if state else 'gone',
                              wait, ': %s' % state.last_error
                              if state and state.last_error else ''))
        progress.summary('%d of %d Ironic nodes asked to manage are '
                         'manageable' % (manageable, total))


class _Retirement(object):
    """Ironic's retirement of a valence node, done step by step as the user.

    Each step is taken only if the node still needs it, so that a run after
    a failure does what is left; a failure says which half stands: whether
    the Ironic node is retired, whether its composed node is released.
    """

    FIELDS = ['uuid', 'driver', 'driver_info', 'driver_internal_info',
              'provision_state', 'retired', 'retired_reason', 'maintenance',
              'maintenance_reason', 'fault', 'last_error']
    # Manual cleaning starts from manageable, and Ironic refuses to set
    # retired on an available node.
    TO_MANAGE = ('enroll', 'available', 'clean failed')
    STARTS = TO_MANAGE + ('manageable',)

    def __init__(self, ironic, node, timeout, progress):
        self.ironic = ironic
        self._say = progress.summary
        self.node = node
        self.uuid = node.uuid
        self.valence_id = (node.driver_info or {}).get(NODE_ID_FIELD)
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.again = 'baremetal valence node retire %s' % node.uuid

    def run(self, reason, delete):
        """Retires the node, releases its composed node, and deletes it.

        :raises CommandError: before anything changed when the node is
            refused; else saying which half stands and what to run.
        """
        if delete:
            self.again += ' --delete'
        released = self._check()
        if released:
            self._say('Valence node %s was already released by the cleaning '
                      'of Ironic node %s' % (self.valence_id, self.uuid))
        else:
            self._manageable()
            self._retire(reason)
            self._release()
        if delete:
            self._delete()

    def _check(self):
        """Refuses a node that is not to be retired; changes nothing.

        :returns: whether its composed node is released already.
        """
        node = self.node
        if node.driver != DRIVER or not self.valence_id:
            raise exceptions.CommandError(
                'Ironic node %s is not a valence node that drives a '
                'composed node (driver %s); nothing was done'
                % (self.uuid, node.driver))
        state = node.provision_state
        if state in passthru.IN_USE_STATES:
            raise exceptions.CommandError(
                'Ironic node %s is %s: it may be serving a workload, so it '
                'is not retired and Valence node %s is not released; '
                'nothing was done. Undeploy it first ("baremetal node '
                'undeploy %s"), then retire it' % (self.uuid, state,
                                                   self.valence_id,
                                                   self.uuid))
        if ((node.driver_internal_info or {}).get(passthru.RELEASED_NODE_ID)
                == self.valence_id):
            return True
        if state not in self.STARTS:
            raise exceptions.CommandError(
                'Ironic node %s is %s; it is retired from %s only, so '
                'nothing was done: run this again once it is'
                % (self.uuid, state, ', '.join(self.STARTS)))
        # Ironic cleans no node in maintenance; the one a failed cleaning
        # leaves there is taken back as Ironic's own way back does.
        if node.maintenance and not (state == 'clean failed'
                                     and node.fault == 'clean failure'):
            raise exceptions.CommandError(
                'Ironic node %s is in maintenance (%s), in which Ironic '
                'cleans no node, so nothing was done: "baremetal node '
                'maintenance unset %s" once that is settled, then run this '
                'again' % (self.uuid, node.maintenance_reason, self.uuid))
        return False

    def _manageable(self):
        state = self.node.provision_state
        if state == 'clean failed' and self.node.maintenance:
            self._call('Taking Ironic node %s out of maintenance'
                       % self.uuid, self.ironic.node.set_maintenance,
                       self.uuid, False)
            self._say('Ironic node %s is out of maintenance' % self.uuid)
        if state in self.TO_MANAGE:
            self._move('Moving Ironic node %s from %s to manageable'
                       % (self.uuid, state), 'manage', 'manageable')
            self._say('Ironic node %s is manageable' % self.uuid)

    def _retire(self, reason):
        if self.node.retired:
            self._say('Ironic node %s is already retired (%s)'
                      % (self.uuid, self.node.retired_reason))
            return
        self._call('Setting Ironic node %s retired' % self.uuid,
                   self.ironic.node.update, self.uuid, [
                       {'op': 'replace', 'path': '/retired', 'value': True},
                       {'op': 'replace', 'path': '/retired_reason',
                        'value': reason}])
        self.node.retired = True
        self._say('Ironic node %s is retired (%s)' % (self.uuid, reason))

    def _release(self):
        self._move('Cleaning Ironic node %s with step %s to release Valence '
                   'node %s' % (self.uuid, passthru.RELEASE_STEP,
                                self.valence_id),
                   'clean', 'manageable', cleansteps=[
                       {'interface': passthru.RELEASE_STEP_INTERFACE,
                        'step': passthru.RELEASE_STEP}])
        self._say('Valence node %s is released by the cleaning of Ironic node '
                  '%s, which stays retired' % (self.valence_id, self.uuid))

    def _delete(self):
        try:
            self.ironic.node.delete(self.uuid)
        except ironic_exc.ClientException as e:
            raise exceptions.CommandError(
                'Valence node %s is released and Ironic node %s is retired, '
                'but Ironic did not delete it: %s. Delete it with '
                '"baremetal node delete %s"' % (self.valence_id, self.uuid,
                                                e, self.uuid))
        self._say('Deleted Ironic node %s' % self.uuid)

    def _move(self, what, verb, expected, **kwargs):
        """Sets the provision state and waits for it within the deadline."""
        self._call(what, self.ironic.node.set_provision_state, self.uuid,
                   verb, **kwargs)
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self._failed(what, 'the %s s of --timeout are over'
                               % self.timeout)
        self._call(what, self.ironic.node.wait_for_provision_state,
                   self.uuid, expected, timeout=left)

    def _call(self, what, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ironic_exc.StateTransitionFailed as e:
            raise self._failed(what, self._last_error() or e)
        except ironic_exc.ClientException as e:
            raise self._failed(what, e)

    def _last_error(self):
        """Ironic's last_error of the node, or None if it cannot be read."""
        try:
            return self.ironic.node.get(self.uuid,
                                        fields=['last_error']).last_error
        except ironic_exc.ClientException:
            return None

    def _failed(self, what, error):
        """The CommandError of a step: what failed and which half stands."""
        if self.node.retired:
            stands = ('Ironic node %s is retired, but Valence node %s is '
                      'not known to be released' % (self.uuid,
                                                    self.valence_id))
        else:
            stands = ('Ironic node %s is not retired and Valence node %s is '
                      'not released' % (self.uuid, self.valence_id))
        return exceptions.CommandError(
            '%s failed: %s. %s: once the cause is fixed, "%s" finishes it'
            % (what, error, stands, self.again))


class RetireValenceNode(command.Command):
    """Retire the Ironic node of a composed node, the Ironic way.

    As the user, through Ironic's API: the node is brought to manageable
    (from available or enroll), set retired with the reason, and cleaned
    with the management interface's release_composed_node step, which
    decomposes its composed node in Valence; --delete then deletes the
    Ironic node (and its history). Refused, with nothing changed, while
    the node may serve a workload (active, deploying, rescue...). Run
    again after a failure, it does what is left. NODE is the Ironic node
    (name or uuid), or the Valence node uuid of a composed node no Ironic
    node drives, which is then decomposed.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('node', metavar='<node>',
                            help='Ironic node name or uuid, or Valence node '
                                 'uuid')
        parser.add_argument('--reason', metavar='<reason>',
                            default=DEFAULT_RETIRED_REASON,
                            help='The Ironic node\'s retired reason '
                                 '(default "%s")' % DEFAULT_RETIRED_REASON)
        parser.add_argument('--delete', action='store_true',
                            help='Delete the Ironic node once its composed '
                                 'node is released (its history goes with '
                                 'it)')
        parser.add_argument('--timeout', metavar='<seconds>', type=int,
                            default=DEFAULT_STEP_TIMEOUT_SECONDS,
                            help='Longest wait for the whole retirement, '
                                 'Ironic\'s state changes and the cleaning '
                                 '(default %s)'
                                 % DEFAULT_STEP_TIMEOUT_SECONDS)
        return parser

    def take_action(self, parsed_args):
        if parsed_args.timeout <= 0:
            raise exceptions.CommandError(
                '--timeout must be a positive number of seconds, got %s'
                % parsed_args.timeout)
        ironic = self.app.client_manager.baremetal
        progress = _Progress(self.app)
        node = self._ironic_node(ironic, parsed_args.node)
        if node is None:
            self._decompose(ironic, parsed_args.node, progress)
            return
        _Retirement(ironic, node, parsed_args.timeout, progress).run(
            parsed_args.reason, parsed_args.delete)

    @staticmethod
    def _decompose(ironic, valence_id, progress):
        try:
            _driver_call(ironic, passthru.DECOMPOSE, http_method='POST',
                         args={passthru.NODE_ID: valence_id})
        except ironic_exc.BadRequest as e:
            raise _failed('No Ironic node has the name or uuid %s, and '
                          'nothing was done' % valence_id, e)
        except ironic_exc.ClientException as e:
            raise _failed('No Ironic node has the name or uuid %s, and '
                          'Valence node %s was not decomposed; run this '
                          'again to try again' % (valence_id, valence_id), e)
        progress.summary('Decomposed Valence node %s' % valence_id)

    @staticmethod
    def _ironic_node(ironic, ident):
        try:
            return ironic.node.get(ident, fields=_Retirement.FIELDS)
        except ironic_exc.NotFound:
            return None

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
through the client the CLI already has, and to the valence-driver-service
directly, with its URL and token from ``--valence-driver-url`` and
``--valence-driver-token`` or the environment variables VALENCE_DRIVER_URL
and VALENCE_DRIVER_TOKEN. The commands run where the CLI runs: nothing here
imports Ironic itself.
"""

import os
import sys
import time

from ironicclient import exc as ironic_exc
from osc_lib.command import command
from osc_lib import exceptions
import requests

from ironic_valence import paging
from ironic_valence import problem as problem_document
from ironic_valence import protocol
from ironic_valence import scheduling

URL_ENV = 'VALENCE_DRIVER_URL'
TOKEN_ENV = 'VALENCE_DRIVER_TOKEN'
DRIVER = 'valence'
NODE_ID_FIELD = 'valence_node_id'
ASSEMBLED = 'Assembled'
# Seconds the CLI waits beyond the service's own budget (and its overshoot)
# before it gives up on an answer: the service always answers first.
ANSWER_MARGIN_SECONDS = 5
CONNECT_TIMEOUT_SECONDS = 5
# The service's own default, sent explicitly so that the CLI's wait is
# sized on it.
DEFAULT_COMPOSE_TIMEOUT_SECONDS = 300
DEFAULT_STEP_TIMEOUT_SECONDS = 600
# The longest a list of every composed node may take, page after page.
LIST_TIMEOUT_SECONDS = 300
# Provision states in which a node may be serving a workload: retiring it
# would pull the hardware from under that workload.
IN_USE_STATES = ('active', 'deploying', 'wait call-back', 'deploy hold',
                 'rescue', 'rescuing', 'rescue wait', 'rescue failed',
                 'unrescuing', 'unrescue failed')


class ServiceError(exceptions.CommandError):
    """The driver service refused or failed a call.

    ``code`` is the protocol's error code (None when the service gave none)
    and ``node_id`` the composed node the failure left behind, if any.
    """

    def __init__(self, message, code=None, node_id=None):
        super().__init__(message)
        self.code = code
        self.node_id = node_id


class ServiceClient(object):
    """The valence-driver-service's composition endpoints."""

    def __init__(self, url, token, session=None):
        if not url:
            raise exceptions.CommandError(
                'The valence-driver-service URL is not set: give '
                '--valence-driver-url or set %s' % URL_ENV)
        if not token:
            raise exceptions.CommandError(
                'The valence-driver-service token is not set: give '
                '--valence-driver-token or set %s' % TOKEN_ENV)
        self.url = url.rstrip('/')
        self._token = token
        self._session = session or requests.Session()

    def list_nodes(self):
        """Every composed node, following the pages of the node list."""
        return paging.every_node(
            lambda path: self._call('GET', path),
            time.monotonic() + LIST_TIMEOUT_SECONDS,
            (protocol.READ_BUDGET_SECONDS + protocol.ANSWER_OVERSHOOT_SECONDS
             + ANSWER_MARGIN_SECONDS), ServiceError)

    def list_flavors(self):
        return self._call('GET', '/flavors')

    def compose(self, name, flavor, timeout, description=None):
        body = {'name': name, 'flavor': flavor, 'timeout': timeout}
        if description is not None:
            body['description'] = description
        return self._call('POST', '/nodes', body, budget=timeout)

    def decompose(self, node_id):
        self._call('DELETE', '/nodes/%s' % node_id)

    def _call(self, method, path, body=None,
              budget=protocol.READ_BUDGET_SECONDS):
        """One call, waited for as long as the service may take and a margin.

        :raises ServiceError: for an error answer, no answer, or an answer
            that is not JSON; the message never contains the token.
        """
        url = self.url + protocol.API_VERSION_PREFIX + path
        wait = (budget + protocol.ANSWER_OVERSHOOT_SECONDS
                + ANSWER_MARGIN_SECONDS)
        try:
            response = self._session.request(
                method, url, json=body,
                headers={'Authorization': 'Bearer %s' % self._token,
                         'Accept': 'application/json'},
                timeout=(CONNECT_TIMEOUT_SECONDS, wait))
        except requests.RequestException as e:
            raise ServiceError(self._redact(
                'The valence-driver-service at %s could not be reached or '
                'did not answer within %s s: %s' % (self.url, wait, e)))
        if not response.ok:
            raise self._problem(response)
        if response.status_code == 204:
            return None
        try:
            return response.json()
        except ValueError:
            raise ServiceError('The valence-driver-service answered %s %s '
                               'with a body that is not JSON'
                               % (method, path))

    def _problem(self, response):
        problem = problem_document.read(response.status_code,
                                        response.headers, response.content,
                                        response.reason)
        message = 'valence-driver-service: HTTP %s%s: %s' % (
            response.status_code,
            ' ' + problem.code if problem.code else '', problem.detail)
        if problem.request_id:
            message += ' (request id %s)' % problem.request_id
        return ServiceError(self._redact(message), code=problem.code,
                            node_id=problem.node_id)

    def _redact(self, text):
        return text.replace(self._token, '***')


def _add_service_options(parser):
    parser.add_argument(
        '--valence-driver-url', metavar='<url>',
        default=os.environ.get(URL_ENV),
        help='URL of the valence-driver-service (Env: %s)' % URL_ENV)
    parser.add_argument(
        '--valence-driver-token', metavar='<token>',
        default=os.environ.get(TOKEN_ENV),
        help='Bearer token of the valence-driver-service (Env: %s)'
        % TOKEN_ENV)
    return parser


def _add_wait_option(parser):
    parser.add_argument(
        '--wait', metavar='<seconds>', type=int,
        default=DEFAULT_STEP_TIMEOUT_SECONDS,
        help='Longest wait for each Ironic provision state change '
             '(default %s)' % DEFAULT_STEP_TIMEOUT_SECONDS)
    return parser


def _service(parsed_args):
    return ServiceClient(parsed_args.valence_driver_url,
                         parsed_args.valence_driver_token)


def _valence_nodes(ironic):
    """Ironic nodes of the valence driver, by the Valence node they drive.

    Of two Ironic nodes of one composed node, the older one drives it (the
    power interface refuses the other): Ironic lists the oldest first.
    """
    nodes = ironic.node.list(
        driver=DRIVER, limit=0,
        fields=['uuid', 'name', 'provision_state', 'driver_info'])
    driving = {}
    for node in nodes:
        driving.setdefault((node.driver_info or {}).get(NODE_ID_FIELD), node)
    return driving


def _step(text):
    """Says what was just done; on stderr, so that -f json stays clean."""
    sys.stderr.write(text + '\n')
    sys.stderr.flush()


class _Enroller(object):
    """Creates the Ironic node of a composed node and moves it on."""

    def __init__(self, ironic, wait):
        self.ironic = ironic
        self.wait = wait

    def create(self, valence_node, flavor=None):
        """Creates the Ironic node, named like the composed node if free.

        :param flavor: the service's document of the flavor the node was
            composed from, which sets the resource class and traits
            (ironic_valence.scheduling); None when it is not known.
        """
        name = valence_node.get('name')
        if name:
            try:
                self.ironic.node.get(name, fields=['uuid'])
            except ironic_exc.NotFound:
                pass
            else:
                _step('Ironic already has a node named %s; enrolling Valence '
                      'node %s without a name' % (name,
                                                  valence_node['node_id']))
                name = None
        fields = scheduling.enrolment_fields(flavor)
        extra = ({'resource_class': fields['resource_class']}
                 if fields['resource_class'] else {})
        node = self.ironic.node.create(
            driver=DRIVER, name=name,
            driver_info={NODE_ID_FIELD: valence_node['node_id']}, **extra)
        _step('Created Ironic node %s for Valence node %s'
              % (node.uuid, valence_node['node_id']))
        if fields['traits']:
            self.ironic.node.set_traits(node.uuid, fields['traits'])
            _step('Ironic node %s has resource class %s and traits %s'
                  % (node.uuid, fields['resource_class'],
                     ', '.join(fields['traits'])))
        return node

    def move(self, node, verb, expected, done):
        """Sets the provision state and waits until it is reached."""
        self.ironic.node.set_provision_state(node.uuid, verb)
        self.ironic.node.wait_for_provision_state(
            node.uuid, expected, timeout=self.wait)
        _step('Ironic node %s is %s (%s)' % (node.uuid, expected, done))

    def manage(self, node):
        if node.provision_state == 'enroll':
            self.move(node, 'manage', 'manageable', 'power state read')
            node.provision_state = 'manageable'


class ListValenceNode(command.Lister):
    """List Valence composed nodes and the Ironic node driving each."""

    def get_parser(self, prog_name):
        parser = _add_service_options(super().get_parser(prog_name))
        parser.add_argument('--unenrolled', action='store_true',
                            help='Only the composed nodes that no Ironic '
                                 'node drives')
        return parser

    def take_action(self, parsed_args):
        composed = _service(parsed_args).list_nodes()
        enrolled = _valence_nodes(self.app.client_manager.baremetal)
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

    def get_parser(self, prog_name):
        return _add_service_options(super().get_parser(prog_name))

    def take_action(self, parsed_args):
        columns = ('UUID', 'Name', 'Description', 'Cores', 'Memory MiB')
        rows = [(flavor['flavor_id'], flavor['name'], flavor['description'],
                 flavor['total_cores'], flavor['memory_mib'])
                for flavor in _service(parsed_args).list_flavors()]
        return columns, rows


class ComposeValenceNode(command.ShowOne):
    """Compose a node in Valence, and optionally make it an Ironic node.

    Idempotent on the name: a composed node of that name, or an Ironic node
    that already drives it, is used as it is, and only what is missing is
    done.
    """

    def get_parser(self, prog_name):
        parser = _add_service_options(super().get_parser(prog_name))
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
                            help='Create the Ironic node (driver valence) '
                                 'and move it to manageable')
        parser.add_argument('--inspect', action='store_true',
                            help='Inspect the node (implies --enroll)')
        parser.add_argument('--provide', action='store_true',
                            help='Make the node available (implies '
                                 '--enroll)')
        return _add_wait_option(parser)

    def take_action(self, parsed_args):
        service = _service(parsed_args)
        enrolls = (parsed_args.enroll or parsed_args.inspect
                   or parsed_args.provide)
        valence_node, flavor = self._composed(service, parsed_args, enrolls)
        result = {'valence_node_id': valence_node['node_id'],
                  'name': valence_node['name'],
                  'composition_state': valence_node['composition_state'],
                  'ironic_node': None, 'provision_state': None}
        if enrolls:
            node = self._enrolled(valence_node, flavor, parsed_args)
            result['ironic_node'] = node.uuid
            result['provision_state'] = node.provision_state
        return tuple(zip(*sorted(result.items())))

    def _composed(self, service, parsed_args, enrolls):
        """The composed node of the name, composed if there is none.

        :returns: the node, and the document of the flavor it was composed
            from when this command composes it and enrolls it, else None.
        """
        for node in service.list_nodes():
            if node['name'] == parsed_args.name:
                if node['composition_state'] != ASSEMBLED:
                    raise exceptions.CommandError(
                        'Valence node %s named %s exists but is %s, not %s; '
                        'run this again once it is, or retire it'
                        % (node['node_id'], node['name'],
                           node['composition_state'], ASSEMBLED))
                _step('Valence node %s named %s is already composed'
                      % (node['node_id'], node['name']))
                return node, None
        # Before composing: Valence will not tell the flavor afterwards.
        flavor = (scheduling.find_flavor(service.list_flavors(),
                                         parsed_args.flavor)
                  if enrolls else None)
        try:
            node = service.compose(parsed_args.name, parsed_args.flavor,
                                   parsed_args.timeout,
                                   parsed_args.description)
        except ServiceError as e:
            if e.node_id:
                raise exceptions.CommandError(
                    '%s\nValence node %s was composed and is left as it '
                    'is: run this command again to carry on with it, or '
                    'remove it with "baremetal valence node retire %s"'
                    % (e, e.node_id, e.node_id))
            raise
        _step('Composed Valence node %s named %s from flavor %s'
              % (node['node_id'], node['name'], parsed_args.flavor))
        return node, flavor

    def _enrolled(self, valence_node, flavor, parsed_args):
        ironic = self.app.client_manager.baremetal
        enroller = _Enroller(ironic, parsed_args.wait)
        node = _valence_nodes(ironic).get(valence_node['node_id'])
        if node is None:
            if flavor is None:
                _step('Valence does not record the flavor of a composed '
                      'node: the Ironic node of Valence node %s gets no '
                      'resource class or traits from it'
                      % valence_node['node_id'])
            node = enroller.create(valence_node, flavor)
        else:
            _step('Ironic node %s already drives Valence node %s (%s)'
                  % (node.uuid, valence_node['node_id'],
                     node.provision_state))
        enroller.manage(node)
        if parsed_args.inspect:
            if node.provision_state == 'manageable':
                enroller.move(node, 'inspect', 'manageable', 'inspected')
            else:
                _step('Ironic node %s is %s, not manageable: not inspected'
                      % (node.uuid, node.provision_state))
        if parsed_args.provide:
            if node.provision_state == 'manageable':
                enroller.move(node, 'provide', 'available', 'provided')
                node.provision_state = 'available'
            else:
                _step('Ironic node %s is %s, not manageable: not provided'
                      % (node.uuid, node.provision_state))
        return node


class EnrollValenceNode(command.Lister):
    """Enroll composed nodes that no Ironic node drives yet.

    Each is created with driver valence and moved to manageable; nodes an
    Ironic node already drives, and nodes not yet Assembled, are skipped.
    Valence does not record which flavor a node was composed from, so these
    nodes get no resource class or traits from it (``compose --enroll``
    sets them).
    A node Ironic fails to create or manage does not stop the others: its
    row says what failed, and the command then exits 1.
    """

    def __init__(self, app, app_args, cmd_name=None):
        super().__init__(app, app_args, cmd_name)
        self.failed = False

    def get_parser(self, prog_name):
        parser = _add_service_options(super().get_parser(prog_name))
        parser.add_argument('--all', action='store_true',
                            help='Every composed node')
        parser.add_argument('nodes', metavar='<valence-node>', nargs='*',
                            help='Valence node uuids to enroll')
        return _add_wait_option(parser)

    def take_action(self, parsed_args):
        if parsed_args.all == bool(parsed_args.nodes):
            raise exceptions.CommandError(
                'Give either --all or the uuids of the Valence nodes to '
                'enroll')
        composed = {node['node_id']: node
                    for node in _service(parsed_args).list_nodes()}
        unknown = [uuid for uuid in parsed_args.nodes if uuid not in composed]
        if unknown:
            raise exceptions.CommandError(
                'Valence has no composed node %s; nothing was enrolled'
                % ', '.join(unknown))
        wanted = (list(composed) if parsed_args.all
                  else list(dict.fromkeys(parsed_args.nodes)))
        ironic = self.app.client_manager.baremetal
        enrolled = _valence_nodes(ironic)
        enroller = _Enroller(ironic, parsed_args.wait)
        rows = []
        for uuid in wanted:
            valence_node = composed[uuid]
            node = enrolled.get(uuid)
            if node is not None:
                rows.append((uuid, valence_node['name'], node.uuid,
                             'already enrolled (%s)' % node.provision_state))
            elif valence_node['composition_state'] != ASSEMBLED:
                rows.append((uuid, valence_node['name'], None,
                             'skipped: %s, not %s'
                             % (valence_node['composition_state'],
                                ASSEMBLED)))
            else:
                rows.append((uuid, valence_node['name'])
                            + self._enroll(enroller, valence_node))
        return ('Valence Node', 'Name', 'Ironic Node', 'Result'), rows

    def run(self, parsed_args):
        """Prints every row, then exits 1 when a node failed."""
        code = super().run(parsed_args)
        return 1 if self.failed else code

    def _enroll(self, enroller, valence_node):
        """:returns: the Ironic node's uuid (or None) and the result."""
        node = None
        try:
            node = enroller.create(valence_node)
            enroller.manage(node)
        except ironic_exc.ClientException as e:
            self.failed = True
            return (node.uuid if node else None), 'failed: %s' % e
        return node.uuid, 'enrolled (manageable)'


class RetireValenceNode(command.Command):
    """Delete a composed node's Ironic node, then decompose it in Valence.

    Refused while the node may serve a workload (active, deploying,
    rescue). NODE is the Ironic node (name or uuid), or the Valence node
    uuid of a composed node no Ironic node drives.
    """

    def get_parser(self, prog_name):
        parser = _add_service_options(super().get_parser(prog_name))
        parser.add_argument('node', metavar='<node>',
                            help='Ironic node name or uuid, or Valence node '
                                 'uuid')
        return parser

    def take_action(self, parsed_args):
        service = _service(parsed_args)
        ironic = self.app.client_manager.baremetal
        node = self._ironic_node(ironic, parsed_args.node)
        if node is None:
            valence_id = parsed_args.node
        else:
            valence_id = (node.driver_info or {}).get(NODE_ID_FIELD)
            if node.driver != DRIVER or not valence_id:
                raise exceptions.CommandError(
                    'Ironic node %s is not a valence node (driver %s); '
                    'nothing was done' % (node.uuid, node.driver))
            if node.provision_state in IN_USE_STATES:
                raise exceptions.CommandError(
                    'Ironic node %s is %s: it may be serving a workload, '
                    'so it is not retired; undeploy it first. Nothing was '
                    'done' % (node.uuid, node.provision_state))
            try:
                ironic.node.delete(node.uuid)
            except ironic_exc.ClientException as e:
                raise exceptions.CommandError(
                    'Ironic refused to delete node %s: %s. Nothing was done'
                    % (node.uuid, e))
            _step('Deleted Ironic node %s' % node.uuid)
        try:
            service.decompose(valence_id)
        except ServiceError as e:
            done = ('Ironic node %s was deleted, but ' % node.uuid
                    if node is not None
                    else 'No Ironic node has the name or uuid %s, and '
                    % valence_id)
            raise exceptions.CommandError(
                '%sValence node %s was not decomposed: %s\nRun "baremetal '
                'valence node retire %s" to try again'
                % (done, valence_id, e, valence_id))
        _step('Decomposed Valence node %s' % valence_id)

    @staticmethod
    def _ironic_node(ironic, ident):
        try:
            return ironic.node.get(ident, fields=['uuid', 'driver',
                                                  'driver_info',
                                                  'provision_state'])
        except ironic_exc.NotFound:
            return None

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


"""Parsing shared by the valence interfaces, and their one way to call
the driver service for a node."""

import contextlib
import functools
import json
import re
import threading

from ironic.common import exception
from ironic.common.i18n import _
from ironic.common import metrics_utils
from ironic.conductor import utils as conductor_utils
from ironic.db.sqlalchemy import models
from oslo_db.sqlalchemy import enginefacade
from oslo_log import log
import sqlalchemy as sa

from ironic_valence import client
from ironic_valence import conf as valence_conf
from ironic_valence import exceptions
from ironic_valence import passthru
from ironic_valence import protocol

CONF = valence_conf.CONF
LOG = log.getLogger(__name__)

REQUIRED_PROPERTIES = {
    'valence_node_id': _('The id (normally the UUID) of the composed node '
                         'in Valence that this Ironic node is. Letters, '
                         'digits, "-" and "_" only, at most 64 characters. '
                         'Required.'),
}

COMMON_PROPERTIES = REQUIRED_PROPERTIES.copy()

_NODE_ID_RE = re.compile(protocol.NODE_ID_PATTERN)

READ_NODE = _('Reading the composed node')

# One metrics logger for the package, so that every interface method's
# timer is ironic_valence.<interface class>.<method>, the names redfish's
# timers have below their module.
METRICS = metrics_utils.get_metrics_logger('ironic_valence')


def parse_driver_info(node):
    """Parse and check the valence driver_info of a node.

    No network call: this runs inside API requests.

    :param node: an Ironic node object.
    :returns: a dict with the key ``node_id``.
    :raises: MissingParameterValue if valence_node_id is absent or empty.
    :raises: InvalidParameterValue if valence_node_id is not a string made
        of letters, digits, '-' and '_' (at most 64 characters), because it
        becomes part of a URL path.
    """
    node_id = node.driver_info.get('valence_node_id')
    if node_id is None or node_id == '':
        raise exception.MissingParameterValue(
            _('Node %s is missing driver_info valence_node_id, the id of '
              'its Valence composed node.') % node.uuid)
    if not is_node_id(node_id):
        raise exception.InvalidParameterValue(
            _('Node %(node)s has an invalid driver_info valence_node_id '
              '%(value)r: it must be 1 to 64 letters, digits, "-" or "_", '
              'starting with a letter or digit.') %
            {'node': node.uuid, 'value': node_id})
    return {'node_id': node_id}


def is_node_id(value):
    """Whether value is a composed node's id, safe in a URL path."""
    # fullmatch: with match(), '$' would also accept a trailing newline.
    return isinstance(value, str) and bool(_NODE_ID_RE.fullmatch(value))


def check_sole_driver(node):
    """Refuse a node whose composed node an older Ironic node drives.

    Two Ironic nodes of one composed node would let Nova deploy two
    instances onto one server. The older node (the lower database id)
    keeps driving it, so the refusal never reaches a node that was driving
    it first. One query of three columns of the valence nodes: the
    database cannot look inside driver_info.

    :param node: an Ironic node object of the valence hardware type.
    :raises: MissingParameterValue or InvalidParameterValue on bad
        driver_info.
    :raises: InvalidParameterValue naming the other Ironic node.
    """
    node_id = parse_driver_info(node)['node_id']
    for other in _older_nodes_naming(node, node_id):
        if (json.loads(other.driver_info or '{}').get('valence_node_id')
                == node_id):
            raise exception.InvalidParameterValue(
                _('Valence composed node %(id)s is already driven by Ironic '
                  'node %(other)s%(name)s; node %(node)s may not drive it '
                  'too. Delete one of the two Ironic nodes.') %
                {'id': node_id, 'other': other.uuid,
                 'name': ' (%s)' % other.name if other.name else '',
                 'node': node.uuid})


# The reader sessions of check_sole_driver(), on Ironic's database engine.
_DB_CONTEXT = threading.local()


def _older_nodes_naming(node, node_id):
    """The older nodes of the node's driver whose driver_info holds node_id.

    The database filters on the JSON text, so that at 10,000 nodes it hands
    over only the few rows holding the id (Ironic's node list would build
    every node: seconds, not milliseconds); the caller checks the member.

    :returns: rows of uuid, name and driver_info (JSON text).
    """
    text = sa.type_coerce(models.Node.driver_info, sa.Text)
    query = sa.select(models.Node.uuid, models.Node.name,
                      text.label('driver_info')).where(
        models.Node.driver == node.driver,
        models.Node.id < node.id,
        text.contains(node_id, autoescape=True))
    with enginefacade.reader.using(_DB_CONTEXT) as session:
        return session.execute(query).all()


class DriverInfoMixin(object):
    """get_properties() and validate() of every valence interface.

    Each interface needs the same driver_info and nothing else; validate()
    never calls the service because Ironic runs it inside API requests.
    """

    def _timer(self, method):
        # The methods are shared; the timer is named after the interface.
        return METRICS.timer('%s.%s' % (type(self).__name__, method))

    def get_properties(self):
        """Return the properties of the interface.

        :returns: dictionary of <property name>:<property description> entries.
        """
        with self._timer('get_properties'):
            return COMMON_PROPERTIES.copy()

    def validate(self, task):
        """Check the driver_info the interface needs, without network calls.

        :param task: a TaskManager instance containing the node to act on.
        :raises: InvalidParameterValue on malformed parameter(s)
        :raises: MissingParameterValue on missing parameter(s)
        """
        with self._timer('validate'):
            parse_driver_info(task.node)


@functools.lru_cache(maxsize=1)
def service_client():
    """The driver service's client, as [valence] configures it.

    Built once: every call of the conductor shares it, so its connection
    pools and what it knows of failed replicas last across calls, and a
    call pays no option reads. None of the options it is built from is
    mutable, so a running conductor never changes them; a test that does
    builds a new one with service_client.cache_clear().

    :returns: a client.ServiceClient.
    :raises: exceptions.InvalidConfiguration if [valence]service_url names
        no URL, or one twice.
    """
    conf = CONF.valence
    return client.ServiceClient(
        service_urls=tuple(conf.service_url), auth_token=conf.auth_token,
        ca_file=conf.ca_file, insecure=conf.insecure,
        connect_timeout=conf.connect_timeout,
        answer_margin=conf.answer_margin, read_attempts=conf.read_attempts,
        read_retry_interval=conf.read_retry_interval,
        replica_down_seconds=conf.replica_down_seconds,
        # One kept-alive connection per sync worker.
        pool_size=CONF.conductor.sync_power_state_workers)


@contextlib.contextmanager
def service_errors(failure, action, not_found=None):
    """Raise Ironic's exception for a failed call to the driver service.

    The one mapping of the service's errors to the exceptions that the
    callers of the interfaces and of their passthru methods expect.

    :param failure: the Ironic exception class for a failed call; it is
        built with the message as its only argument.
    :param action: what was being done, the subject of the message
        ("Reading the power state of node <uuid>").
    :param not_found: called with the error when the service answers
        NODE_NOT_FOUND, it returns the exception to raise instead of
        ``failure``; None: ``failure`` as for any other error.
    :raises: what ``not_found`` returns, if the composed node does not
        exist; its ``__cause__`` is the service's error
        (is_composed_node_not_found()).
    :raises: ``failure`` for every other error of the service; for
        POWER_STATE_CONFLICT its message says that another change reversed
        this one.
    """
    try:
        yield
    except exceptions.ValenceServiceError as e:
        if not_found is not None and isinstance(e, exceptions.NodeNotFound):
            raise not_found(e) from e
        if isinstance(e, exceptions.PowerStateConflict):
            raise failure(_(
                '%(action)s failed: another change of its power state '
                'reversed this one before the node settled (another '
                'conductor, or a change made outside Ironic); the node is '
                'not in the state asked for. %(error)s')
                % {'action': action, 'error': e}) from e
        raise failed(failure, action, e) from e


def failed(failure, action, error):
    """The exception for a failed call: failure, saying what failed why.

    :param failure: the Ironic exception class, as service_errors()'s.
    :param action: what was being done, as service_errors()'s.
    :param error: why it failed: the service's error, or their account.
    """
    return failure(_('%(action)s failed: %(error)s')
                   % {'action': action, 'error': error})


def is_composed_node_not_found(error):
    """Whether call_service() raised error because Valence lacks the node.

    The exception that leaves an interface is Ironic's own
    InvalidParameterValue, as every other bad parameter's: Ironic's RPC
    between API and conductor rebuilds only classes of
    ironic.common.exception, and answers "Unexpected error raised by RPC"
    for any other. The service's NODE_NOT_FOUND error is its cause.
    """
    return (isinstance(error, exception.InvalidParameterValue)
            and isinstance(error.__cause__, exceptions.NodeNotFound))


def call_service(task, method, suffix, failure, action, body=None,
                 budget=protocol.READ_BUDGET_SECONDS, replay=False,
                 budget_member=None, answer=dict):
    """Call the driver service about the task's composed node.

    :param task: a TaskManager instance containing the node to act on.
    :param method: HTTP method.
    :param suffix: path below /v1/nodes/{id}, '' for the node itself.
    :param failure: the Ironic exception class the caller's callers expect
        for a failed call (service_errors()).
    :param action: what was being done, for the message ("Reading the power
        state").
    :param body: JSON request body, or None.
    :param budget: seconds the service may spend on the call: the read
        budget, or the power timeout of a power change.
    :param replay: whether a change may be sent to another replica after
        the one it went to may have acted on it (ServiceClient.request()).
    :param budget_member: the member of ``body`` that carries ``budget``
        (ServiceClient.request()).
    :param answer: the JSON type of the answer, or None
        (ServiceClient.request()).
    :returns: the service's JSON answer.
    :raises: MissingParameterValue or InvalidParameterValue on bad
        driver_info.
    :raises: InvalidParameterValue if the composed node does not exist
        (is_composed_node_not_found()).
    :raises: ``failure`` for every other error (service_errors()).
    """
    node_id = parse_driver_info(task.node)['node_id']
    path = '%s/nodes/%s%s' % (protocol.API_VERSION_PREFIX, node_id, suffix)

    def not_found(error):
        return exception.InvalidParameterValue(
            _('Valence composed node %(id)s not found (driver_info '
              'valence_node_id of node %(node)s). %(error)s') %
            {'id': node_id, 'node': task.node.uuid, 'error': error})

    with service_errors(failure, _('%(action)s of node %(node)s') %
                        {'action': action, 'node': task.node.uuid},
                        not_found=not_found):
        return service_client().request(
            task.context, method, path, body=body, budget=budget,
            replay=replay, budget_member=budget_member, answer=answer)


# Ironic's power sync asks for a node's power state and then, in the same
# task, for its health (ironic.conductor.utils.node_cache_health). The
# service's power read carries the health, so the power read of a task
# answers the one health read that follows it: one call per node per cycle.
# Ironic's verification (manage) reads the power state and then runs the
# verify steps in the same task, so the read answers the power interface's
# step too. Kept on the task, so never beyond the node's lock, and dropped
# by a power change.
_POWER_READ = '_valence_power_read'


def remember_power_read(task, answer):
    """Keep a power read for the health read and verify step of this task.

    :param answer: the service's GET /v1/nodes/{id}/power answer.
    """
    setattr(task, _POWER_READ, answer)


def take_power_read(task):
    """The power read kept by remember_power_read(), at most once, or None.

    None also for a read without a "health" member (an older service).
    """
    answer = vars(task).pop(_POWER_READ, None)
    return answer if answer is not None and 'health' in answer else None


def kept_power_read(task):
    """The power read kept by remember_power_read(), left kept, or None."""
    return vars(task).get(_POWER_READ)


def record(task, event, error=False,
           event_type=passthru.HISTORY_EVENT_TYPE):
    """Records what the plugin did in the node's history, and saves it.

    The event is recorded with the user of the request that caused it.
    """
    # Ironic 2025.1's node_history_record() takes no project, and records
    # no user unless it is given.
    conductor_utils.node_history_record(
        task.node, event=event, event_type=event_type,
        user=task.context.user_id, error=error)
    task.node.save()
    (LOG.warning if error else LOG.info)(
        'Node %(node)s: %(event)s', {'node': task.node.uuid, 'event': event})


def get_composed_node(task, failure):
    """Read the composed node as the driver service sees it.

    :returns: the service's node document (power, boot, health, inventory).
    :raises: the exceptions of call_service().
    """
    return call_service(task, 'GET', '', failure, READ_NODE)


def malformed_answer(failure, action, task, answer):
    """The exception for a 2xx answer that breaks the contract.

    :returns: an instance of ``failure`` naming what was received.
    """
    return failure(
        _('%(action)s of node %(node)s failed: the Valence driver service '
          'gave an answer outside its contract: %(answer)s') %
        {'action': action, 'node': task.node.uuid,
         'answer': service_client().redact(repr(answer))})


def macs_of(task, answer, failure):
    """The NIC MACs in the service's node document.

    :param task: a TaskManager instance containing the node to act on.
    :param answer: the service's GET /v1/nodes/{id} document.
    :param failure: the Ironic exception class for a broken answer.
    :returns: the list of MAC address strings, in Valence's order.
    :raises: ``failure`` if the inventory or its MAC list is missing or
        holds anything but strings.
    """
    inventory = answer.get('inventory')
    macs = (inventory.get(protocol.INVENTORY_MACS)
            if isinstance(inventory, dict) else None)
    if (not isinstance(macs, list)
            or not all(isinstance(mac, str) for mac in macs)):
        raise malformed_answer(failure, READ_NODE, task, answer)
    return macs

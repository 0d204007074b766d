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


"""Valence vendor passthru: connection check and composed-node lifecycle.

The `baremetal valence` commands reach the driver service only through
these methods, so that the service's token stays on the conductor hosts
and Ironic's authentication, its policy (ironic_valence.policy) and its
node history apply to every composition. Lists and the connection check
are driver methods answered at once. Composing takes minutes, so it is an
asynchronous method of the Ironic node that is to drive the composed
node: its outcome is recorded in that node's history (event type
passthru.HISTORY_EVENT_TYPE), which the CLI polls. Enrolling is Ironic's
own (a node created with the composed node's id in its driver_info, then
managed: the power interface's verify step checks and records it), and so
is retiring (retired, then the management interface's clean step);
decompose is for a composed node no Ironic node drives.
"""

from ironic.common import exception
from ironic.common.i18n import _
from ironic.drivers import base
from ironic import objects
from oslo_config import cfg
from oslo_log import log
from oslo_messaging import opts as messaging_opts

from ironic_valence import exceptions
from ironic_valence import passthru
from ironic_valence import policy
from ironic_valence import protocol
from ironic_valence import scheduling
from ironic_valence import utils

CONF = cfg.CONF
# The share of the API's wait for a synchronous passthru call that the
# list may take; the rest is for the call and its answer of up to
# thousands of nodes to cross the RPC transport and the conductor's queue.
LIST_SHARE = 5 / 6
LOG = log.getLogger(__name__)

GET_COMPOSED_NODE = 'get_composed_node'

# Ironic adds the HTTP method of the API call to every passthru call's
# arguments.
_IRONIC_ARGS = frozenset(['http_method'])

_COMPOSE_ARGS = {passthru.NAME: str, passthru.FLAVOR: str,
                 passthru.TIMEOUT: int}
_COMPOSE_OPTIONAL_ARGS = {passthru.DESCRIPTION: str}
_NODE_ID_ARGS = {passthru.NODE_ID: str}


def _check_arguments(method, kwargs, required=None, optional=None):
    """Check a call's arguments against the names and types it takes.

    :raises: InvalidParameterValue naming what is missing, unexpected or
        of the wrong type.
    """
    required = required or {}
    allowed = dict(optional or {}, **required)
    unexpected = sorted(set(kwargs) - _IRONIC_ARGS - set(allowed))
    if unexpected:
        raise exception.InvalidParameterValue(
            _('Vendor passthru method %(method)s takes %(takes)s, got: '
              '%(args)s') %
            {'method': method, 'args': ', '.join(unexpected),
             'takes': ', '.join(sorted(allowed)) or _('no arguments')})
    missing = sorted(set(required) - set(kwargs))
    if missing:
        raise exception.InvalidParameterValue(
            _('Vendor passthru method %(method)s needs: %(args)s') %
            {'method': method, 'args': ', '.join(missing)})
    for name, kind in allowed.items():
        value = kwargs.get(name)
        # bool is an int to Python, never a timeout.
        if name in kwargs and (not isinstance(value, kind)
                               or isinstance(value, bool)):
            raise exception.InvalidParameterValue(
                _('Vendor passthru method %(method)s takes %(name)s as a '
                  '%(kind)s, got %(value)r') %
                {'method': method, 'name': name, 'kind': kind.__name__,
                 'value': value})


def _check_node_id(method, node_id):
    if not utils.is_node_id(node_id):
        raise exception.InvalidParameterValue(
            _('Vendor passthru method %(method)s: %(value)r is not a '
              'composed node id (1 to 64 letters, digits, "-" or "_")') %
            {'method': method, 'value': node_id})


def _node_target(node):
    """The node as Ironic's own node rules see it."""
    return {'node.owner': node.owner, 'node.lessee': node.lessee}


def _register_rpc_response_timeout():
    """Registers [DEFAULT]rpc_response_timeout as oslo.messaging does.

    oslo.messaging registers it when the process makes its first RPC
    client, which a conductor of the json-rpc or none transport never does.
    """
    # list_opts() names [DEFAULT] None.
    for group, opts in messaging_opts.list_opts():
        for opt in opts:
            if group is None and opt.dest == 'rpc_response_timeout':
                CONF.register_opt(opt)


_register_rpc_response_timeout()


def api_wait_seconds():
    """Seconds Ironic's API waits for a synchronous passthru call's answer.

    The API and the conductor are meant to share ironic.conf: this reads
    the conductor's. json-rpc: [json_rpc]timeout (its HTTP client's
    timeout; unset, it does not time out, and oslo.messaging's bound is
    taken). oslo.messaging: [DEFAULT]rpc_response_timeout. none (API and
    conductor in one process): no RPC wait, and the same bound keeps the
    answer within what a client of the default configuration waits.
    """
    if CONF.rpc_transport == 'json-rpc' and CONF.json_rpc.timeout:
        return CONF.json_rpc.timeout
    return CONF.rpc_response_timeout


def list_seconds():
    """Seconds in which the whole composed-node list is read.

    LIST_SHARE of api_wait_seconds(), so that the caller is answered
    before the API gives up on the conductor.
    """
    return api_wait_seconds() * LIST_SHARE


def list_composed_nodes(context):
    """Every composed node, as the driver service lists them, page by page.

    :returns: a list of the service's composed-node documents.
    :raises: exceptions.ValenceServiceError, also when the whole list is
        not read within list_seconds().
    """
    return utils.service_client().list_composed_nodes(context,
                                                      list_seconds())


def _flavors(context):
    return utils.service_client().request(
        context, 'GET', protocol.API_VERSION_PREFIX + '/flavors',
        answer=list)


def _listing(context, rule, member, read):
    """A list the policy allows to the caller, as {member: the list}.

    :param read: reads the list from the service, given the context.
    :raises: HTTPForbidden when the policy refuses it to the caller.
    :raises: VendorPassthruException if the service fails.
    """
    policy.authorize(rule, context)
    with utils.service_errors(exception.VendorPassthruException,
                              _('Reading from the Valence driver service')):
        return {member: read(context)}


def _composed_node_call(context, method, node_id, action, answer=dict):
    """Calls the service about a composed node no driver_info names yet.

    :param action: what the call does, for the message ("Reading").
    :returns: the service's answer.
    :raises: InvalidParameterValue if Valence has no such node.
    :raises: VendorPassthruException if the service fails.
    """
    def not_found(error):
        return exception.InvalidParameterValue(
            _('Valence has no composed node %s') % node_id)

    with utils.service_errors(exception.VendorPassthruException,
                              _('%(action)s Valence node %(id)s') %
                              {'action': action, 'id': node_id},
                              not_found=not_found):
        return utils.service_client().request(
            context, method, '%s/nodes/%s' % (protocol.API_VERSION_PREFIX,
                                              node_id), answer=answer)


def _drive(task, node_id):
    """Makes the task's node drive the composed node (not yet saved)."""
    task.node.driver_info = dict(task.node.driver_info or {},
                                 **{passthru.NODE_ID_FIELD: node_id})


def _scheduling_fields(context, flavor):
    """The resource class and traits of a node composed from the flavor.

    Read before composing: Valence does not tell a composed node's flavor
    afterwards.

    :returns: scheduling.enrolment_fields()'s dict.
    :raises: exceptions.ValenceServiceError if the flavors cannot be read.
    :raises: ValueError if [valence]resource_class_format or trait_format
        makes a name Ironic or placement would refuse.
    """
    return scheduling.enrolment_fields(
        scheduling.find_flavor(_flavors(context), flavor),
        CONF.valence.resource_class_format, CONF.valence.trait_format)


def _scheduling_text(fields):
    """What _schedule() gave the node, for its history; '' for nothing."""
    if not (fields['resource_class'] or fields['traits']):
        return ''
    return _('; resource class %(rc)s, traits %(traits)s') % {
        'rc': fields['resource_class'],
        'traits': ', '.join(fields['traits']) or _('none')}


def _schedule(task, fields):
    """Gives the task's node its resource class (not yet saved) and traits.

    Traits are added to those the node has, as Ironic's API adds one.
    """
    if fields['resource_class']:
        task.node.resource_class = fields['resource_class']
    for trait in fields['traits']:
        objects.Trait(task.context, node_id=task.node.id,
                      trait=trait).create()


class ValenceVendorPassthru(utils.DriverInfoMixin,
                            base.VendorInterface):

    @utils.METRICS.timer('ValenceVendorPassthru.validate')
    def validate(self, task, method=None, **kwargs):
        """Check a node vendor passthru call, without network calls.

        :param task: a TaskManager instance containing the node to act on.
        :param method: get_composed_node, compose, or None when
            the whole interface is validated (the driver methods are
            checked by driver_validate()).
        :param kwargs: the call's arguments.
        :raises: HTTPForbidden when the policy refuses compose to the
            caller.
        :raises: MissingParameterValue or InvalidParameterValue on bad
            driver_info, or arguments that are not the method's.
        :raises: InvalidParameterValue for compose of a node that already
            drives a composed node.
        :raises: UnsupportedDriverExtension for any other method.
        """
        node = task.node
        if method in (None, GET_COMPOSED_NODE):
            utils.parse_driver_info(node)
            _check_arguments(method, kwargs)
        elif method == passthru.COMPOSE:
            policy.authorize(policy.COMPOSE, task.context, _node_target(node))
            _check_arguments(method, kwargs, _COMPOSE_ARGS,
                             _COMPOSE_OPTIONAL_ARGS)
            timeout = kwargs[passthru.TIMEOUT]
            if not (protocol.POWER_TIMEOUT_MIN_SECONDS <= timeout
                    <= protocol.POWER_TIMEOUT_MAX_SECONDS):
                raise exception.InvalidParameterValue(
                    _('The composition timeout must be %(min)s to %(max)s '
                      'seconds, got %(value)s') %
                    {'min': protocol.POWER_TIMEOUT_MIN_SECONDS,
                     'max': protocol.POWER_TIMEOUT_MAX_SECONDS,
                     'value': timeout})
            self._check_drives_nothing(node, method)
        else:
            raise exception.UnsupportedDriverExtension(
                driver=node.driver, extension=method)

    @staticmethod
    def _check_drives_nothing(node, method):
        driven = (node.driver_info or {}).get(passthru.NODE_ID_FIELD)
        if driven:
            raise exception.InvalidParameterValue(
                _('Vendor passthru method %(method)s: node %(node)s already '
                  'drives Valence node %(driven)s') %
                {'method': method, 'node': node.uuid, 'driven': driven})

    @utils.METRICS.timer('ValenceVendorPassthru.driver_validate')
    def driver_validate(self, method, **kwargs):
        """Check a driver vendor passthru call.

        The policy is checked by each method, which has the context.

        :param method: the method called.
        :param kwargs: the call's arguments.
        :raises: InvalidParameterValue if the arguments are not the
            method's.
        """
        if method == passthru.DECOMPOSE:
            _check_arguments(method, kwargs, _NODE_ID_ARGS)
            _check_node_id(method, kwargs[passthru.NODE_ID])
        else:
            _check_arguments(method, kwargs)

    @utils.METRICS.timer('ValenceVendorPassthru.get_composed_node')
    @base.passthru(['GET'], async_call=False, require_exclusive_lock=False,
                   description=_('Returns the Valence composed node behind '
                                 'this node as the Valence driver service '
                                 'sees it: power, boot device, health, '
                                 'composition state and inventory.'))
    def get_composed_node(self, task, **kwargs):
        """Return the driver service's view of the composed node.

        :param task: a TaskManager instance containing the node to act on.
        :returns: the service's GET /v1/nodes/{id} document.
        :raises: InvalidParameterValue if Valence does not know the composed
            node.
        :raises: VendorPassthruException if the service cannot be reached
            or fails.
        """
        return utils.get_composed_node(task, exception.VendorPassthruException)

    @utils.METRICS.timer('ValenceVendorPassthru.test_connection')
    @base.driver_passthru(['GET', 'POST'], async_call=False,
                          description=_('Checks that the Valence driver '
                                        'service answers, and whether it '
                                        'reaches Valence; "replicas" says '
                                        'which replicas of the service '
                                        'answered.'))
    def test_connection(self, context, **kwargs):
        """Return the driver service's connection report.

        Every replica of [valence]service_url is asked at once.

        :param context: the request context.
        :returns: the GET /v1/connection document of the first replica in
            [valence]service_url that answered (the service's own name and
            version, and Valence's URL, reachability, version, latency and
            error), with "replicas": for each replica in that order, its
            "url" (without userinfo), whether it "answered", and the
            "error" it failed with, or None.
        :raises: VendorPassthruException if no replica answers, or every
            one fails.
        """
        action = _('Testing the connection')
        with utils.service_errors(exception.VendorPassthruException, action):
            results = utils.service_client().read_each(
                context, protocol.API_VERSION_PREFIX + '/connection')
        answers = [answer for _url, answer, _error in results
                   if answer is not None]
        if not answers:
            raise utils.failed(exception.VendorPassthruException, action,
                               '; '.join(str(error)
                                         for _url, _answer, error in results))
        return dict(answers[0], replicas=[
            {'url': url, 'answered': error is None,
             'error': None if error is None else str(error)}
            for url, _answer, error in results])

    @utils.METRICS.timer('ValenceVendorPassthru.list_composed_nodes')
    @base.driver_passthru(['GET'], async_call=False,
                          description=_('Lists the Valence composed nodes: '
                                        '{"nodes": [...]}.'))
    def list_composed_nodes(self, context, **kwargs):
        """Return the composed nodes: {"nodes": the service's documents}.

        The whole list, in one answer: `baremetal valence node list` joins
        it with Ironic's nodes.

        :raises: the exceptions of _listing().
        """
        return _listing(context, policy.LIST_NODES, 'nodes',
                        list_composed_nodes)

    @utils.METRICS.timer('ValenceVendorPassthru.list_flavors')
    @base.driver_passthru(['GET'], async_call=False,
                          description=_('Lists the flavors Valence composes '
                                        'nodes from: {"flavors": [...]}.'))
    def list_flavors(self, context, **kwargs):
        """Return Valence's flavors: {"flavors": the service's documents}.

        :raises: the exceptions of _listing().
        """
        return _listing(context, policy.LIST_FLAVORS, 'flavors', _flavors)

    @utils.METRICS.timer('ValenceVendorPassthru.decompose')
    @base.driver_passthru(['POST'], async_call=False,
                          description=_('Decomposes a composed node that no '
                                        'Ironic node drives; argument '
                                        '"node_id".'))
    def decompose(self, context, node_id, **kwargs):
        """Decompose a composed node no Ironic node drives.

        :param context: the request context.
        :param node_id: the composed node's id.
        :raises: HTTPForbidden when the policy refuses it to the caller.
        :raises: InvalidParameterValue if Valence has no such node, or an
            Ironic node drives it (retire that node instead).
        :raises: VendorPassthruException if the service fails.
        """
        policy.authorize(policy.RETIRE, context)
        _composed_node_call(context, 'DELETE', node_id, _('Decomposing'),
                            answer=None)
        LOG.info('Decomposed Valence node %(id)s, which no Ironic node '
                 'drove, for user %(user)s', {'id': node_id,
                                              'user': context.user_id})

    @utils.METRICS.timer('ValenceVendorPassthru.compose')
    @base.passthru(['POST'], async_call=True,
                   description=_('Composes a node in Valence that this node '
                                 'then drives; arguments "name", "flavor", '
                                 '"timeout" (seconds) and "description". The '
                                 'outcome is recorded in the node\'s '
                                 'history.'))
    def compose(self, task, name, flavor, timeout, description=None,
                **kwargs):
        """Compose a node and make the task's node drive it.

        Runs in a conductor worker with the node locked; the service
        answers within timeout and its overshoot. Whatever happens, one
        history entry of the node says what: the composed node's id and
        name, or the error, and the id of a composed node the failure left
        behind, which the node then drives so that retiring it removes it.

        :param task: a TaskManager instance containing the node to act on.
        :param name: the composed node's name.
        :param flavor: Valence flavor, by uuid or name.
        :param timeout: seconds Valence is given to assemble it.
        :param description: the composed node's description, or None.
        """
        body = {'name': name, 'flavor': flavor, 'timeout': timeout}
        if description is not None:
            body['description'] = description
        try:
            fields = _scheduling_fields(task.context, flavor)
        except (exceptions.ValenceServiceError, ValueError) as e:
            utils.record(task, _('Composing %(name)s from flavor '
                                 '%(flavor)s failed before anything was '
                                 'composed: %(error)s') %
                         {'name': name, 'flavor': flavor, 'error': e},
                         error=True)
            return
        try:
            service = utils.service_client()
            answer = service.request(
                task.context, 'POST', protocol.API_VERSION_PREFIX + '/nodes',
                body, budget=timeout, budget_member='timeout')
            node_id = answer.get('node_id')
            if not utils.is_node_id(node_id):
                raise exceptions.MalformedAnswer(service.redact(
                    'the driver service answered without a composed node '
                    'id: %r' % answer))
        except exceptions.ValenceServiceError as e:
            if utils.is_node_id(e.node_id):
                _drive(task, e.node_id)
                left = _(' Valence node %s was left as it is, and this node '
                         'drives it: retire it to decompose it.') % e.node_id
            else:
                left = ''
            utils.record(task, _('Composing %(name)s from flavor '
                                 '%(flavor)s failed: %(error)s%(left)s') %
                         {'name': name, 'flavor': flavor, 'error': e,
                          'left': left}, error=True)
            return
        _drive(task, node_id)
        _schedule(task, fields)
        utils.record(task, _('Composed Valence node %(id)s named %(name)s '
                             'from flavor %(flavor)s%(scheduling)s') %
                     {'id': node_id, 'name': name, 'flavor': flavor,
                      'scheduling': _scheduling_text(fields)})

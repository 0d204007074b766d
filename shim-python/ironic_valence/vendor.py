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


"""Valence vendor passthru: connection check and the composed node."""

from ironic.common import exception
from ironic.common.i18n import _
from ironic.drivers import base

from ironic_valence import client
from ironic_valence import protocol
from ironic_valence import utils

GET_COMPOSED_NODE = 'get_composed_node'

# Ironic adds the HTTP method of the API call to every passthru call's
# arguments; none of the methods takes anything else.
_IRONIC_ARGS = frozenset(['http_method'])


def _check_no_arguments(method, kwargs):
    unexpected = sorted(set(kwargs) - _IRONIC_ARGS)
    if unexpected:
        raise exception.InvalidParameterValue(
            _('Vendor passthru method %(method)s takes no arguments, got: '
              '%(args)s') % {'method': method, 'args': ', '.join(unexpected)})


class ValenceVendorPassthru(utils.DriverInfoMixin,
                            base.VendorInterface):

    @utils.METRICS.timer('ValenceVendorPassthru.validate')
    def validate(self, task, method=None, **kwargs):
        """Check a node vendor passthru call, without network calls.

        :param task: a TaskManager instance containing the node to act on.
        :param method: get_composed_node, or None when the whole interface
            is validated (test_connection is a driver passthru: Ironic
            checks it with driver_validate()).
        :param kwargs: the call's arguments.
        :raises: MissingParameterValue or InvalidParameterValue on bad
            driver_info.
        :raises: InvalidParameterValue if the call has arguments.
        :raises: UnsupportedDriverExtension for any other method.
        """
        if method not in (None, GET_COMPOSED_NODE):
            raise exception.UnsupportedDriverExtension(
                driver=task.node.driver, extension=method)
        utils.parse_driver_info(task.node)
        _check_no_arguments(method, kwargs)

    @utils.METRICS.timer('ValenceVendorPassthru.driver_validate')
    def driver_validate(self, method, **kwargs):
        """Check a driver vendor passthru call.

        :param method: the method called, test_connection.
        :param kwargs: the call's arguments.
        :raises: InvalidParameterValue if the call has arguments.
        """
        _check_no_arguments(method, kwargs)

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
        try:
            results = client.read_each(
                context, protocol.API_VERSION_PREFIX + '/connection')
        except client.ServiceError as e:
            raise exception.VendorPassthruException(
                _('Testing the connection failed: %s') % e) from e
        answers = [answer for _url, answer, _error in results
                   if answer is not None]
        if not answers:
            raise exception.VendorPassthruException(
                _('Testing the connection failed: %s') % '; '.join(
                    str(error) for _url, _answer, error in results))
        return dict(answers[0], replicas=[
            {'url': url, 'answered': error is None,
             'error': None if error is None else str(error)}
            for url, _answer, error in results])

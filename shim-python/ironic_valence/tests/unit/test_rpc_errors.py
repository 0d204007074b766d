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


"""The exceptions of the interfaces cross Ironic's RPC as they were raised.

Between API and conductor, Ironic rebuilds only the exception classes of
ironic.common.exception; any other class reaches the API as "Unexpected
error raised by RPC" (JSON-RPC) or a RemoteError (oslo.messaging): a 500
instead of the exception's own code and message.
"""

from ironic.common import boot_devices
from ironic.common import exception
from ironic.common.json_rpc import client as json_rpc_client
from ironic.common.json_rpc import server as json_rpc_server
from ironic.common import rpc
from ironic.common import states
from oslo_messaging._drivers import common as messaging_common

from ironic_valence import protocol
from ironic_valence.tests.unit import base

POWER_URL = base.NODE_URL + '/power'
BOOT_URL = base.NODE_URL + '/boot-device'

# (interface, method, arguments, the method's HTTP call, whether it needs
# an exclusive lock): every method that reads or changes the composed node
# of driver_info.
_NODE_CALLS = (
    ('power', 'get_power_state', (), ('get', POWER_URL), False),
    ('power', 'set_power_state', (states.POWER_ON,), ('put', POWER_URL),
     True),
    ('power', 'reboot', (), ('put', POWER_URL), True),
    ('management', 'get_boot_device', (), ('get', BOOT_URL), False),
    ('management', 'set_boot_device', (boot_devices.PXE,),
     ('put', BOOT_URL), True),
    ('management', 'get_node_health', (), ('get', base.NODE_URL), False),
    ('management', 'get_mac_addresses', (), ('get', base.NODE_URL), False),
    ('inspect', 'inspect_hardware', (), ('get', base.NODE_URL), True),
    ('vendor', 'get_composed_node', (), ('get', base.NODE_URL), False),
)


def _over_json_rpc(error):
    """The exception Ironic's API raises for error raised in a conductor.

    Through the encoding of Ironic's JSON-RPC server and the decoding of
    its client.
    """
    # The error encoding needs nothing of a running server.
    server = json_rpc_server.WSGIService.__new__(json_rpc_server.WSGIService)
    answer = server._handle_error(error)
    call = json_rpc_client.Client(serializer=None).prepare(
        'ironic.conductor-1:8089')
    try:
        call._handle_error(answer['error'])
    except Exception as received:
        return received
    raise AssertionError('the JSON-RPC client raised nothing for %r'
                         % answer)


def _over_oslo_messaging(error):
    """The same through oslo.messaging's encoding, as Ironic allows it."""
    try:
        raise error
    except Exception as raised:
        data = messaging_common.serialize_remote_exception(
            (type(raised), raised, raised.__traceback__))
    return messaging_common.deserialize_remote_exception(
        data, rpc.get_allowed_exmods())


class NotFoundOverRpcTestCase(base.ValenceTestCase):

    def _not_found(self, interface, method, args, answer, exclusive):
        """What the method raises when Valence has no such composed node."""
        verb, url = answer
        getattr(self.http, verb)(url, **base.problem(
            protocol.NODE_NOT_FOUND, 'gone'))
        error = self.assertRaises(exception.InvalidParameterValue, self.call,
                                  interface, method, *args,
                                  shared=not exclusive)
        self.assertIn('Valence composed node %s not found' % base.NODE_ID,
                      str(error))
        return error

    def test_the_exception_is_ironic_s_own(self):
        for call in _NODE_CALLS:
            with self.subTest(method=call[1]):
                error = self._not_found(*call)
                self.assertIs(exception.InvalidParameterValue, type(error))

    def test_the_api_gets_the_message_over_json_rpc(self):
        for call in _NODE_CALLS:
            with self.subTest(method=call[1]):
                error = self._not_found(*call)
                received = _over_json_rpc(error)
                self.assertIs(exception.InvalidParameterValue,
                              type(received))
                self.assertEqual(str(error), str(received))
                self.assertEqual(400, received.code)

    def test_the_api_gets_the_message_over_oslo_messaging(self):
        for call in _NODE_CALLS:
            with self.subTest(method=call[1]):
                error = self._not_found(*call)
                received = _over_oslo_messaging(error)
                self.assertIsInstance(received,
                                      exception.InvalidParameterValue)
                self.assertTrue(str(received).startswith(str(error)))
                self.assertEqual(400, received.code)

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

"""The failures of calls to the driver service, one class per kind.

Each protocol error code (protocol.ERROR_STATUS) has its class, raised by
raise_for_response() from the service's RFC 9457 problem document; the
failures without a code (no connection, no answer in time, an answer that
is not the service's) have theirs. The interfaces turn them into the
Ironic exceptions their callers expect (utils.call_service()); they never
leave this package.
"""

import json

from ironic_valence import protocol

# Enough of an unexpected (non problem+json) error body to be useful in a
# message without flooding it with an HTML page.
_MAX_BODY_IN_MESSAGE = 200

# Answers that say the service, or a proxy in front of it, could not serve
# the request this time; a read is worth trying again.
_RETRYABLE_STATUSES = frozenset([502, 503])


class ValenceServiceError(Exception):
    """A call to the driver service failed.

    ``code`` is the protocol error code of the class, None for a failure
    the service did not name. ``retryable`` says that the request did not
    get through this time (no connection, or HTTP 502/503) and a read may
    be tried again. ``replica_failed`` says that the replica the call went
    to could not take it, so another replica may; ``unsent`` that the
    replica cannot have acted on it (no connection was made, or it says it
    took no action). ``node_id`` names the composed node a failed
    composition left behind. The message never contains the bearer token.
    """

    code = None

    def __init__(self, message, retryable=False, replica_failed=False,
                 unsent=False, node_id=None):
        super().__init__(message)
        self.retryable = retryable
        self.replica_failed = replica_failed
        self.unsent = unsent
        self.node_id = node_id


class NodeNotFound(ValenceServiceError):
    code = protocol.NODE_NOT_FOUND


class InvalidRequest(ValenceServiceError):
    code = protocol.INVALID_REQUEST


class Unsupported(ValenceServiceError):
    code = protocol.UNSUPPORTED


class Unauthorized(ValenceServiceError):
    code = protocol.UNAUTHORIZED


class Forbidden(ValenceServiceError):
    code = protocol.FORBIDDEN


class ValenceUnreachable(ValenceServiceError):
    code = protocol.VALENCE_UNREACHABLE


class ValenceTimeout(ValenceServiceError):
    code = protocol.VALENCE_TIMEOUT


class ValenceError(ValenceServiceError):
    code = protocol.VALENCE_ERROR


class PowerStateTimeout(ValenceServiceError):
    code = protocol.POWER_STATE_TIMEOUT


class PowerStateConflict(ValenceServiceError):
    code = protocol.POWER_STATE_CONFLICT


class InternalError(ValenceServiceError):
    code = protocol.INTERNAL_ERROR


class FlavorNotFound(ValenceServiceError):
    code = protocol.FLAVOR_NOT_FOUND


class NameInUse(ValenceServiceError):
    code = protocol.NAME_IN_USE


class CompositionFailed(ValenceServiceError):
    code = protocol.COMPOSITION_FAILED


class CompositionTimeout(ValenceServiceError):
    code = protocol.COMPOSITION_TIMEOUT


class ServiceUnavailable(ValenceServiceError):
    """The replica is shutting down and took no action for the request."""

    code = protocol.SERVICE_UNAVAILABLE


class RouteNotFound(ValenceServiceError):
    code = protocol.ROUTE_NOT_FOUND


class HTTPError(ValenceServiceError):
    """A non-2xx answer without a protocol code: a proxy's, or a redirect."""


class ConnectionFailed(ValenceServiceError):
    """No connection was made, it broke, or TLS failed."""


class AnswerTimeout(ValenceServiceError):
    """The replica did not answer within the time the call was given."""


class MalformedAnswer(ValenceServiceError):
    """A 2xx answer outside the contract."""


class InvalidConfiguration(ValenceServiceError):
    """The client's arguments name no usable service."""


_BY_CODE = {cls.code: cls for cls in ValenceServiceError.__subclasses__()
            if cls.code is not None}


def raise_for_response(response, url, sent_request_id, redact):
    """Raise the exception of a non-2xx answer of the service.

    :param response: the urllib3 response.
    :param url: the replica's URL as it may appear in messages.
    :param sent_request_id: the request id the call was sent with, named
        when the answer names none.
    :param redact: removes the bearer token from a message.
    :raises: the class of the problem document's code, or HTTPError for an
        answer without one (e.g. a proxy's error page).
    """
    try:
        document = json.loads(response.data)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        document = {}
    code = document.get('code')
    cls = (_BY_CODE.get(code, HTTPError) if isinstance(code, str)
           else HTTPError)
    body = response.data[:_MAX_BODY_IN_MESSAGE].decode('utf-8', 'replace')
    detail = (document.get('detail') or document.get('title') or body
              or response.reason or 'HTTP %s' % response.status)
    request_id = (response.headers.get(protocol.REQUEST_ID_HEADER)
                  or document.get('request_id') or sent_request_id)
    message = ('Valence driver service at %(url)s answered HTTP %(status)s'
               '%(code)s: %(detail)s (request id %(rid)s)' %
               {'url': url, 'status': response.status,
                'code': ' ' + cls.code if cls.code else '', 'detail': detail,
                'rid': request_id})
    retryable = response.status in _RETRYABLE_STATUSES
    # A 502/503 without the service's code comes from a proxy in front of
    # the replica; one with a Valence code is Valence's, which every
    # replica talks to.
    unsent = cls is ServiceUnavailable
    raise cls(redact(message), retryable=retryable,
              replica_failed=unsent or (retryable and cls is HTTPError),
              unsent=unsent, node_id=document.get('node_id'))

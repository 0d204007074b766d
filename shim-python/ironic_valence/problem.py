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

"""Reading the service's RFC 9457 problem documents.

Both the interfaces (``client``, inside Ironic) and the ``baremetal valence``
commands (``cli``, without Ironic) turn an error answer into a message; this
module is what they share, so it imports nothing of Ironic.
"""

import collections
import json

from ironic_valence import protocol

# Enough of an unexpected (non problem+json) error body to be useful in a
# message without flooding it with an HTML page.
_MAX_BODY_IN_MESSAGE = 200

Problem = collections.namedtuple(
    'Problem', ['code', 'detail', 'request_id', 'node_id'])


def read(status, headers, body, reason=None, sent_request_id=None):
    """The protocol's view of a non-2xx answer of the service.

    Given the parts of the answer rather than a response object, so that
    whichever HTTP library made the call (urllib3 for ``client``, requests
    for ``cli``) can hand them over.

    :param status: the HTTP status code.
    :param headers: the answer's headers, a case-insensitive mapping.
    :param body: the answer's body, bytes.
    :param reason: the HTTP reason phrase, if the answer had one.
    :param sent_request_id: the request id the call was sent with, used when
        the answer names none.
    :returns: a Problem. ``code`` is one of the protocol's codes or None
        (an answer that is not the service's, e.g. a proxy's error page);
        ``detail`` is never empty.
    """
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        document = {}
    code = document.get('code')
    if code not in protocol.ERROR_STATUS:
        code = None
    detail = (document.get('detail') or document.get('title')
              or body[:_MAX_BODY_IN_MESSAGE].decode('utf-8', 'replace')
              or reason or 'HTTP %s' % status)
    request_id = (headers.get(protocol.REQUEST_ID_HEADER)
                  or document.get('request_id') or sent_request_id)
    return Problem(code, detail, request_id, document.get('node_id'))

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

"""Following the pages of the service's node list (GET /v1/nodes).

Both the conductor's side (``ServiceClient.list_composed_nodes``) and the
``baremetal valence`` commands (``cli``, without Ironic) need every composed
node; this module is the one pager they share, so it imports nothing of
Ironic. The page words are protocol.NODE_LIST_*.
"""

import time
from urllib import parse

from ironic_valence import protocol

# The smallest page the pager falls back to, after halving the page size
# on each page the service could not read within its budget: three halvings
# at most, so that a Valence that does not answer at all fails the list
# after four pages' time rather than after many.
SMALLEST_LIMIT = protocol.NODE_LIST_MAX_LIMIT // 8


def every_node(fetch_page, deadline, page_wait, error):
    """Every composed node, read page after page.

    A page is asked for only while its whole answer fits in the time left,
    so that the list is complete by the deadline or fails, never shorter.
    Pages are asked for protocol.NODE_LIST_MAX_LIMIT nodes; a page the
    service could not read within its budget (VALENCE_TIMEOUT: a slow
    Valence, or a busy service) is asked for again with half as many, and
    the pages after it too, down to SMALLEST_LIMIT.

    :param fetch_page: called with the path of a page below the API prefix
        (``/nodes?limit=...&marker=...``); returns the decoded answer and
        raises the caller's own error when the call fails.
    :param deadline: time.monotonic() by which the list must be complete.
    :param page_wait: seconds the caller may wait for one page.
    :param error: the exception class raised, with a message, when the time
        runs out before the last page or an answer is not a page.
    :returns: the node documents, in the order of their node_id.
    :raises: error, or whatever fetch_page raises.
    """
    nodes = []
    marker = None
    limit = protocol.NODE_LIST_MAX_LIMIT
    while True:
        if time.monotonic() + page_wait > deadline:
            raise error('The composed nodes could not all be listed in the '
                        'time given: %d listed, more remain after node %s'
                        % (len(nodes), marker))
        query = {protocol.NODE_LIST_LIMIT: limit}
        if marker is not None:
            query[protocol.NODE_LIST_MARKER] = marker
        try:
            answer = fetch_page('/nodes?' + parse.urlencode(query))
        except error as e:
            if (getattr(e, 'code', None) != protocol.VALENCE_TIMEOUT
                    or limit <= SMALLEST_LIMIT):
                raise
            limit = max(SMALLEST_LIMIT, limit // 2)
            continue
        page = answer.get(protocol.NODE_LIST_NODES) if isinstance(
            answer, dict) else None
        following = answer.get(protocol.NODE_LIST_NEXT_MARKER) if isinstance(
            answer, dict) else None
        if not isinstance(page, list) or not (
                following is None or isinstance(following, str)):
            raise error('The valence-driver-service answered the node list '
                        'with something that is not a page of nodes')
        # Markers grow along the node ids; one that does not would never
        # end the list.
        if following is not None and marker is not None and (
                following <= marker):
            raise error('The valence-driver-service answered the node list '
                        'page after %s with the marker %s, which does not '
                        'come after it' % (marker, following))
        nodes.extend(page)
        if following is None:
            return nodes
        marker = following

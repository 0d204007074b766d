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


"""The one HTTP client of the valence-driver-service.

A single ``requests.Session`` is shared by every interface so that calls
reuse kept-alive connections. Configuration (URL, token, TLS) is read on
every call, so a changed ironic.conf needs no new session.

Ironic's power sync makes one call per node per cycle, so the call's own
CPU counts (docs/performance.md, "The shim's cost per node, in-process").
Each call is a ``requests.Request`` prepared and sent with
``Session.send()``, below ``Session.request()``: nothing is merged in from
the process environment. Proxy variables (HTTP_PROXY, HTTPS_PROXY,
ALL_PROXY, NO_PROXY), REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE and ~/.netrc do
not apply to the driver service, which runs beside the conductor; the
[valence] options alone say how it is reached.

How long a call may take follows from the protocol's time budget: the
service answers within the budget of the call (protocol.READ_BUDGET_SECONDS
for a read, the power timeout for a power change) plus
protocol.ANSWER_OVERSHOOT_SECONDS, and the shim waits [valence]answer_margin
seconds more, so that the service's answer, which says what went wrong,
always comes before the shim gives up.
"""

import threading
import time
from urllib import parse as urlparse

from oslo_log import log
import requests
import tenacity

from ironic_valence import conf as valence_conf
from ironic_valence import problem
from ironic_valence import protocol

CONF = valence_conf.CONF
LOG = log.getLogger(__name__)


# Answers that say the service, or a proxy in front of it, could not serve
# the request this time; a read is worth trying again.
_RETRYABLE_STATUSES = frozenset([502, 503])

_session = None
_session_lock = threading.Lock()


class ServiceError(Exception):
    """A call to the driver service failed.

    The interfaces turn it into the Ironic exception their callers expect;
    it never leaves this package. ``code`` is a protocol error code, or
    None when the service could not be reached or gave no usable answer.
    ``retryable`` says that the request did not get through this time (no
    connection, or HTTP 502/503) and a read may be tried again.
    The message never contains the bearer token.
    """

    def __init__(self, message, code=None, status=None, retryable=False):
        super().__init__(message)
        self.code = code
        self.status = status
        self.retryable = retryable


def _get_session():
    global _session
    with _session_lock:
        if _session is None:
            _session = requests.Session()
            # Session.send() would otherwise still look up proxy variables
            # for every call.
            _session.trust_env = False
        return _session


def _display_url():
    """The service URL as it may appear in messages: without userinfo."""
    parts = urlparse.urlsplit(CONF.valence.service_url)
    netloc = parts.netloc.rpartition('@')[2]
    return urlparse.urlunsplit(parts._replace(netloc=netloc)).rstrip('/')


def redact(text):
    """Remove the configured bearer token from text meant for humans.

    The service never echoes the token, but its messages and the errors of
    the HTTP stack are passed on verbatim, so this is the last safeguard.
    """
    token = CONF.valence.auth_token
    if token:
        text = text.replace(token, '***')
    return text


def _request_id(context):
    return getattr(context, 'request_id', None) if context else None


def _verify(conf):
    if conf.insecure:
        return False
    return conf.ca_file or True


def _headers(token, request_id):
    headers = {'Accept': 'application/json'}
    if token:
        headers['Authorization'] = 'Bearer %s' % token
    if request_id:
        headers[protocol.REQUEST_ID_HEADER] = request_id
    return headers


def _problem(response, sent_request_id):
    """Build the ServiceError for a non-2xx answer."""
    code, detail, request_id, _node_id = problem.read(response,
                                                      sent_request_id)
    message = ('Valence driver service at %(url)s answered HTTP %(status)s'
               '%(code)s: %(detail)s (request id %(rid)s)' %
               {'url': _display_url(), 'status': response.status_code,
                'code': ' ' + code if code else '', 'detail': detail,
                'rid': request_id})
    return ServiceError(redact(message), code=code,
                        status=response.status_code,
                        retryable=response.status_code in _RETRYABLE_STATUSES)


def wait_for(budget):
    """Seconds the shim waits for the answer to a call.

    :param budget: seconds the service may spend on the call.
    """
    return (budget + protocol.ANSWER_OVERSHOOT_SECONDS
            + CONF.valence.answer_margin)


def request(context, method, path, body=None,
            budget=protocol.READ_BUDGET_SECONDS):
    """Call the driver service and return its JSON answer.

    A GET is tried up to [valence]read_attempts times when the service
    cannot be reached or answers HTTP 502/503, but only while the service's
    whole answer still fits in the time the call is given: the call, its
    retries included, ends within wait_for(budget) seconds. Any other
    method changes the node and is sent once: whether a failed change
    reached Valence is not known, so repeating it is the caller's decision.

    :param context: the Ironic request context; its request_id is sent as
        X-Openstack-Request-Id so the service's and Valence's logs can be
        matched with Ironic's.
    :param method: HTTP method.
    :param path: path below the service URL, starting with /v1.
    :param body: JSON-serialisable request body, or None.
    :param budget: seconds the service may spend on the call: the read
        budget, or the power timeout of a power change.
    :returns: the decoded JSON object of a 2xx answer.
    :raises: ServiceError when the service cannot be reached, does not
        answer in time, answers with an error, or answers with something
        that is not a JSON object.
    """
    request_id = _request_id(context)
    deadline = time.monotonic() + wait_for(budget)
    # Each option is read once per call: an option read is a lookup
    # through oslo.config, and this runs once per node per power sync.
    conf = CONF.valence
    url = conf.service_url.rstrip('/') + path
    headers = _headers(conf.auth_token, request_id)
    connect_timeout = conf.connect_timeout
    verify = _verify(conf)

    def attempt():
        return _send(method, url, path, body, headers, request_id,
                     connect_timeout, verify, deadline - time.monotonic())

    try:
        return attempt()
    except ServiceError as e:
        if method != 'GET' or not e.retryable:
            raise
        first_failure = e
    return _retry(attempt, first_failure, method, path, request_id,
                  deadline, budget)


def _retry(attempt, first_failure, method, path, request_id, deadline,
           budget):
    """Tries a read again after its first attempt failed retryably.

    tenacity counts, stops, waits and logs as if it had made the first
    attempt itself: it is handed the first failure as its attempt 1. The
    read that succeeds the first time, as nearly every read of a power
    sync does, so never builds a Retrying.
    """
    conf = CONF.valence
    attempts = conf.read_attempts
    interval = conf.read_retry_interval
    # What the service may need to answer in full; a retry that cannot get
    # it would be cut off before the service says what went wrong.
    needed = budget + protocol.ANSWER_OVERSHOOT_SECONDS
    pending = [first_failure]

    def next_attempt():
        if pending:
            raise pending.pop()
        return attempt()

    def no_room_left(retry_state):
        return deadline - time.monotonic() - interval < needed

    def log_retry(retry_state):
        LOG.warning('Valence driver service call %(method)s %(path)s '
                    '(request id %(rid)s) failed on attempt %(attempt)d of '
                    '%(attempts)d, trying again in %(interval)s s: '
                    '%(error)s',
                    {'method': method, 'path': path, 'rid': request_id,
                     'attempt': retry_state.attempt_number,
                     'attempts': attempts, 'interval': interval,
                     'error': retry_state.outcome.exception()})

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(
            lambda e: isinstance(e, ServiceError) and e.retryable),
        stop=tenacity.stop_after_attempt(attempts) | no_room_left,
        wait=tenacity.wait_fixed(interval),
        sleep=time.sleep,
        before_sleep=log_retry,
        reraise=True)
    return retrying(next_attempt)


def _send(method, url, path, body, headers, request_id, connect_timeout,
          verify, seconds_left):
    """One HTTP exchange with the service, given seconds_left to answer.

    :param path: the path of url below the service URL, for messages.
    """
    timeout = (min(connect_timeout, seconds_left), seconds_left)
    LOG.debug('Valence driver service call %(method)s %(path)s '
              '(request id %(rid)s)',
              {'method': method, 'path': path, 'rid': request_id})
    try:
        # requests' lower level, without Session.request()'s merge of
        # the process environment (see the module's docstring).
        prepared = requests.Request(method, url, json=body,
                                    headers=headers).prepare()
        response = _get_session().send(prepared, timeout=timeout,
                                       verify=verify)
    except requests.Timeout as e:
        message = redact(
            'Valence driver service at %(url)s did not answer %(method)s '
            '%(path)s within %(timeout).0f seconds (request id %(rid)s): '
            '%(error)s' % {'url': _display_url(), 'method': method,
                           'path': path, 'timeout': timeout[1],
                           'rid': request_id, 'error': e})
        # A connection that was never made carried no request.
        raise ServiceError(message, retryable=isinstance(
            e, requests.ConnectTimeout)) from e
    except requests.RequestException as e:
        message = redact(
            'Cannot reach the Valence driver service at %(url)s '
            '(request id %(rid)s): %(error)s' %
            {'url': _display_url(), 'rid': request_id, 'error': e})
        # A TLS failure will fail the same way again.
        raise ServiceError(message, retryable=(
            isinstance(e, requests.ConnectionError)
            and not isinstance(e, requests.exceptions.SSLError))) from e

    if not response.ok:
        error = _problem(response, request_id)
        LOG.debug('Valence driver service call %(method)s %(path)s '
                  'failed: %(error)s',
                  {'method': method, 'path': path, 'error': error})
        raise error
    try:
        answer = response.json()
    except ValueError:
        answer = None
    # Every answer of the contract is a JSON object.
    if not isinstance(answer, dict):
        raise ServiceError(redact(
            'Valence driver service at %(url)s answered %(method)s %(path)s '
            'with a body that is not a JSON object (request id %(rid)s)' %
            {'url': _display_url(), 'method': method, 'path': path,
             'rid': request_id}), status=response.status_code)
    return answer

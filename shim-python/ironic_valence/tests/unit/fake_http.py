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


"""The driver service faked at urllib3's connection pool, for unit tests.

Its API is a part of requests-mock's (get/put/..., status_code, json, text,
headers, exc, callables of (request, context), a list of answers of which
the last repeats, request_history, last_request, called, call_count). The
client's own code runs down to HTTPConnectionPool.urlopen,
which answers with real urllib3.HTTPResponse objects, or raises the urllib3
exception a test gives.
"""

import http.client
import io
import json
import types
from urllib import parse as urlparse

import fixtures
import urllib3

_DEFAULT_PORTS = {'http': 80, 'https': 443}


class UnexpectedCall(AssertionError):
    """A call no test registered: fails the test, uncaught by the client."""


def _address(scheme, host, port, path):
    return (scheme, host.lower(), port or _DEFAULT_PORTS[scheme], path)


class Request(object):
    """What the client sent, as one of request_history."""

    def __init__(self, pool, method, target, body, headers, timeout):
        self.pool = pool
        self.method = method
        port = '' if pool.port == _DEFAULT_PORTS[pool.scheme] else (
            ':%d' % pool.port)
        self.url = '%s://%s%s%s' % (pool.scheme, pool.host, port, target)
        self.body = body
        self.headers = urllib3.HTTPHeaderDict(headers or {})
        # (connect, read), as requests took it.
        self.timeout = (timeout.connect_timeout, timeout.read_timeout)

    def json(self):
        return json.loads(self.body)


class _History(object):
    """requests-mock's view of the request_history of a route or all."""

    @property
    def called(self):
        return bool(self.request_history)

    @property
    def call_count(self):
        return len(self.request_history)

    @property
    def last_request(self):
        return self.request_history[-1] if self.request_history else None


class Route(_History):
    """The answers of one method and URL, and the calls it got."""

    def __init__(self, answers):
        self._answers = answers
        self.request_history = []

    def answer(self, request):
        self.request_history.append(request)
        # As requests-mock: the last answer repeats.
        spec = (self._answers.pop(0) if len(self._answers) > 1
                else self._answers[0])
        exc = spec.get('exc')
        if exc is not None:
            raise exc
        context = types.SimpleNamespace(
            status_code=spec.get('status_code', 200),
            headers=dict(spec.get('headers', {})),
            reason=spec.get('reason'))
        if 'json' in spec:
            content = spec['json']
            if callable(content):
                content = content(request, context)
            body = json.dumps(content).encode('utf-8')
            context.headers.setdefault('Content-Type', 'application/json')
        else:
            content = spec.get('text', '')
            if callable(content):
                content = content(request, context)
            body = content.encode('utf-8')
        # Read from a file object, as urllib3 reads from the socket.
        return urllib3.HTTPResponse(
            body=io.BytesIO(body), headers=context.headers,
            status=context.status_code,
            reason=context.reason or http.client.responses.get(
                context.status_code), preload_content=True,
            request_method=request.method, request_url=request.url)


class FakeService(fixtures.Fixture, _History):
    """Replaces every urllib3 connection pool's urlopen with the routes."""

    def _setUp(self):
        self._routes = {}
        self.request_history = []
        fake = self

        def urlopen(pool, method, url, body=None, headers=None,
                    timeout=None, **kwargs):
            return fake._urlopen(pool, method, url, body, headers, timeout)

        # HTTPSConnectionPool inherits it.
        self.useFixture(fixtures.MonkeyPatch(
            'urllib3.connectionpool.HTTPConnectionPool.urlopen', urlopen))

    def _urlopen(self, pool, method, target, body, headers, timeout):
        request = Request(pool, method, target, body, headers, timeout)
        path = target.partition('?')[0]
        route = self._routes.get(
            (method,) + _address(pool.scheme, pool.host, pool.port, path))
        if route is None:
            raise UnexpectedCall('No answer registered for %s %s'
                                 % (method, request.url))
        self.request_history.append(request)
        return route.answer(request)

    def register_uri(self, method, url, response_list=None, **answer):
        """Answer method on url; returns the Route, which counts its calls.

        :param response_list: answers (dicts of the keyword arguments) in
            turn, the last one repeating; or give one answer's arguments:
            status_code, json or text (either may be a callable of
            (request, context)), headers, reason, or exc, an exception to
            raise instead.
        """
        parts = urlparse.urlsplit(url)
        route = Route(list(response_list or [answer]))
        self._routes[(method,) + _address(parts.scheme, parts.hostname,
                                          parts.port, parts.path)] = route
        return route

    def get(self, url, response_list=None, **answer):
        return self.register_uri('GET', url, response_list, **answer)

    def put(self, url, response_list=None, **answer):
        return self.register_uri('PUT', url, response_list, **answer)

    def post(self, url, response_list=None, **answer):
        return self.register_uri('POST', url, response_list, **answer)

    def delete(self, url, response_list=None, **answer):
        return self.register_uri('DELETE', url, response_list, **answer)


def refused(host='valence-driver.test', port=8080):
    """What urllib3 raises when the service's port is closed."""
    return urllib3.exceptions.NewConnectionError(
        urllib3.connection.HTTPConnection(host, port),
        'Failed to establish a new connection: [Errno 111] Connection '
        'refused')


def reset(message='Connection reset by peer'):
    """What urllib3 raises when a connection breaks under a request."""
    return urllib3.exceptions.ProtocolError(
        'Connection aborted.', ConnectionResetError(104, message))


def read_timeout(seconds=16):
    """What urllib3 raises when the answer does not come in time."""
    return urllib3.exceptions.ReadTimeoutError(
        None, None, 'Read timed out. (read timeout=%s)' % seconds)

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


"""The load client: keep-alive HTTP/1.1 callers reading nodes, bounded.

Standard library only. Every request goes to 127.0.0.1 or ::1; every load
is bounded in requests and in seconds.
"""

import http.client
import json
import threading
import time
import urllib.parse

from valence_bench import proc

REQUEST_TIMEOUT_S = 30
# The key of this process's own CPU time among the process ids.
CLIENT = 'client'


class Client:
    """One keep-alive HTTP/1.1 connection, as one thread of a caller holds."""

    def __init__(self, base_url, token=None):
        url = urllib.parse.urlsplit(base_url)
        if url.hostname not in ('127.0.0.1', '::1'):
            raise SystemExit('refusing to load %s: loopback only' % base_url)
        self._conn = http.client.HTTPConnection(url.hostname, url.port,
                                                timeout=REQUEST_TIMEOUT_S)
        self._headers = {'Authorization': 'Bearer %s' % token} if token else {}

    def call(self, method, path, body=None):
        """Returns (status, body bytes); a broken connection is reopened."""
        headers = dict(self._headers)
        if body is not None:
            body = json.dumps(body).encode()
            headers['Content-Type'] = 'application/json'
        try:
            self._conn.request(method, path, body=body, headers=headers)
            response = self._conn.getresponse()
            return response.status, response.read()
        except (http.client.HTTPException, OSError):
            self._conn.close()
            raise

    def json(self, method, path, body=None, expect=200):
        status, data = self.call(method, path, body)
        if status != expect:
            raise RuntimeError('%s %s answered %s, not %s: %s'
                               % (method, path, status, expect, data[:300]))
        return json.loads(data) if data else None

    def close(self):
        self._conn.close()


def percentile(ordered, p):
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def prometheus_sum(service, metric, **labels):
    """Sums the samples of one metric whose labels include the given ones."""
    status, data = service.call('GET', '/actuator/prometheus')
    if status != 200:
        raise RuntimeError('/actuator/prometheus answered %s' % status)
    wanted = ['%s="%s"' % item for item in labels.items()]
    total = 0.0
    for line in data.decode().splitlines():
        name, _, rest = line.partition('{')
        if name == metric and all(w in rest for w in wanted):
            total += float(line.rsplit(' ', 1)[1])
    return total


class Target:
    """A way to read a node: from the emulator directly or via the service."""

    def __init__(self, name, base_url, path, token=None):
        self.name = name
        self.base_url = base_url
        self.path = path
        self.token = token

    def client(self):
        return Client(self.base_url, self.token)


def load(target, nodes, concurrency, max_requests, max_seconds, cpu_pids,
         rate=None):
    """Reads distinct nodes from `concurrency` threads, one connection each.

    Back to back, or paced at `rate` requests a second in all, the callers
    taking turns as the workers of Ironic's power sync do. Bounded by
    max_requests in all and by max_seconds. Returns the latencies of the
    successes, the error count, the wall time and the CPU seconds used
    meanwhile by each process in cpu_pids and (under CLIENT) by this one.
    """
    quota = max(1, max_requests // concurrency)
    latencies = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    start = threading.Barrier(concurrency + 1, timeout=30)

    def worker(i):
        client = target.client()
        try:
            start.wait()
            began_at = time.monotonic()
            deadline = began_at + max_seconds
            # Thread i reads nodes i, i + concurrency, ...: no two callers
            # read one node at once, which single flight would merge.
            for n in range(quota):
                if rate:
                    # A caller that fell behind goes at once, without
                    # sleeping, and so catches up.
                    slot = began_at + (n * concurrency + i) / rate
                    time.sleep(max(0.0, min(slot, deadline)
                                   - time.monotonic()))
                if time.monotonic() >= deadline:
                    break
                node = nodes[(i + n * concurrency) % len(nodes)]
                began = time.perf_counter()
                try:
                    status, _ = client.call('GET', target.path % node)
                except (http.client.HTTPException, OSError):
                    status = None
                if status == 200:
                    latencies[i].append(time.perf_counter() - began)
                else:
                    errors[i] += 1
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True)
               for i in range(concurrency)]
    for t in threads:
        t.start()
    cpu_before = {pid: proc.cpu_seconds(pid) for pid in cpu_pids}
    cpu_before[CLIENT] = time.process_time()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join(max_seconds + REQUEST_TIMEOUT_S)
    wall = time.perf_counter() - began
    cpu = {pid: proc.cpu_seconds(pid) - cpu_before[pid] for pid in cpu_pids}
    cpu[CLIENT] = time.process_time() - cpu_before[CLIENT]
    return [x for part in latencies for x in part], sum(errors), wall, cpu


def ms(seconds):
    return '%8.2f' % (seconds * 1000) if seconds is not None else '       -'

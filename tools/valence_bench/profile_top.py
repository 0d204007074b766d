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

"""Where the time goes in the profiles of `tools/bench fleet --profile DIR`.

    tools/bench profile-top DIR/valence-ironic.txt DIR/*.jfr

A .txt file is py-spy's raw output (collapsed stacks of the thread holding
Python's GIL, so roughly Ironic's Python CPU); a .jfr file is a JFR
recording, read with the JDK's `jfr` tool. For each it prints the share of
samples per library (inclusive: a sample counts for every library on its
stack), the functions that were on the CPU themselves, and, for JFR, the
share of CPU of each kind of thread (the JIT compiler's among them, which
execution samples do not show). Standard library only.
"""

import argparse
import collections
import json
import re
import subprocess

# Libraries by the path of a Python frame's file, first match wins.
PY_LIBRARIES = [
    ('shim (ironic_valence)', 'ironic_valence/'),
    ('requests', 'requests/'), ('urllib3', 'urllib3/'),
    ('http.client', 'http/client.py'), ('sushy', 'sushy/'),
    ('sqlalchemy', 'sqlalchemy/'), ('oslo_db', 'oslo_db/'),
    ('oslo_versionedobjects', 'oslo_versionedobjects/'),
    ('oslo_concurrency', 'oslo_concurrency/'), ('oslo_log', 'oslo_log/'),
    ('logging', 'logging/'), ('futurist', 'futurist/'),
    ('ironic.conductor.task_manager', 'ironic/conductor/task_manager.py'),
    ('ironic.conductor.utils', 'ironic/conductor/utils.py'),
    ('ironic.conductor.manager', 'ironic/conductor/manager.py'),
    ('ironic.drivers', 'ironic/drivers/'),
    ('ironic.common.metrics', 'ironic/common/metrics'),
    ('ironic.objects', 'ironic/objects/'), ('ironic.db', 'ironic/db/'),
]
# Libraries by a JFR frame's class name prefix.
JAVA_LIBRARIES = [
    ('org.openstack.valence', 'org/openstack/valence/'),
    ('Spring Security', 'org/springframework/security/'),
    ('Spring MVC / web', 'org/springframework/web/'),
    ('Micrometer', 'io/micrometer/'), ('Jackson', 'tools/jackson/'),
    ('OkHttp / Okio', 'okhttp3/'), ('Okio', 'okio/'),
    ('Tomcat', 'org/apache/'), ('Logback / SLF4J', 'ch/qos/logback/'),
    ('Hibernate Validator', 'org/hibernate/validator/'),
    ('Resilience4j', 'io/github/resilience4j/'),
    ('Kotlin stdlib', 'kotlin/'), ('java.util.regex', 'java/util/regex/'),
]


def library(frame, table):
    for name, marker in table:
        if marker in frame:
            return name
    return None


def print_shares(title, counter, total, most):
    print('  %s:' % title)
    for key, count in counter.most_common(most):
        print('    %5.1f%%  %s' % (100 * count / total, key))


def summarise(stacks, table, most):
    """stacks: (frames root first, weight). Prints the three lists."""
    total = sum(w for _, w in stacks) or 1
    libraries, self_time, inclusive = (collections.Counter() for _ in '123')
    for frames, weight in stacks:
        for name in {library(f, table) for f in frames} - {None}:
            libraries[name] += weight
        for frame in set(frames):
            inclusive[frame] += weight
        if frames:
            self_time[frames[-1]] += weight
    print('  %d samples' % total)
    print_shares('by library, inclusive', libraries, total, len(table))
    print_shares('on the CPU themselves (self)', self_time, total, most)
    print_shares('on the stack (inclusive)', inclusive, total, most)


def py_spy(path, most):
    stacks = []
    with open(path) as f:
        for line in f:
            line = line.rstrip('\n')
            stack, _, count = line.rpartition(' ')
            # Drop py-spy's "process N:..." entries and line numbers, so one
            # function is one frame.
            frames = [re.sub(r':\d+\)$', ')', f) for f in stack.split(';')
                      if not f.startswith('process ')]
            stacks.append((frames, int(count)))
    summarise(stacks, PY_LIBRARIES, most)


def jfr_events(path, event):
    out = subprocess.run(['jfr', 'print', '--json', '--events', event,
                          str(path)], capture_output=True, text=True,
                         check=True, timeout=300).stdout
    return json.loads(out)['recording']['events']


def jfr(path, most):
    threads = collections.Counter()
    for event in jfr_events(path, 'jdk.ThreadCPULoad'):
        values = event['values']
        thread = (values.get('eventThread') or {}).get('javaName') or '?'
        # One line per kind of thread: http-nio-8080-exec-7 -> ...-exec-N
        threads[re.sub(r'\d+', 'N', thread)] += (values['user']
                                                 + values['system'])
    total = sum(threads.values()) or 1
    print_shares('CPU by thread (jdk.ThreadCPULoad)', threads, total, 8)
    stacks = []
    for event in jfr_events(path, 'jdk.ExecutionSample'):
        frames = [f['method']['type']['name'] + '.' + f['method']['name']
                  for f in event['values']['stackTrace']['frames']]
        stacks.append((list(reversed(frames)), 1))
    summarise(stacks, JAVA_LIBRARIES, most)


def main(argv, prog):
    parser = argparse.ArgumentParser(prog=prog,
                                     description=__doc__.splitlines()[0])
    parser.add_argument('files', nargs='+')
    parser.add_argument('--most', type=int, default=15,
                        help='entries per list')
    args = parser.parse_args(argv)
    for path in args.files:
        print('==> %s' % path)
        if path.endswith('.jfr'):
            jfr(path, args.most)
        else:
            py_spy(path, args.most)
    return 0

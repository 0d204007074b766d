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


"""What a process has used so far, read from /proc (and a JVM's live heap).

Every figure is read without an agent in the process measured: an agent
(a JFR recording, say) would change what it measures.
"""

import os
import subprocess

CLK_TCK = os.sysconf('SC_CLK_TCK')
# JVM threads by the (15-character) names HotSpot gives them.
JVM_THREADS = {'jit': ('C1 CompilerThre', 'C2 CompilerThre'),
               'gc': ('GC Thread#', 'G1 ')}


def parse_stat(text, clk_tck=CLK_TCK):
    """(command name, user plus system CPU seconds) of a /proc stat text.

    :raises ValueError: when the text is not a stat line.
    """
    # The name is in parentheses and may hold spaces and parentheses.
    try:
        name = text[text.index('(') + 1:text.rindex(')')]
        fields = text.rsplit(')', 1)[1].split()
        return name, (int(fields[11]) + int(fields[12])) / clk_tck
    except IndexError:
        raise ValueError('not a /proc stat line: %r' % text[:80])


def _stat(path):
    with open(path) as stat:
        return parse_stat(stat.read())


def cpu_seconds(pid):
    """User plus system CPU time of one process, all its threads.

    0 for a process that has gone.
    """
    try:
        return _stat('/proc/%d/stat' % pid)[1]
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def thread_cpu_seconds(pid):
    """{thread id: (name, CPU seconds)} of each thread of a process.

    A thread that ends while it is read is left out.
    """
    used = {}
    for task in os.listdir('/proc/%d/task' % pid):
        try:
            used[int(task)] = _stat('/proc/%d/task/%s/stat' % (pid, task))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return used


def jvm_cpu_seconds(pid):
    """CPU seconds of a JVM's JIT compiler and garbage collector threads."""
    used = dict.fromkeys(JVM_THREADS, 0.0)
    for name, seconds in thread_cpu_seconds(pid).values():
        for kind, prefixes in JVM_THREADS.items():
            if name.startswith(prefixes):
                used[kind] += seconds
    return used


def process_tree(pid):
    """pid and its descendants (Ironic's launcher forks its service)."""
    children = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as stat:
                ppid = int(stat.read().rsplit(')', 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def parse_vm_rss(lines):
    """Bytes of the VmRSS line of /proc/<pid>/status.

    :raises ValueError: when there is none.
    """
    for line in lines:
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) * 1024
    raise ValueError('no VmRSS line')


def vm_rss_bytes(pid):
    with open('/proc/%d/status' % pid) as status:
        return parse_vm_rss(status)


def live_heap_bytes(pid):
    """The live heap: jcmd's class histogram runs a full GC before counting.

    :raises RuntimeError: when jcmd prints no total.
    """
    out = subprocess.run(['jcmd', str(pid), 'GC.class_histogram'],
                         capture_output=True, text=True, check=True,
                         timeout=120).stdout
    for line in out.splitlines():
        if line.startswith('Total'):
            return int(line.split()[2])
    raise RuntimeError('jcmd printed no Total line for pid %d' % pid)

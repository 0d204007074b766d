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


import os
import subprocess
import sys
import threading
import time

import pytest

from valence_bench import proc


def test_parse_stat_takes_the_name_between_the_outer_parentheses():
    # A name may hold spaces and parentheses: fields count from the last
    # ')'. utime (14th field) 250 and stime (15th) 50 ticks.
    text = ('42 (C2 (Compiler) x) S 1 42 42 0 -1 4194560 100 0 0 0 '
            '250 50 0 0 20 0 30 0 100 1000 10\n')
    assert proc.parse_stat(text, clk_tck=100) == ('C2 (Compiler) x', 3.0)


def test_parse_stat_refuses_what_is_not_a_stat_line():
    with pytest.raises(ValueError):
        proc.parse_stat('no parentheses here')
    with pytest.raises(ValueError):
        proc.parse_stat('1 (short) S 1 2')


def test_parse_vm_rss_in_bytes():
    lines = ['Name:\tjava\n', 'VmPeak:\t  9 kB\n', 'VmRSS:\t  2048 kB\n']
    assert proc.parse_vm_rss(lines) == 2048 * 1024
    with pytest.raises(ValueError):
        proc.parse_vm_rss(['Name:\tjava\n'])


def test_cpu_seconds_of_a_busy_child_and_of_a_gone_one():
    child = subprocess.Popen(
        [sys.executable, '-c',
         'import time\nt = time.process_time()\n'
         'while time.process_time() - t < 0.3: pass\ninput()'],
        stdin=subprocess.PIPE)
    try:
        for _ in range(100):
            if proc.cpu_seconds(child.pid) >= 0.2:
                break
            subprocess.run(['sleep', '0.05'], check=True)
        assert proc.cpu_seconds(child.pid) >= 0.2
        assert child.pid in proc.process_tree(os.getpid())
        assert proc.vm_rss_bytes(child.pid) > 0
    finally:
        child.communicate(b'\n', timeout=10)
    assert proc.cpu_seconds(child.pid) == 0.0


def test_thread_cpu_seconds_names_each_thread_by_its_id():
    burnt, read = threading.Event(), threading.Event()

    def burn():
        t = time.thread_time()
        while time.thread_time() - t < 0.2:
            pass
        burnt.set()
        read.wait(30)

    worker = threading.Thread(target=burn)
    worker.start()
    try:
        assert burnt.wait(30)
        threads = proc.thread_cpu_seconds(os.getpid())
        assert worker.native_id in threads and os.getpid() in threads
        name, seconds = threads[worker.native_id]
        assert name and seconds >= 0.15
    finally:
        read.set()
        worker.join(10)

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


import pytest

from valence_bench import idle_cpu


@pytest.mark.parametrize('name, kind', [
    ('http-nio-8080-exec-12', 'http-nio-8080-exec'),
    ('GC Thread#3', 'GC Thread'),
    ('C2 CompilerThre', 'C2 CompilerThre'),
    ('OkHttp TaskRunner', 'OkHttp TaskRunner'),
    ('42', '42'),
])
def test_thread_kind_drops_the_number_of_a_pooled_thread(name, kind):
    assert idle_cpu.thread_kind(name) == kind


def test_used_by_kind_counts_the_window_only():
    before = {1: ('exec-1', 5.0), 2: ('exec-2', 1.0), 3: ('gone', 9.0),
              4: ('probe', 2.0)}
    after = {1: ('exec-1', 5.5), 2: ('exec-2', 1.25), 4: ('probe', 2.0),
             7: ('exec-7', 0.25)}
    assert idle_cpu.used_by_kind(before, after) == {'exec': 1.0,
                                                    'probe': 0.0}

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


import argparse

import pytest

from valence_bench import node_list
from valence_bench.tests import arguments


def parse(*argv):
    return arguments.parsed(node_list, 'node-list', argv)


def test_the_defaults_are_the_services():
    args = parse()
    assert (args.parallelism, args.latencies, args.nodes) == (16, [0, 50],
                                                              10000)


def test_parallelism_takes_what_the_service_accepts():
    assert parse('--parallelism', '1').parallelism == 1
    assert parse('--parallelism', '128').parallelism == 128


@pytest.mark.parametrize('value', ['0', '129', '-1', 'many'])
def test_parallelism_out_of_the_services_range_is_refused(value, capsys):
    with pytest.raises(SystemExit) as exited:
        parse('--parallelism', value)
    assert exited.value.code == 2
    assert '--parallelism' in capsys.readouterr().err


def test_latencies_are_comma_separated_ms():
    assert node_list.latencies('0,50,1000') == [0, 50, 1000]
    for text in ('1001', '0,-5', '0,,50', 'slow'):
        with pytest.raises((argparse.ArgumentTypeError, ValueError)):
            node_list.latencies(text)


def test_the_pages_of_a_list_are_summed_up():
    figures = node_list.page_figures([(1000, 0.4, 503), (500, 1.5, 200),
                                      (500, 0.2, 200)])
    assert figures == {'pages': 3, 'page_sizes': [1000, 500],
                       'failed_pages': [503], 'slowest_page_s': 1.5}
    assert node_list.describe(figures) == (
        '3 pages of 1000/500 (1 answered [503]), slowest 1.50 s')

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

"""The resource class and traits of an enrolled composed node."""

import pytest

from ironic_valence import conf
from ironic_valence import scheduling

MEDIUM = {'flavor_id': 'f-2', 'name': 'medium', 'description': '8 cores',
          'total_cores': 8, 'memory_mib': 32768}


def test_defaults_make_the_flavors_resource_class_and_traits():
    assert scheduling.enrolment_fields(MEDIUM) == {
        'resource_class': 'VALENCE_MEDIUM',
        'traits': ['CUSTOM_VALENCE_MEMORY_MIB_32768',
                   'CUSTOM_VALENCE_TOTAL_CORES_8']}


def test_unknown_flavor_sets_nothing():
    assert scheduling.enrolment_fields(None) == {'resource_class': None,
                                                 'traits': []}


def test_names_are_normalised_to_placements_alphabet():
    flavor = dict(MEDIUM, name='gpu.large-2 ü')

    fields = scheduling.enrolment_fields(flavor)

    assert fields['resource_class'] == 'VALENCE_GPU_LARGE_2__'


def test_a_property_valence_does_not_give_makes_no_trait():
    flavor = dict(MEDIUM, memory_mib=None)
    del flavor['total_cores']

    assert scheduling.enrolment_fields(flavor)['traits'] == []


def test_formats_are_configurable_and_empty_turns_them_off():
    fields = scheduling.enrolment_fields(
        MEDIUM, resource_class_format='BAREMETAL_{flavor}_POD',
        trait_format='')

    assert fields == {'resource_class': 'BAREMETAL_MEDIUM_POD',
                      'traits': []}
    assert scheduling.enrolment_fields(
        MEDIUM, resource_class_format='',
        trait_format='CUSTOM_{property}{value}') == {
            'resource_class': None,
            'traits': ['CUSTOM_MEMORY_MIB32768', 'CUSTOM_TOTAL_CORES8']}


@pytest.mark.parametrize('options, message', [
    ({'resource_class_format': 'VALENCE_{flavour}'},
     "names a field other than {flavor}"),
    ({'resource_class_format': 'valence-{flavor}'},
     "Resource class 'valence-MEDIUM' of Valence flavor medium"),
    ({'resource_class_format': 'X' * 81}, 'not 1 to 80 characters'),
    ({'trait_format': 'VALENCE_{property}_{value}'},
     "Trait 'VALENCE_TOTAL_CORES_8' .* is not CUSTOM_"),
    ({'trait_format': 'CUSTOM_{key}'},
     "names a field other than {property}, {value}"),
])
def test_a_format_that_makes_what_ironic_refuses_says_so(options, message):
    with pytest.raises(ValueError, match=message):
        scheduling.enrolment_fields(MEDIUM, **options)


def test_find_flavor_by_uuid_then_by_the_one_name():
    small = {'flavor_id': 'medium', 'name': 'small'}
    flavors = [MEDIUM, small]

    assert scheduling.find_flavor(flavors, 'f-2') is MEDIUM
    assert scheduling.find_flavor(flavors, 'medium') is small
    assert scheduling.find_flavor(flavors, 'small') is small
    assert scheduling.find_flavor(flavors + [dict(small)], 'small') is None
    assert scheduling.find_flavor(flavors, 'huge') is None


def test_options_default_to_the_modules_defaults():
    options = {opt.name: opt.default for opt in conf.opts}

    assert options['resource_class_format'] == 'VALENCE_{flavor}'
    assert options['trait_format'] == 'CUSTOM_VALENCE_{property}_{value}'

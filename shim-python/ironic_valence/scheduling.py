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

"""What the scheduler sees of a composed node: resource class and traits.

Both come from the Valence flavor the node is composed from, so that a Nova
flavor asking for ``resources:CUSTOM_VALENCE_<FLAVOR>=1`` (or for one of
the traits) lands on a composed node of that Valence flavor. Valence does
not record the flavor of a composed node (its database keeps the uuid,
name, pod manager, PODM index and Redfish URI only), so only the code that
composes a node knows it; a node enrolled later gets neither field, and
nothing is guessed from its hardware.

Plain Python without Ironic: the CLI, which runs without ironic.conf,
calls it with the defaults below; the conductor with the [valence] options
resource_class_format and trait_format.
"""

import re

# The defaults of [valence]resource_class_format and trait_format.
RESOURCE_CLASS_FORMAT = 'VALENCE_{flavor}'
TRAIT_FORMAT = 'CUSTOM_VALENCE_{property}_{value}'

# The members of the service's flavor document (GET /v1/flavors) that
# become traits: Valence's processor.total_cores and memory.capacity_mib.
TRAIT_PROPERTIES = ('total_cores', 'memory_mib')

# Ironic's resource_class column holds 80 characters; Nova makes the
# placement class CUSTOM_<resource class>, and placement's names are
# [A-Z0-9_] only, as are custom traits (os-traits), of up to 255.
RESOURCE_CLASS_MAX_LENGTH = 80
_RESOURCE_CLASS_RE = re.compile(r'[A-Z0-9_]{1,%d}' % RESOURCE_CLASS_MAX_LENGTH)
_TRAIT_RE = re.compile(r'CUSTOM_[A-Z0-9_]{1,248}')
_NOT_ALLOWED = re.compile(r'[^A-Z0-9]')


def normalise(text):
    """text in placement's alphabet: upper case, anything else '_'."""
    return _NOT_ALLOWED.sub('_', str(text).upper())


def find_flavor(flavors, uuid_or_name):
    """The flavor a compose request names, as the service resolves it.

    :param flavors: the service's flavor documents (GET /v1/flavors).
    :param uuid_or_name: the compose request's flavor.
    :returns: the flavor with that uuid, else the one flavor with that
        name; None when there is none, or several of that name.
    """
    for flavor in flavors:
        if flavor.get('flavor_id') == uuid_or_name:
            return flavor
    named = [flavor for flavor in flavors
             if flavor.get('name') == uuid_or_name]
    return named[0] if len(named) == 1 else None


def enrolment_fields(flavor, resource_class_format=RESOURCE_CLASS_FORMAT,
                     trait_format=TRAIT_FORMAT):
    """The resource class and traits of a composed node's Ironic node.

    :param flavor: the service's document of the flavor the node was
        composed from, or None when that is not known.
    :param resource_class_format: the resource class, where {flavor} is
        the flavor's name normalised; empty for none.
    :param trait_format: each trait, where {property} and {value} are a
        flavor property's name and value, normalised; empty for none.
    :returns: a dict with "resource_class" (None when not set) and
        "traits" (a sorted list, maybe empty).
    :raises ValueError: when a format names another field, or makes a
        resource class or trait that Ironic or placement would refuse.
    """
    fields = {'resource_class': None, 'traits': []}
    if flavor is None:
        return fields
    if resource_class_format:
        resource_class = _format(resource_class_format,
                                 flavor=normalise(flavor['name']))
        if not _RESOURCE_CLASS_RE.fullmatch(resource_class):
            raise ValueError(
                'Resource class %r of Valence flavor %s is not 1 to %d '
                'characters of A-Z, 0-9 and _; fix [valence]'
                'resource_class_format' % (resource_class, flavor['name'],
                                           RESOURCE_CLASS_MAX_LENGTH))
        fields['resource_class'] = resource_class
    if trait_format:
        for member in TRAIT_PROPERTIES:
            if flavor.get(member) is None:
                continue
            trait = _format(trait_format, property=normalise(member),
                            value=normalise(flavor[member]))
            if not _TRAIT_RE.fullmatch(trait):
                raise ValueError(
                    'Trait %r of Valence flavor %s is not CUSTOM_ and up to '
                    '248 characters of A-Z, 0-9 and _; fix [valence]'
                    'trait_format' % (trait, flavor['name']))
            fields['traits'].append(trait)
        fields['traits'].sort()
    return fields


def _format(template, **values):
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError) as e:
        raise ValueError('%r names a field other than {%s}: %s'
                         % (template, '}, {'.join(sorted(values)), e))

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


"""The [valence] options as oslo-config-generator lists them."""

import os

import fixtures
from oslo_config import cfg
from oslo_config import generator
import testtools

from ironic_valence import conf


class ConfTestCase(testtools.TestCase):

    def test_list_opts(self):
        (group, opts), = conf.list_opts()
        self.assertEqual('valence', group)
        self.assertEqual(['service_url', 'replica_down_seconds',
                          'auth_token', 'timeout',
                          'answer_margin', 'connect_timeout',
                          'read_attempts', 'read_retry_interval',
                          'power_read_ahead', 'power_read_ahead_max_age',
                          'inspection_hooks', 'resource_class_format',
                          'trait_format', 'ca_file', 'insecure'],
                         [opt.name for opt in opts])

    def test_timeout_is_deprecated_for_removal_with_a_reason(self):
        timeout, = [opt for opt in conf.opts if opt.name == 'timeout']
        self.assertTrue(timeout.deprecated_for_removal)
        self.assertIn('no effect', timeout.deprecated_reason)
        self.assertIn('answer_margin', timeout.deprecated_reason)

    def test_answer_margin_is_at_least_one_second(self):
        conf_obj = cfg.ConfigOpts()
        conf_obj.register_opts(conf.opts, group='valence')
        self.assertRaises(ValueError, conf_obj.set_override, 'answer_margin',
                          0, 'valence')
        self.assertRaises(ValueError, conf_obj.set_override, 'read_attempts',
                          0, 'valence')

    def test_power_read_ahead_is_bounded(self):
        conf_obj = cfg.ConfigOpts()
        conf_obj.register_opts(conf.opts, group='valence')
        for name, value in [('power_read_ahead', -1),
                            ('power_read_ahead', 101),
                            ('power_read_ahead', 'many'),
                            ('power_read_ahead_max_age', 0),
                            ('power_read_ahead_max_age', 61)]:
            with self.subTest(name=name, value=value):
                self.assertRaises(ValueError, conf_obj.set_override, name,
                                  value, 'valence')

    def test_generator_finds_the_entry_point(self):
        output = os.path.join(self.useFixture(fixtures.TempDir()).path,
                              'valence.conf.sample')
        generator_conf = cfg.ConfigOpts()
        generator.register_cli_opts(generator_conf)
        generator_conf(['--namespace', 'ironic_valence',
                        '--output-file', output])
        generator.generate(generator_conf)
        with open(output) as sample:
            text = sample.read()
        self.assertIn('[valence]', text)
        self.assertIn('#service_url = http://127.0.0.1:8080', text)
        self.assertIn('#replica_down_seconds = 20', text)
        self.assertIn('#auth_token = <None>', text)
        self.assertIn('# This option is deprecated for removal.', text)
        self.assertIn('#timeout = 30', text)
        self.assertIn('#answer_margin = 5', text)
        self.assertIn('#read_attempts = 3', text)
        self.assertIn('#read_retry_interval = 1', text)
        self.assertIn('#power_read_ahead = 50', text)
        self.assertIn('#power_read_ahead_max_age = 5', text)
        self.assertIn('#inspection_hooks = validate-interfaces,ports,'
                      'architecture', text)
        self.assertIn('#connect_timeout = 10', text)
        self.assertIn('#ca_file = <None>', text)
        self.assertIn('#insecure = false', text)

    def _conf(self):
        conf_obj = cfg.ConfigOpts()
        conf_obj.register_opts(conf.opts, group='valence')
        return conf_obj

    def test_service_url_must_be_http(self):
        conf_obj = self._conf()
        self.assertRaises(ValueError, conf_obj.set_override, 'service_url',
                          'ftp://valence', 'valence')
        self.assertRaises(ValueError, conf_obj.set_override, 'service_url',
                          'http://valence-1:8080,ftp://valence-2',
                          'valence')

    def test_service_url_is_a_list(self):
        conf_obj = self._conf()
        self.assertEqual(['http://127.0.0.1:8080'],
                         conf_obj.valence.service_url)
        conf_obj.set_override(
            'service_url', 'http://valence-1:8080, https://valence-2:8443',
            'valence')
        self.assertEqual(['http://valence-1:8080', 'https://valence-2:8443'],
                         conf_obj.valence.service_url)

    def test_replica_down_seconds_is_bounded(self):
        conf_obj = self._conf()
        for value in (0, 3601):
            with self.subTest(value=value):
                self.assertRaises(ValueError, conf_obj.set_override,
                                  'replica_down_seconds', value, 'valence')

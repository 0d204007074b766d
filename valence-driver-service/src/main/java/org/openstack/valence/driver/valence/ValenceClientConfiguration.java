/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License. You may obtain
 * a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
 * WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
 * License for the specific language governing permissions and limitations
 * under the License.
 */

package org.openstack.valence.driver.valence;

import io.micrometer.core.instrument.MeterRegistry;
import okhttp3.OkHttpClient;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ValenceClientConfiguration {

	@Bean
	OkHttpClient valenceHttpClient(ValenceProperties properties) {
		return ValenceHttpClientFactory.build(properties);
	}

	@Bean
	ValenceClient valenceClient(OkHttpClient valenceHttpClient, ValenceProperties properties, MeterRegistry meters) {
		return new OkHttpValenceClient(valenceHttpClient, properties, meters);
	}

}

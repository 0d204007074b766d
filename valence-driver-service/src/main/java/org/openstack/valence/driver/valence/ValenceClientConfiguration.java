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

import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ValenceClientConfiguration {

	/**
	 * The SSL bundle whose trust material checks Valence's certificate: made from
	 * VALENCE_CA_FILE, or configured as any Spring SSL bundle of this name
	 * (spring.ssl.bundle.pem.valence.*, spring.ssl.bundle.jks.valence.*).
	 */
	static final String SSL_BUNDLE = "valence";

	@Bean
	SslBundleRegistrar valenceCaFileBundle(ValenceProperties properties) {
		return (registry) -> {
			if (properties.caFile() != null) {
				registry.registerBundle(SSL_BUNDLE, ValenceHttpClientFactory.caBundle(properties.caFile()));
			}
		};
	}

	@Bean
	OkHttpClient valenceHttpClient(ValenceProperties properties, SslBundles bundles, MeterRegistry meters) {
		return ValenceHttpClientFactory.build(properties,
				bundles.getBundleNames().contains(SSL_BUNDLE) ? bundles.getBundle(SSL_BUNDLE) : null, meters);
	}

	@Bean
	ValenceClient valenceClient(OkHttpClient valenceHttpClient, ValenceProperties properties, MeterRegistry meters) {
		return new OkHttpValenceClient(valenceHttpClient, properties, meters);
	}

}

/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this
 * file except in compliance with the License. You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under
 * the License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
 * KIND, either express or implied. See the License for the specific language governing
 * permissions and limitations under the License.
 */
package org.openstack.valence.driver.web;

import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.openstack.valence.driver.ValenceDriverApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole service on a free port, against a Valence of the test's own, for a test that
 * closes it or makes that Valence hang: the shared one of ServiceTest stays out of it.
 */
final class RunningService {

	private RunningService() {
	}

	static ConfigurableApplicationContext start(WireMockServer valence, String... arguments) {
		return new SpringApplicationBuilder(ValenceDriverApplication.class)
			.run(Stream.concat(Stream.of("--server.port=0", "--valence.url=" + valence.baseUrl()), Stream.of(arguments))
				.toArray(String[]::new));
	}

	static int port(ConfigurableApplicationContext service) {
		return ((WebServerApplicationContext) service).getWebServer().getPort();
	}

}

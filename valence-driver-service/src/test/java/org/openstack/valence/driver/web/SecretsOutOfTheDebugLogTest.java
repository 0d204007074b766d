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

package org.openstack.valence.driver.web;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * {@link SecretsOutOfTheLogTest} with every layer that sees a request's headers logging
 * at DEBUG, as an operator chasing a problem might set it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "valence.url=http://127.0.0.1:9", "logging.level.org.apache.coyote=DEBUG",
				"logging.level.org.apache.tomcat=DEBUG", "logging.level.org.apache.catalina=DEBUG",
				"logging.level.org.springframework.web=DEBUG", "logging.level.org.springframework.security=DEBUG",
				"logging.level.okhttp3=DEBUG", "logging.level.io.github.resilience4j=DEBUG" })
class SecretsOutOfTheDebugLogTest extends SecretsOutOfTheLogTest {

	@Override
	protected String[] linesProvingTheLogWasCaptured() {
		return new String[] { "VALENCE_UNREACHABLE", "DEBUG", "o.s.security.web.FilterChainProxy",
				"o.s.web.servlet.DispatcherServlet", "okhttp3" };
	}

}

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

package org.openstack.valence.driver;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.openstack.valence.driver.health.ValenceHealthIndicator;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * The whole service in MockMvc, its Valence played by one WireMock server that all
 * subclasses share, so that they share one application context too.
 */
@SpringBootTest
@AutoConfigureMockMvc
public abstract class ServiceTest {

	public static final String TOKEN = "tkn-5b0c9f7e-test-only";

	public static final String VALENCE_PASSWORD = "pw-7d1e-test-only";

	public static final String BEARER = "Bearer " + TOKEN;

	protected static final WireMockServer valence = new WireMockServer(wireMockConfig().dynamicPort());

	static {
		valence.start();
	}

	@Autowired
	protected MockMvc mvc;

	@Autowired
	private ValenceHealthIndicator valenceHealth;

	@DynamicPropertySource
	static void valenceUrl(DynamicPropertyRegistry registry) {
		registry.add("valence.url", valence::baseUrl);
	}

	/**
	 * The tests probe Valence when they mean to: the scheduled probe is stopped, since
	 * its first run can come late on a loaded machine and reach Valence during a test.
	 */
	@BeforeEach
	void resetValence() {
		this.valenceHealth.stop();
		this.valenceHealth.probe();
		valence.resetAll();
	}

}

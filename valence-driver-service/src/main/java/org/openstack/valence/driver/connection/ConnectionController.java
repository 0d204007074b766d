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

package org.openstack.valence.driver.connection;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.openstack.valence.driver.deadline.BudgetProperties;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.protocol.Protocol;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceException;
import org.openstack.valence.driver.valence.ValenceProperties;
import org.openstack.valence.driver.valence.ValenceVersion;

import org.springframework.boot.info.BuildProperties;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Ironic's test_connection passthru: answers 200 even when Valence is down, with the
 * reason in {@code valence.error}.
 */
@RestController
@Tag(name = "connection")
class ConnectionController {

	static final String SERVICE_NAME = "valence-driver-service";

	private final ValenceClient valence;

	private final ValenceProperties properties;

	private final BuildProperties build;

	private final BudgetProperties budget;

	ConnectionController(ValenceClient valence, ValenceProperties properties, BuildProperties build,
			BudgetProperties budget) {
		this.valence = valence;
		this.properties = properties;
		this.build = build;
		this.budget = budget;
	}

	record ServiceView(String name, String version) {
	}

	record ValenceView(String url, boolean reachable, String version, @JsonProperty("latency_ms") Double latencyMs,
			String error) {
	}

	record ConnectionView(ServiceView service, ValenceView valence) {
	}

	@GetMapping(path = Protocol.API_VERSION_PREFIX + "/connection", produces = MediaType.APPLICATION_JSON_VALUE)
	ConnectionView connection() {
		ServiceView service = new ServiceView(SERVICE_NAME, this.build.getVersion());
		String url = this.properties.url().toString();
		Deadline deadline = this.budget.readDeadline();
		long start = System.nanoTime();
		try {
			ValenceVersion version = this.valence.probe(deadline);
			double latencyMs = Math.round((System.nanoTime() - start) / 100_000.0) / 10.0;
			return new ConnectionView(service, new ValenceView(url, true, version.id(), latencyMs, null));
		}
		catch (ValenceException ex) {
			return new ConnectionView(service, new ValenceView(url, false, null, null, ex.getMessage()));
		}
	}

}

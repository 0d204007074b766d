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

package org.openstack.valence.emulator;

import java.io.IOException;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the tests that talk real HTTP to an emulator started on a random port; each
 * test starts from the seeded state with no faults.
 */
public abstract class RunningEmulator {

	@LocalServerPort
	protected int port;

	protected EmulatorClient client;

	@BeforeEach
	void resetEmulator() throws IOException {
		this.client = new EmulatorClient(this.port);
		assertThat(this.client.post("/emulator/reset", "").statusCode()).isEqualTo(204);
	}

}

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

package org.openstack.valence.driver.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.ServiceTest;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile node ids sent over a real Tomcat connector, byte for byte as written
 * (like {@code curl --path-as-is}), so that neither the client library nor
 * MockMvc normalises them first: the client must still get a problem document.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostilePathOverHttpTest {

	@LocalServerPort
	private int port;

	private String send(String path) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + ServiceTest.BEARER
					+ "\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
		}
	}

	@Test
	void encodedSlashIsAProblemDocument() throws IOException {
		String answer = send("/v1/nodes/..%2Fpod_managers/power");

		assertThat(answer).startsWith("HTTP/1.1 400")
			.contains("Content-Type: application/problem+json")
			.contains("\"code\":\"INVALID_REQUEST\"")
			.contains("\"request_id\":\"req-");
	}

	@Test
	void encodedDotsAreAProblemDocument() throws IOException {
		String answer = send("/v1/nodes/%2e%2e/power");

		assertThat(answer).startsWith("HTTP/1.1 400").contains("\"code\":\"INVALID_REQUEST\"");
	}

	@Test
	void plainDotsInANodeIdAreAProblemDocument() throws IOException {
		String answer = send("/v1/nodes/node.1/power");

		assertThat(answer).startsWith("HTTP/1.1 400").contains("\"code\":\"INVALID_REQUEST\"");
	}

}

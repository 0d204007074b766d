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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real HTTP to an emulator on the loopback interface, as a driver would talk to it. Every
 * call has a timeout so no test can hang.
 */
public final class EmulatorClient {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private final String base;

	public EmulatorClient(int port) {
		this.base = "http://127.0.0.1:" + port;
	}

	public HttpResponse<String> get(String path) throws IOException {
		return send(request(path).GET());
	}

	public HttpResponse<String> post(String path, String json) throws IOException {
		return send(request(path).POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	public HttpResponse<String> put(String path, String json) throws IOException {
		return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(json)));
	}

	public HttpResponse<String> delete(String path) throws IOException {
		return send(request(path).DELETE());
	}

	public HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	public HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(TIMEOUT)
			.header("Content-Type", "application/json");
	}

	public static JsonNode json(HttpResponse<String> response) {
		return JsonMapper.shared().readTree(response.body());
	}

}

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

package org.openstack.valence.driver.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The valence-emulator jar running as a process of its own, on a free loopback port, as
 * scripts/run and the end-to-end run start it. The Maven reactor packages the emulator
 * before this module's tests run.
 */
final class EmulatorProcess {

	private static final Pattern NODE_LINE = Pattern.compile("^node \\d+ (\\S+) \\S+$");

	private static final Pattern READY_LINE = Pattern.compile("^valence-emulator ready on port (\\d+):.*");

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private final Process process;

	private final String url;

	private final List<String> nodeIds;

	private final HttpClient http = HttpClient.newHttpClient();

	private EmulatorProcess(Process process, String url, List<String> nodeIds) {
		this.process = process;
		this.url = url;
		this.nodeIds = nodeIds;
	}

	/**
	 * Starts the jar named by the system property {@code emulator.jar} and waits until it
	 * prints its ready line.
	 * @throws IllegalStateException when the jar is missing or the emulator does not come
	 * up in time
	 */
	static EmulatorProcess start(int nodeCount, Duration transitionDelay) throws IOException {
		Path jar = Path.of(System.getProperty("emulator.jar", "missing"));
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("no emulator jar at " + jar
					+ ": build it first (mvn -B verify from the root builds it before this module)");
		}
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process process = new ProcessBuilder(java.toString(), "-Xmx256m", "-jar", jar.toString(),
				"--server.address=127.0.0.1", "--server.port=0", "--emulator.node-count=" + nodeCount,
				"--emulator.transition-delay=" + transitionDelay.toMillis() + "ms")
			.redirectErrorStream(true)
			.start();
		CompletableFuture<EmulatorProcess> ready = CompletableFuture.supplyAsync(() -> awaitReady(process));
		try {
			return ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			process.destroyForcibly();
			throw new IllegalStateException("the emulator did not print its ready line within " + START_TIMEOUT, ex);
		}
	}

	private static EmulatorProcess awaitReady(Process process) {
		List<String> nodeIds = new ArrayList<>();
		BufferedReader out = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		try {
			for (String line = out.readLine(); line != null; line = out.readLine()) {
				Matcher node = NODE_LINE.matcher(line);
				if (node.matches()) {
					nodeIds.add(node.group(1));
				}
				Matcher ready = READY_LINE.matcher(line);
				if (ready.matches()) {
					drainInBackground(out);
					return new EmulatorProcess(process, "http://127.0.0.1:" + ready.group(1), List.copyOf(nodeIds));
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("reading the emulator's output failed", ex);
		}
		throw new IllegalStateException("the emulator exited with " + process.exitValue() + " before it was ready");
	}

	/** Keeps the pipe empty so that the emulator never blocks on its own logging. */
	private static void drainInBackground(BufferedReader out) {
		Thread drain = new Thread(() -> {
			try {
				while (out.readLine() != null) {
					// discarded: the tests assert on HTTP answers, not on the log
				}
			}
			catch (IOException ex) {
				// the process ended
			}
		}, "emulator-output");
		drain.setDaemon(true);
		drain.start();
	}

	String url() {
		return this.url;
	}

	List<String> nodeIds() {
		return this.nodeIds;
	}

	/** GET on the emulator itself, as a test looks behind the service. */
	String get(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(URI.create(this.url + path)).GET());
	}

	/** PUT, POST or DELETE of a control-API JSON body ({@code null} for none). */
	String send(String method, String path, String json) throws IOException, InterruptedException {
		HttpRequest.BodyPublisher body = (json != null) ? HttpRequest.BodyPublishers.ofString(json)
				: HttpRequest.BodyPublishers.noBody();
		return send(HttpRequest.newBuilder(URI.create(this.url + path))
			.header("Content-Type", "application/json")
			.method(method, body));
	}

	private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(request.timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() >= 300) {
			throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
					+ response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	void stop() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

}

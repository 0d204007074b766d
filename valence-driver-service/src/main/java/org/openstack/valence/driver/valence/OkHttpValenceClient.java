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

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.protocol.BootDevice;
import org.openstack.valence.driver.protocol.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Valence client on OkHttp. Reads are retried with exponential backoff on transient
 * failures while the request's deadline can pay for the wait and another attempt; actions
 * are sent once (OkHttp's own silent retry is off in {@link ValenceHttpClientFactory}).
 * Each call's timeout is the configured call timeout or the time the deadline leaves,
 * whichever is shorter.
 */
public class OkHttpValenceClient implements ValenceClient {

	private static final Logger log = LoggerFactory.getLogger(OkHttpValenceClient.class);

	private static final MediaType JSON = MediaType.get("application/json");

	private static final Pattern NODE_ID = Pattern.compile(Protocol.NODE_ID_PATTERN);

	/**
	 * Valence's answers are a few KiB, but for its node list: about 280 bytes a node, 2.8
	 * MB for a pod of 10,000 nodes. Anything far larger than the list of 100,000 nodes is
	 * not Valence.
	 */
	private static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

	private static final int MAX_DETAIL_CHARS = 500;

	/** Unknown fields are Valence's to add; the driver ignores them. */
	private static final JsonMapper WIRE = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private final OkHttpClient http;

	private final HttpUrl base;

	private final Duration connectTimeout;

	private final Duration readTimeout;

	private final Duration callTimeout;

	private final int maxAttempts;

	/** One Retry per operation, made on its first call. */
	private final RetryRegistry retries;

	private final IntervalFunction backoff;

	private final MeterRegistry meters;

	public OkHttpValenceClient(OkHttpClient http, ValenceProperties properties, MeterRegistry meters) {
		this.http = http;
		this.base = HttpUrl.get(properties.url().toString());
		this.connectTimeout = properties.connectTimeout();
		this.readTimeout = properties.readTimeout();
		this.callTimeout = properties.callTimeout();
		this.meters = meters;
		ValenceProperties.Retry retry = properties.retry();
		this.maxAttempts = retry.maxAttempts();
		this.backoff = IntervalFunction.ofExponentialBackoff(retry.initialBackoff().toMillis(), retry.multiplier());
		this.retries = RetryRegistry.of(RetryConfig.custom()
			.maxAttempts(this.maxAttempts)
			.intervalFunction(this.backoff)
			.retryOnException((ex) -> ex instanceof ValenceException valence && valence.isTransient())
			.build());
		this.retries.getEventPublisher()
			.onEntryAdded((added) -> added.getAddedEntry()
				.getEventPublisher()
				.onRetry((event) -> log.warn("Valence {} failed ({}), attempt {} of {}, retrying in {}",
						event.getName(), event.getLastThrowable().getMessage(), event.getNumberOfRetryAttempts(),
						this.maxAttempts, event.getWaitInterval())));
		TaggedRetryMetrics.ofRetryRegistry(this.retries).bindTo(meters);
	}

	@Override
	public ValenceNode getNode(String nodeId, Deadline deadline) {
		Request request = get(nodeUrl(nodeId).build());
		return retried("get_node", deadline, () -> exchange("get_node", request, deadline, true, (body) -> {
			ValenceNode node = WIRE.readValue(body, ValenceNode.class);
			if (node == null || node.uuid() == null) {
				throw new ValenceException.BadResponse("Valence's node detail has no uuid", null);
			}
			return node;
		}));
	}

	@Override
	public ValenceSystem getSystem(String systemId, Deadline deadline) {
		Request request = get(itemUrl("systems", "system", systemId).build());
		return retried("get_system", deadline, () -> exchange("get_system", request, deadline, false, (body) -> {
			JsonNode root = WIRE.readTree(body);
			if (!root.isArray()) {
				throw new ValenceException.BadResponse("Valence's system answer is not an array", null);
			}
			for (JsonNode system : root) {
				ValenceSystem read = WIRE.treeToValue(system, ValenceSystem.class);
				if (read != null && systemId.equals(read.id())) {
					return read;
				}
			}
			return null;
		}));
	}

	@Override
	public List<ValenceNodeSummary> listNodes(Deadline deadline) {
		Request request = get(this.base.newBuilder().addPathSegments("v1/nodes").build());
		return retried("list_nodes", deadline, () -> exchange("list_nodes", request, deadline, false, (body) -> {
			JsonNode root = WIRE.readTree(body);
			JsonNode nodes = root.isObject() ? root.path("nodes") : root;
			if (!nodes.isArray()) {
				throw new ValenceException.BadResponse(
						"Valence's node list is neither an array nor a {\"nodes\": [...]} object", null);
			}
			List<ValenceNodeSummary> summaries = new ArrayList<>();
			for (JsonNode node : nodes) {
				summaries.add(WIRE.treeToValue(node, ValenceNodeSummary.class));
			}
			return summaries;
		}));
	}

	@Override
	public List<ValenceFlavor> listFlavors(Deadline deadline) {
		Request request = get(this.base.newBuilder().addPathSegments("v1/flavors").build());
		return retried("list_flavors", deadline, () -> exchange("list_flavors", request, deadline, false, (body) -> {
			JsonNode root = WIRE.readTree(body);
			if (!root.isArray()) {
				throw new ValenceException.BadResponse("Valence's flavor list is not an array", null);
			}
			List<ValenceFlavor> flavors = new ArrayList<>();
			for (JsonNode flavor : root) {
				flavors.add(WIRE.treeToValue(flavor, ValenceFlavor.class));
			}
			return flavors;
		}));
	}

	@Override
	public ValenceNodeSummary compose(Composition composition, Deadline deadline) {
		HttpUrl url = this.base.newBuilder().addPathSegments("v1/nodes").build();
		Request request = new Request.Builder().url(url).post(json(composition.wire())).build();
		return exchange("compose", request, deadline, false, (body) -> {
			ValenceNodeSummary node = WIRE.readValue(body, ValenceNodeSummary.class);
			if (node == null || node.uuid() == null || !NODE_ID.matcher(node.uuid()).matches()) {
				throw new ValenceException.BadResponse("Valence's answer to the composition names no usable node uuid",
						null);
			}
			return node;
		});
	}

	@Override
	public void deleteNode(String nodeId, Deadline deadline) {
		exchange("delete_node", new Request.Builder().url(nodeUrl(nodeId).build()).delete().build(), deadline, true,
				(answer) -> null);
	}

	@Override
	public ValenceVersion probe(Deadline deadline) {
		return exchange("probe", get(this.base), deadline, false, (body) -> {
			JsonNode root = WIRE.readTree(body);
			if (!root.isObject() || !root.path("versions").isArray()) {
				throw new ValenceException.BadResponse("Valence's root document lists no versions", null);
			}
			for (JsonNode version : root.path("versions")) {
				if ("CURRENT".equals(version.path("status").asString(null))) {
					return new ValenceVersion(version.path("id").asString(null));
				}
			}
			return new ValenceVersion(null);
		});
	}

	@Override
	public void reset(String nodeId, ResetType type, Deadline deadline) {
		action("reset", nodeId, Map.of("Reset", Map.of("Type", type.wire())), deadline);
	}

	@Override
	public void setBootOverride(String nodeId, BootDevice device, boolean persistent, Deadline deadline) {
		action("boot", nodeId,
				Map.of("Boot",
						Map.of("Enabled", BootTarget.enabled(persistent), "Target", BootTarget.of(device).wire())),
				deadline);
	}

	private void action(String operation, String nodeId, Map<String, Object> action, Deadline deadline) {
		HttpUrl url = nodeUrl(nodeId).addPathSegment("action").build();
		exchange(operation, new Request.Builder().url(url).post(json(action)).build(), deadline, true,
				(answer) -> null);
	}

	private static RequestBody json(Map<String, Object> body) {
		return RequestBody.create(WIRE.writeValueAsBytes(body), JSON);
	}

	private HttpUrl.Builder nodeUrl(String nodeId) {
		return itemUrl("nodes", "node", nodeId);
	}

	/**
	 * The URL of one item of a Valence collection; refuses a hostile id before it can
	 * become part of a URL.
	 * @param what the item's kind, for the message
	 */
	private HttpUrl.Builder itemUrl(String collection, String what, String id) {
		if (id == null || !NODE_ID.matcher(id).matches()) {
			throw new ValenceArgumentException(what + " id must match " + Protocol.NODE_ID_PATTERN);
		}
		return this.base.newBuilder().addPathSegment("v1").addPathSegment(collection).addPathSegment(id);
	}

	private static Request get(HttpUrl url) {
		return new Request.Builder().url(url).get().build();
	}

	/**
	 * Runs {@code read} with the operation's Retry. A retry must end its wait early
	 * enough to leave the request's deadline as much time as the failed attempt took,
	 * else the failure is the answer: the deadline is the request's own, so it is checked
	 * here rather than in the Retry that all requests share.
	 */
	private <T> T retried(String operation, Deadline deadline, Supplier<T> read) {
		int[] attempts = { 0 };
		try {
			return Retry.decorateSupplier(this.retries.retry(operation), () -> {
				long start = System.nanoTime();
				try {
					return read.get();
				}
				catch (ValenceException ex) {
					int attempt = ++attempts[0];
					Duration took = Duration.ofNanos(System.nanoTime() - start);
					if (ex.isTransient() && attempt < this.maxAttempts
							&& !deadline.affords(Duration.ofMillis(this.backoff.apply(attempt)).plus(took))) {
						throw new Unaffordable(ex);
					}
					throw ex;
				}
			}).get();
		}
		catch (Unaffordable ex) {
			throw ex.failure;
		}
	}

	/** A transient failure that the request's deadline leaves no time to retry. */
	private static final class Unaffordable extends RuntimeException {

		private final ValenceException failure;

		Unaffordable(ValenceException failure) {
			super(failure.getMessage(), failure, false, false);
			this.failure = failure;
		}

	}

	/**
	 * One HTTP exchange, never begun once the deadline has passed.
	 * @param nodeScoped whether a 404 means the node is unknown
	 */
	private <T> T exchange(String operation, Request request, Deadline deadline, boolean nodeScoped,
			BodyReader<T> reader) {
		if (deadline.hasPassed()) {
			throw new ValenceException.Timeout(describe(request) + " was not sent: the request's time budget of "
					+ seconds(deadline.budget()) + " is spent", null);
		}
		Duration timeout = deadline.cap(this.callTimeout);
		try (Response response = execute(operation, request, deadline, timeout)) {
			byte[] body = readBody(response.body());
			if (!response.isSuccessful()) {
				throw failure(request, response.code(), new String(body, StandardCharsets.UTF_8), nodeScoped);
			}
			return readAnswer(request, body, reader);
		}
		catch (InterruptedIOException ex) {
			throw new ValenceException.Timeout(describe(request) + " got no complete answer "
					+ cutBy(ex, timeout, deadline) + " (" + ex.getMessage() + ")", ex);
		}
		catch (IOException ex) {
			throw new ValenceException.Unreachable(describe(request) + " failed: " + ex.getClass().getSimpleName()
					+ ((ex.getMessage() != null) ? ": " + ex.getMessage() : ""), ex);
		}
	}

	/**
	 * Sends the request; when it fails on a pooled connection before any answer came back
	 * (the server had closed the idle connection), sends it once more, at once, on a new
	 * connection, if the deadline has not passed. That holds for actions too: such a
	 * request never reached Valence. The pool's other idle connections are closed first:
	 * they have idled as long, so the server has likely closed them too, and the new
	 * attempt must not pick one of them. No library counts such resends, hence the
	 * hand-made counter.
	 */
	private Response execute(String operation, Request request, Deadline deadline, Duration timeout)
			throws IOException {
		ConnectionUse use = new ConnectionUse();
		Request tagged = use.tag(request.newBuilder())
			.tag(Tags.class, Tags.of(ValenceHttpClientFactory.OPERATION_TAG, operation))
			.build();
		try {
			return call(tagged, timeout).execute();
		}
		catch (IOException ex) {
			if (ex instanceof InterruptedIOException || !use.failedOnStaleConnection() || deadline.hasPassed()) {
				throw ex;
			}
			log.info("{} failed on a pooled connection before any answer ({}); sending it again on a new connection",
					describe(request), ex.toString());
			this.meters.counter("valence.upstream.stale_connections", ValenceHttpClientFactory.OPERATION_TAG, operation)
				.increment();
			this.http.connectionPool().evictAll();
			return call(tagged, deadline.cap(this.callTimeout)).execute();
		}
	}

	/**
	 * Names the limit that cut a call short: OkHttp throws a SocketTimeoutException when
	 * the connect timeout or the read timeout (a silence) expired, and a plain
	 * InterruptedIOException when the whole call's timeout did, which is the call timeout
	 * or what the deadline left, whichever was shorter.
	 */
	private String cutBy(InterruptedIOException ex, Duration timeout, Deadline deadline) {
		if (ex instanceof SocketTimeoutException) {
			return (ex.getMessage() != null && ex.getMessage().toLowerCase(Locale.ROOT).contains("connect"))
					? "within the connect timeout of " + seconds(this.connectTimeout)
					: "within the read timeout of " + seconds(this.readTimeout) + " (the longest silence allowed)";
		}
		return (timeout.compareTo(this.callTimeout) < 0)
				? "within what was left of the request's time budget of " + seconds(deadline.budget())
				: "within the call timeout of " + seconds(this.callTimeout);
	}

	private Call call(Request request, Duration timeout) {
		Call call = this.http.newCall(request);
		// Okio reads a zero timeout as none at all.
		call.timeout().timeout(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
		return call;
	}

	private static String seconds(Duration duration) {
		return (duration.toMillis() / 1000.0) + " s";
	}

	private static <T> T readAnswer(Request request, byte[] body, BodyReader<T> reader) {
		try {
			return reader.read(body);
		}
		catch (JacksonException ex) {
			throw new ValenceException.BadResponse("Valence answered " + describe(request)
					+ " with a body that is not the expected JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * The body as Valence sent it: Jackson reads UTF-8 bytes faster than a String made of
	 * them first.
	 */
	private static byte[] readBody(ResponseBody body) throws IOException {
		try (InputStream in = body.byteStream()) {
			byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
			if (bytes.length > MAX_BODY_BYTES) {
				throw new ValenceException.BadResponse("Valence's answer is larger than " + MAX_BODY_BYTES + " bytes",
						null);
			}
			return bytes;
		}
	}

	/**
	 * Turns an error status and Valence's error object into the failure mode's exception.
	 */
	private static ValenceException failure(Request request, int status, String body, boolean nodeScoped) {
		ValenceErrorBody error = ValenceErrorBody.parse(WIRE, body);
		String said = (error != null) ? error.describe() : "a body that is not a Valence error object";
		String detail = truncate("Valence answered " + describe(request) + " with " + status + ": " + said);
		if (status == 404 && nodeScoped) {
			return new ValenceException.NodeNotFound(detail);
		}
		if (status >= 500) {
			return new ValenceException.ServerError(detail);
		}
		return new ValenceException.Rejected(detail);
	}

	/**
	 * Method and path only: the URL's host is configuration, and its query never carries
	 * secrets.
	 */
	private static String describe(Request request) {
		URI uri = request.url().uri();
		return request.method() + " " + uri.getRawPath();
	}

	private static String truncate(String text) {
		return (text.length() <= MAX_DETAIL_CHARS) ? text : text.substring(0, MAX_DETAIL_CHARS) + "...";
	}

	@FunctionalInterface
	private interface BodyReader<T> {

		T read(byte[] body);

	}

}

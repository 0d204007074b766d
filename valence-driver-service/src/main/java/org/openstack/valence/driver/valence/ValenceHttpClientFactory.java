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

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.X509TrustManager;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.okhttp3.OkHttpMetricsEventListener;
import okhttp3.ConnectionPool;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.openstack.valence.driver.protocol.Protocol;
import org.slf4j.MDC;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/** Builds the one OkHttpClient (and so the one connection pool) used for Valence. */
public final class ValenceHttpClientFactory {

	/**
	 * Where the service's request-id filter keeps the id of the request a thread serves
	 * (the log pattern prints the same key). Read from SLF4J's MDC so that the Valence
	 * client needs nothing of the web layer.
	 */
	static final String REQUEST_ID_MDC_KEY = "request_id";

	/** OkHttp's own default. */
	private static final int MAX_IDLE_CONNECTIONS = 5;

	/**
	 * The timer of every HTTP call to Valence, tagged by Micrometer's OkHttp binder and
	 * with the request's {@link #OPERATION_TAG}.
	 */
	static final String REQUESTS_METER = "valence.upstream.requests";

	/**
	 * The tag naming what the service asked of Valence (get_node, reset, ...), carried by
	 * each request as a {@code Tags} tag, which the binder adds to the timer.
	 */
	static final String OPERATION_TAG = "operation";

	/** Valence's collections whose items are named by an id in the path. */
	private static final Set<String> ITEM_COLLECTIONS = Set.of("nodes", "systems");

	private ValenceHttpClientFactory() {
	}

	/**
	 * @param ssl the SSL bundle whose trust material checks Valence's certificate, or
	 * null for the JVM's trust store
	 * @param meters where the timer of every call is kept
	 */
	public static OkHttpClient build(ValenceProperties properties, SslBundle ssl, MeterRegistry meters) {
		OkHttpClient.Builder builder = new OkHttpClient.Builder()
			.connectionPool(
					new ConnectionPool(MAX_IDLE_CONNECTIONS, properties.keepAlive().toNanos(), TimeUnit.NANOSECONDS))
			.eventListener(ConnectionUse.LISTENER.plus(OkHttpMetricsEventListener.builder(meters, REQUESTS_METER)
				.uriMapper(ValenceHttpClientFactory::uriTemplate)
				.requestTagKeys(OPERATION_TAG)
				// target.host says it already.
				.includeHostTag(false)
				.build()))
			.connectTimeout(properties.connectTimeout())
			.readTimeout(properties.readTimeout())
			.writeTimeout(properties.readTimeout())
			.callTimeout(properties.callTimeout())
			// OkHttp would silently resend a request, an action included, after some
			// connection failures; reads are retried by Resilience4j instead.
			.retryOnConnectionFailure(false)
			.followRedirects(false);
		String basicAuth = properties.hasCredentials() ? Credentials.basic(properties.username(), properties.password())
				: null;
		builder.addInterceptor((chain) -> {
			Request.Builder request = chain.request().newBuilder().header("Accept", "application/json");
			String requestId = MDC.get(REQUEST_ID_MDC_KEY);
			if (requestId != null) {
				request.header(Protocol.REQUEST_ID_HEADER, requestId);
			}
			if (basicAuth != null) {
				request.header("Authorization", basicAuth);
			}
			return chain.proceed(request.build());
		});
		if (ssl != null) {
			builder.sslSocketFactory(ssl.createSslContext().getSocketFactory(),
					(X509TrustManager) ssl.getManagers().getTrustManagers()[0]);
		}
		return builder.build();
	}

	/**
	 * The request's path with each item id replaced by {@code {id}}, so that the timer's
	 * uri tag has as few values as Valence has kinds of resources.
	 */
	static String uriTemplate(Request request) {
		StringBuilder uri = new StringBuilder();
		String previous = "";
		for (String segment : request.url().pathSegments()) {
			uri.append('/').append(ITEM_COLLECTIONS.contains(previous) ? "{id}" : segment);
			previous = segment;
		}
		return uri.toString();
	}

	/**
	 * The SSL bundle that trusts the CA certificates of a PEM file, read at once.
	 * @throws IllegalStateException when the file cannot be read as PEM certificates
	 */
	public static SslBundle caBundle(Path caFile) {
		try {
			SslBundle bundle = SslBundle
				.of(new PemSslStoreBundle(null, PemSslStoreDetails.forCertificates(caFile.toUri().toString())));
			bundle.getStores().getTrustStore();
			return bundle;
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException(
					"VALENCE_CA_FILE " + caFile + " cannot be read as PEM certificates: " + ex.getMessage(), ex);
		}
	}

}

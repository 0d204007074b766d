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

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.function.Consumer;

import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Request;

/**
 * What one call to Valence did with its connection, recorded from OkHttp's events:
 * whether it took a pooled connection without connecting, and whether the answer's
 * headers came back. A call that failed on a reused connection before any answer came
 * back met a connection the server had closed while it sat idle in the pool; the request
 * never reached Valence.
 */
final class ConnectionUse {

	/**
	 * Records the events of every call whose request carries a {@link ConnectionUse} tag.
	 */
	static final EventListener LISTENER = new EventListener() {

		@Override
		public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
			record(call, (use) -> use.connected = true);
		}

		@Override
		public void connectionAcquired(Call call, Connection connection) {
			record(call, (use) -> use.acquired = true);
		}

		@Override
		public void responseHeadersStart(Call call) {
			record(call, (use) -> use.answered = true);
		}

	};

	private volatile boolean connected;

	private volatile boolean acquired;

	private volatile boolean answered;

	private static void record(Call call, Consumer<ConnectionUse> event) {
		ConnectionUse use = call.request().tag(ConnectionUse.class);
		if (use != null) {
			event.accept(use);
		}
	}

	/**
	 * Tags {@code request} so that the events of its call are recorded here (those of a
	 * resend of it too, never read).
	 */
	Request.Builder tag(Request.Builder request) {
		return request.tag(ConnectionUse.class, this);
	}

	/** True when the call failed on a pooled connection before any answer came back. */
	boolean failedOnStaleConnection() {
		return this.acquired && !this.connected && !this.answered;
	}

}

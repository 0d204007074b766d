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

package org.openstack.valence.driver.web;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.MDC;

import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/** The request id of the request this thread is serving, kept in the logging MDC. */
public final class RequestIds {

	public static final String MDC_KEY = "request_id";

	/**
	 * Ironic sends {@code req-<uuid>}; anything else that is short and plain is kept too,
	 * but nothing that could forge a log line.
	 */
	private static final Pattern ACCEPTED = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");

	private RequestIds() {
	}

	public static String current() {
		return MDC.get(MDC_KEY);
	}

	/**
	 * A pool of {@code threads} threads for the work of requests, none kept while idle.
	 * Each task runs with the logging context (the request id) of the thread that
	 * submitted it: the Valence client forwards the id from the MDC, and log lines print
	 * it.
	 */
	public static ThreadPoolTaskExecutor pool(String threadNamePrefix, int threads) {
		ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
		pool.setCorePoolSize(threads);
		pool.setMaxPoolSize(threads);
		pool.setAllowCoreThreadTimeOut(true);
		pool.setThreadNamePrefix(threadNamePrefix);
		pool.setTaskDecorator(RequestIds::carryingContext);
		pool.initialize();
		return pool;
	}

	private static Runnable carryingContext(Runnable task) {
		Map<String, String> context = MDC.getCopyOfContextMap();
		return () -> {
			if (context != null) {
				MDC.setContextMap(context);
			}
			try {
				task.run();
			}
			finally {
				MDC.clear();
			}
		};
	}

	/** The caller's id when it is acceptable, else a fresh one in Ironic's format. */
	static String acceptOrCreate(String offered) {
		if (offered != null && ACCEPTED.matcher(offered).matches()) {
			return offered;
		}
		return "req-" + UUID.randomUUID();
	}

}

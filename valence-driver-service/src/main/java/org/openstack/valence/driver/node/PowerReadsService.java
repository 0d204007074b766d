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

package org.openstack.valence.driver.node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.MeterRegistry;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.node.NodeJson.PowerReadFailure;
import org.openstack.valence.driver.node.NodeJson.PowerReadOutcome;
import org.openstack.valence.driver.node.NodeJson.PowerReadView;
import org.openstack.valence.driver.valence.ValenceException;
import org.openstack.valence.driver.valence.ValenceNode;
import org.openstack.valence.driver.web.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Power reads of many nodes in one request, each through {@link NodeReader} so that it
 * shares the single reads' single flight and freshness. The node reads of all such
 * requests share one pool of {@code driver.power-reads.parallelism} threads: a batch
 * never sends Valence more reads at once than that, and a node read still queued at the
 * request's deadline is dropped unsent.
 */
@Component
public class PowerReadsService implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(PowerReadsService.class);

	private final NodeReader reader;

	private final MeterRegistry meters;

	private final ThreadPoolTaskExecutor pool;

	public PowerReadsService(NodeReader reader, PowerReadsProperties properties, MeterRegistry meters) {
		this.reader = reader;
		this.meters = meters;
		this.pool = RequestIds.pool("power-read-", properties.parallelism());
	}

	/**
	 * Reads every node by the deadline, in parallel. Answers at the deadline at the
	 * latest: a node read not done by then is VALENCE_TIMEOUT, and is dropped if it has
	 * not begun (one in flight is cut off by the deadline itself).
	 * @return each node id, in the order given, with its power read or its failure
	 * @throws IllegalStateException when the thread is interrupted while waiting
	 */
	Map<String, PowerReadOutcome> read(List<String> nodeIds, Deadline deadline) {
		Map<String, Future<ValenceNode>> reads = new LinkedHashMap<>();
		try {
			for (String nodeId : nodeIds) {
				reads.put(nodeId, this.pool.submit(() -> this.reader.read(nodeId, deadline)));
			}
			Map<String, PowerReadOutcome> answers = new LinkedHashMap<>();
			reads.forEach((nodeId, read) -> answers.put(nodeId, outcome(nodeId, read, deadline)));
			return answers;
		}
		finally {
			reads.values().forEach((read) -> read.cancel(false));
		}
	}

	private PowerReadOutcome outcome(String nodeId, Future<ValenceNode> read, Deadline deadline) {
		try {
			ValenceNode node = read.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
			count("ok");
			return PowerReadView.of(node);
		}
		catch (TimeoutException ex) {
			log.warn("power read of node {} not done within the request's time budget of {}", nodeId,
					deadline.budget());
			return failure(ErrorCode.VALENCE_TIMEOUT);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof ValenceException valence) {
				ErrorCode code = ErrorCode.of(valence.failure());
				log.warn("power read of node {} failed: {} ({})", nodeId, code, valence.getMessage());
				return failure(code);
			}
			log.error("power read of node {} failed unexpectedly", nodeId, ex.getCause());
			return failure(ErrorCode.INTERNAL_ERROR);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for node reads", ex);
		}
	}

	private PowerReadFailure failure(ErrorCode code) {
		count(code.name().toLowerCase(Locale.ROOT));
		return new PowerReadFailure(code);
	}

	private void count(String outcome) {
		this.meters.counter("valence.power.reads", "outcome", outcome).increment();
	}

	@Override
	public void destroy() {
		this.pool.shutdown();
	}

}

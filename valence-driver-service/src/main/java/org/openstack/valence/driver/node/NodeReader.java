package org.openstack.valence.driver.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Reads a node for the API's read endpoints. Concurrent reads of one node share
 * a single Valence call (single flight), so a burst of Ironic status polls costs
 * Valence one request. Power changes poll Valence directly instead, since a
 * read that started before their action would be stale.
 */
@Component
public class NodeReader {

	private static final Logger log = LoggerFactory.getLogger(NodeReader.class);

	private final ValenceClient valence;

	private final ConcurrentMap<String, CompletableFuture<ValenceNode>> inFlight = new ConcurrentHashMap<>();

	public NodeReader(ValenceClient valence) {
		this.valence = valence;
	}

	public ValenceNode read(String nodeId) {
		CompletableFuture<ValenceNode> mine = new CompletableFuture<>();
		CompletableFuture<ValenceNode> running = this.inFlight.putIfAbsent(nodeId, mine);
		if (running != null) {
			log.debug("joining the read of node {} already in flight", nodeId);
			return join(running);
		}
		try {
			ValenceNode node = this.valence.getNode(nodeId);
			mine.complete(node);
			return node;
		}
		catch (RuntimeException | Error ex) {
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.inFlight.remove(nodeId, mine);
		}
	}

	private static ValenceNode join(CompletableFuture<ValenceNode> running) {
		try {
			return running.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

}

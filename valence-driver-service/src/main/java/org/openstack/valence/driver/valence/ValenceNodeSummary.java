package org.openstack.valence.driver.valence;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One entry of GET /v1/nodes. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ValenceNodeSummary(String uuid, String name, String index) {
}

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

package org.openstack.valence.driver.composition;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param parallelism how many node reads of the node list run at once, across all list
 * requests: a page of 1,000 nodes then takes 1000 / parallelism reads' time, 3.1 s at
 * Valence's 50 ms per read, well within the read budget; few enough that a listing never
 * floods Valence
 * @param snapshotMaxAge how long the pages after a first page take the composed nodes
 * from the list of Valence's nodes a page took rather than from a new one; a node
 * composed meanwhile is then in the next listing, and one deleted meanwhile is left out
 * when its read finds it gone. Zero: every page asks Valence for its list
 */
@Validated
@ConfigurationProperties("driver.node-list")
public record NodeListProperties(@Min(1) @Max(128) @DefaultValue("16") int parallelism,
		@NotNull @DurationMin(seconds = 0) @DurationMax(minutes = 10) @DefaultValue("30s") Duration snapshotMaxAge) {
}

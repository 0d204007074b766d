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

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param parallelism how many node reads of power reads of many nodes run at once, across
 * all such requests: enough that a batch of 100 fits the read budget at Valence's 50 to
 * 200 ms per read, few enough that a sync never floods Valence
 */
@Validated
@ConfigurationProperties("driver.power-reads")
public record PowerReadsProperties(@Min(1) @Max(64) @DefaultValue("8") int parallelism) {
}

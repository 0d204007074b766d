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

package org.openstack.valence.emulator.fault;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * Hands the fault filter a way to close the connection without a response. The Servlet
 * API cannot do that (a filter can only write a status), so this valve, which sees
 * Tomcat's own response, puts a closer in a request attribute. CLOSE_NOW makes Tomcat
 * swallow whatever follows and drop the socket, which a client sees as "Empty reply from
 * server".
 */
class ConnectionDropValve extends ValveBase {

	static final String ATTRIBUTE = ConnectionDropValve.class.getName();

	ConnectionDropValve() {
		super(true);
	}

	/**
	 * Drops the connection of {@code request}; false when no Tomcat valve is in front
	 * (e.g. MockMvc).
	 */
	static boolean drop(ServletRequest request) {
		if (request.getAttribute(ATTRIBUTE) instanceof Runnable closer) {
			closer.run();
			return true;
		}
		return false;
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		request.setAttribute(ATTRIBUTE,
				(Runnable) () -> response.getCoyoteResponse().action(ActionCode.CLOSE_NOW, null));
		getNext().invoke(request, response);
	}

}

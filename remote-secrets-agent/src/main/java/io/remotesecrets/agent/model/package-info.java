/** Series labels and samples shared by the agent's parser, relabelling and remote_write. */
package io.remotesecrets.agent.model;

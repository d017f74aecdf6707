package io.cardinal.server;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A server test with the Kubernetes client's mock API server in CRUD mode, one per test. The
 * server's watches are closed before the API server they watch. The mock's shutdown waits 10 s for
 * every connection to close and then throws; the JDK client's closed watch connections can outlive
 * that, which says nothing about what is tested, so it is not a failure.
 */
abstract class KubernetesServerTest extends ServerTest {
  private KubernetesMockServer mock;
  KubernetesClient client;

  @BeforeEach
  void startMock() {
    mock =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    mock.init();
    client = mock.createClient();
  }

  @AfterEach
  void stopMock() {
    closeServerAndTarget();
    client.close();
    try {
      mock.destroy();
    } catch (IllegalStateException e) {
      // connections still closing after 10 s (see the class comment)
    }
  }
}

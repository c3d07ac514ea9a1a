package io.ordo.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Connections that send nothing are closed after {@code quarkus.http.idle-timeout} (2 s here; 30 s by default): a
 * request whose headers stop half-way, a body that stops half-way, and an idle keep-alive connection.
 */
@QuarkusTest
@TestProfile(SlowConnectionsTest.ShortIdleTimeout.class)
class SlowConnectionsTest {
    static final long TIMEOUT_MILLIS = 2000;

    public static class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", TIMEOUT_MILLIS + "ms",
                    "ordo.outbox.relay-enabled", "false", "ordo.webhooks.workers-enabled", "false");
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void aRequestWhoseHeadersStopIsClosedAfterTheTimeout() throws IOException {
        assertClosedAfterTimeout("GET /q/health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
    }

    @Test
    void aBodyThatStopsIsClosedAfterTheTimeout() throws IOException {
        assertClosedAfterTimeout("POST /v1/inbound/web/orders HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"code\": ");
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheTimeout() throws IOException {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /q/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout((int) (TIMEOUT_MILLIS * 5));
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 200", head);
            long start = System.nanoTime();
            drainUntilClosed(in);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < TIMEOUT_MILLIS * 3, "closed after " + millis + " ms");
        }
    }

    private void assertClosedAfterTimeout(String partialRequest) throws IOException {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(partialRequest.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout((int) (TIMEOUT_MILLIS * 5));
            long start = System.nanoTime();
            drainUntilClosed(socket.getInputStream());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= TIMEOUT_MILLIS - 200, "not closed before the timeout: " + millis + " ms");
            assertTrue(millis < TIMEOUT_MILLIS * 3, "closed after " + millis + " ms");
        }
    }

    /** Reads until the server closes the connection; a read that times out means it never did. */
    private static void drainUntilClosed(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // whatever the server answered (a 408 or nothing); only the close matters
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open", e);
        } catch (java.net.SocketException reset) {
            // a reset is a close too
        }
    }
}

package io.understudy.config;

/**
 * The daemon's HTTP endpoint for {@code /metrics} (Prometheus) and {@code /health}.
 *
 * @param port TCP port; 0 disables the endpoint
 * @param bind address to listen on
 */
public record HttpConfig(int port, String bind) {
    public static HttpConfig disabled() {
        return new HttpConfig(0, "127.0.0.1");
    }
}

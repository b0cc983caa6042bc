package dev.pushbench.core;

/** A running stack. {@link #close()} stops it and releases its port and threads. */
public interface PushServer extends AutoCloseable {

    /** The bound port (the config may have asked for 0). */
    int port();

    @Override
    void close();
}

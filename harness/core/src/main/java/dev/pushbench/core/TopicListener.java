package dev.pushbench.core;

/**
 * Told by the {@link EventFeed}, on its publishing thread, that a topic has a new event. It must
 * return quickly (hand work to its own executor); the events themselves are read from the topic's
 * {@link TopicRing}.
 */
@FunctionalInterface
public interface TopicListener {
    void onPublished(Event event);
}
